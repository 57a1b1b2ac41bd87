"""Logging a request of a key whose logging is on: gather what the use case learnt, then write one entry.

The handler makes one ``RequestTrace`` per request and gives it to the ingest use case, which fills it in as it
goes (the key once authenticated, the mapped items, the built and decoded records). Once the answer is decided,
``log_request`` writes the entry, if the key logs. Requests refused before their key is known (401, 403, a body
too large to look at) cannot be attributed to a tenant and are never logged: the metrics count them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum

import orjson

from inlet.adapters.request_log import RequestLogStore
from inlet.core.keys import KeyConfig
from inlet.core.request import HttpRequest, item_query
from inlet.core.request_log import MAX_ITEMS, build_entry, uplink_item


class Logged(Enum):
    OFF = "off"  # the key does not log (or no key was authenticated)
    WRITTEN = "written"
    FAILED = "failed"  # the store refused or failed: the answer stands; the handler counts it


@dataclass
class RequestTrace:
    request: HttpRequest | None = None
    received_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    config: KeyConfig | None = None
    uplinks: list = field(default_factory=list)
    records: dict[int, dict] = field(default_factory=dict)  # index -> record as built and decoded
    console: dict[str, list[str]] | None = None  # record id -> console lines; None: not collected (logging off)

    def authenticated(self, config: KeyConfig) -> None:
        self.config = config
        if config.logs_requests(self.received_ms / 1000):
            self.console = {}  # decoders then hand their console lines over (an extra engine call per uplink)

    @property
    def logging(self) -> bool:
        return self.console is not None


def log_request(trace: RequestTrace, answer: dict, store: RequestLogStore | None, now_ms: int | None = None) -> Logged:
    """Write the request's entry when its key logs; the answer (an HTTP answer, as the handler returns it) is
    only read."""
    if not trace.logging or trace.config is None or store is None:
        return Logged.OFF
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    try:
        entry = build_entry(_request_of(trace.request), trace.config.id, _answer_of(answer), _details(trace),
                            trace.received_ms, now_ms, len(trace.uplinks))  # fmt: skip
    except (TypeError, ValueError, KeyError, orjson.JSONEncodeError):
        return Logged.FAILED  # an item this code did not foresee: no entry rather than a changed answer
    return Logged.WRITTEN if store.put(trace.config.tenant, entry) else Logged.FAILED


def _request_of(request: HttpRequest | None) -> dict:
    if request is None:
        return {}
    return {
        "headers": request.headers,
        "query": item_query(request),
        "body_bytes": len(request.body),
        "source_ip": request.source_ip,
    }


def _answer_of(answer: dict) -> dict:
    try:
        body = orjson.loads(answer.get("body") or "{}")
    except orjson.JSONDecodeError:
        body = {}
    replayed = (answer.get("headers") or {}).get("x-inlet-replayed") == "true"
    return {"status": answer.get("statusCode"), "body": body, "replayed": replayed}


def _details(trace: RequestTrace) -> dict[int, dict]:
    console = trace.console or {}
    details = {}
    for uplink in trace.uplinks[:MAX_ITEMS]:  # the entry keeps no more (the others are counted from the answer)
        record = trace.records.get(uplink.index)
        details[uplink.index] = uplink_item(uplink, record, console.get(record["id"]) if record else None)
    return details
