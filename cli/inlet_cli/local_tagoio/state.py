"""What the local TagoIO knows (network tokens, devices, stored data) and its fault switches. Thread-safe.

Switches (set from Python or from ``POST /_admin/switches``):
- ``latency``: seconds before every answer; ``down``: every call answers 503;
- ``fail``: the next N calls (of ``fail_route``, or any) answer ``fail_status`` (a 5xx, or a 4xx);
- ``throttle``: the next N ``POST /data`` answer 429 with ``retry_after``;
- ``drop``: the next N ``POST /data`` get no answer (the connection is closed), after the data is stored when
  ``drop_after_store`` (the "answer lost" case), before otherwise;
- ``rate_limit``: requests per minute per profile and route (TagoIO's Free plan: 250).

Where TagoIO's contract is silent, a switch offers each plausible answer (the tests run Inlet against all of them):
- ``unknown_serial_status``: resolve of a serial with no device (not documented: 404 by default, 400, or 200 with
  ``status: false``); ``resolve_answers``: {serial: status} forces an odd answer for one serial (any status);
- ``oversize_status``: a body over 200 kB (not documented: 413 by default, or 400);
- ``retry_after_header``: also send a ``Retry-After`` header with a 429 (the documented 429 carries the delay only in
  its message, ``"Too many requests (Retry-After: 8)"``: off by default);
- ``groups_commas``: also split ``groups``/``variables`` on commas (the documented form for several values is
  ``groups[0]=a&groups[1]=b``: off by default);
- ``post_status``: 200 (the API description) or 202 (accepted, stored later); ``store_delay``: seconds before posted
  data can be read back (TagoIO stores asynchronously: 0 by default);
- ``error_field``: where a refusal's text is, ``message`` (the documented 429's envelope) or ``result`` (the official
  JS SDK reads ``message || result``);
- ``max_future_seconds`` / ``retention_seconds`` (0: forever): record times TagoIO takes; ``bad_time``: what happens
  to a POST with a time outside them (``refuse``: the whole POST, by default; ``store``: kept as sent).
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class Switches:
    latency: float = 0.0
    down: bool = False
    fail: int = 0
    fail_status: int = 503
    fail_route: str = ""  # e.g. "POST /data"; empty: any route
    throttle: int = 0
    retry_after: int = 7
    drop: int = 0
    drop_after_store: bool = True
    rate_limit: int = 250  # TagoIO's Free plan, POST /data and GET /data
    unknown_serial_status: int = 404
    resolve_answers: dict = field(default_factory=dict)
    oversize_status: int = 413
    retry_after_header: bool = False
    groups_commas: bool = False
    post_status: int = 200
    store_delay: float = 0.0
    max_future_seconds: int = 86_400
    retention_seconds: int = 0
    bad_time: str = "refuse"
    error_field: str = "message"


class TagoState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.switches = Switches()
        self.network_tokens: set[str] = set()
        self.devices: dict[tuple[str, str], str] = {}  # (authorization, serial) -> its current device token
        self.tokens: dict[str, tuple[str, str]] = {}  # device token -> (authorization, serial)
        self.data: dict[tuple[str, str], list[dict]] = {}  # (authorization, serial) -> stored records
        self.parsers: dict[tuple[str, str], str] = {}  # (authorization, serial) -> its payload parser (JavaScript)
        self.parser_errors: list[str] = []  # why a parser stopped (then nothing of that POST was stored)
        self.calls: list[tuple[str, str, int]] = []  # (method, route, status): what tests assert on
        self._minutes: dict[tuple[str, str, int], int] = {}
        self._visible: dict[str, float] = {}  # record id -> when GET /data may return it (monotonic clock)

    def reset(self) -> None:
        with self.lock:
            self.switches = Switches()
            tables = (self.network_tokens, self.devices, self.tokens, self.data, self.parsers, self._minutes)
            for table in (*tables, self._visible):
                table.clear()
            self.calls.clear()
            self.parser_errors.clear()

    def add_network_token(self, token: str = "") -> str:
        token = token or str(uuid.uuid4())
        with self.lock:
            self.network_tokens.add(token)
        return token

    def add_device(self, authorization: str, serial: str, token: str = "") -> str:
        """Create a device, or give an existing one a new token (the old one stops working)."""
        token = token or str(uuid.uuid4())
        with self.lock:
            self.tokens.pop(self.devices.get((authorization, serial), ""), None)
            self.devices[(authorization, serial)] = token
            self.tokens[token] = (authorization, serial)
            self.data.setdefault((authorization, serial), [])
        return token

    def set_parser(self, authorization: str, serial: str, source: str) -> None:
        """Give a device a payload parser (empty: none), run on every POST /data as TagoIO runs it."""
        with self.lock:
            self.parsers[(authorization, serial)] = source

    def remove_device(self, authorization: str, serial: str) -> None:
        with self.lock:
            self.tokens.pop(self.devices.pop((authorization, serial), ""), None)

    def set(self, **changes: object) -> None:
        with self.lock:
            for name, value in changes.items():
                if not hasattr(self.switches, name):
                    raise ValueError(f"unknown switch {name!r}")
                setattr(self.switches, name, type(getattr(self.switches, name))(value))

    def take(self, name: str) -> bool:
        """Consume one unit of a counted switch (fail, throttle, drop): True when it fires for this call."""
        with self.lock:
            left = getattr(self.switches, name)
            if left > 0:
                setattr(self.switches, name, left - 1)
            return left > 0

    def over_limit(self, profile: str, route: str) -> int:
        """0 when the call is within the minute's limit, else the seconds until the next minute."""
        now = time.time()
        minute = int(now // 60)
        with self.lock:
            count = self._minutes.get((profile, route, minute), 0) + 1
            self._minutes[(profile, route, minute)] = count
        return 0 if count <= self.switches.rate_limit else max(1, int((minute + 1) * 60 - now + 0.999))

    def store(self, token: str, records: list[dict], delay: float = 0.0) -> int:
        """Keep records (readable ``delay`` seconds from now); a record without a group gets the POST's own, as
        TagoIO's "auto" group (sending-data.md: group "no / auto")."""
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        auto_group = str(int(time.time() * 1000))
        visible_at = time.monotonic() + delay
        with self.lock:
            for record in records:
                stored = {"id": secrets.token_hex(12), "created_at": now, "time": now, **record}
                if "serie" in stored:
                    stored["group"] = stored.pop("serie")
                stored.setdefault("group", auto_group)
                self._visible[stored["id"]] = visible_at
                self.data[self.tokens[token]].append(stored)
        return len(records)

    def query(self, token: str, groups: list[str], variables: list[str], qty: int) -> list[dict]:
        now = time.monotonic()
        with self.lock:
            found = [
                r
                for r in self.data.get(self.tokens.get(token, ("", "")), [])
                if (not groups or r.get("group") in groups)
                and (not variables or r.get("variable") in variables)
                and self._visible.get(r["id"], 0.0) <= now
            ]
        return sorted(found, key=lambda r: str(r.get("time")), reverse=True)[:qty]

    def records(self, serial: str, authorization: str = "") -> list[dict]:
        """Everything stored for a device (the first profile that has this serial when none is named)."""
        with self.lock:
            device = next((d for d in self.data if d[1] == serial and d[0] == (authorization or d[0])), None)
            return [dict(r) for r in self.data.get(device, [])] if device else []
