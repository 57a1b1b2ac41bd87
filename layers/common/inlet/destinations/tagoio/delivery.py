"""A delivery: the TagoIO records of one device from one request, as one queue message and one ``POST /data``.

A device's records are packed into parts of at most ``PART_BYTES`` of JSON, so that every part is one POST under
TagoIO's 200 kB limit and one SQS message under its 256 KB limit. Pure functions.

Duplicate detection (``POST /data`` has no idempotency key): before a part is posted, the worker asks TagoIO whether
it is already stored. The request's group is random and unique, so for a single-part delivery "any record of this
group on this device" means "stored" (this survives payload parsers, which keep the group). When a device's records
need several parts, each part also carries one small sentinel record, ``inlet_part = "<i>/<n>"`` in the same group,
and the question becomes "is this part's sentinel there". A POST is assumed to be stored whole or not at all.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import orjson

MAX_POST_BYTES = 200_000  # TagoIO's limit for one POST /data
PART_BYTES = 190_000  # room left for the sentinel record and the message envelope
SENTINEL_VARIABLE = "inlet_part"
VERSION = 1
_RETRY_AFTER = re.compile(r"retry-after\D{0,3}(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Delivery:
    key_hash: str  # finds the key's TagoIO settings (the key itself is never stored)
    serial: str
    group: str
    received_at: str
    records: list[dict]
    part: int = 0
    parts: int = 1

    @property
    def id(self) -> str:
        return f"{self.group}:{self.serial}:{self.part}"

    def to_body(self) -> str:
        return orjson.dumps({"v": VERSION, **asdict(self)}).decode()

    @classmethod
    def from_body(cls, body: str) -> Delivery:
        """Raises ``ValueError`` for a body that is not a delivery of this version."""
        try:
            data = orjson.loads(body)
            if data.pop("v") != VERSION or not isinstance(data["records"], list):
                raise ValueError("unsupported delivery version")
            return cls(**data)
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed delivery: {type(exc).__name__}") from exc

    def sentinel(self) -> dict:
        return {"variable": SENTINEL_VARIABLE, "value": f"{self.part + 1}/{self.parts}", "group": self.group}

    def post_body(self) -> list[dict]:
        """What is posted: the records, plus the part's sentinel when the device's records needed several parts."""
        return self.records if self.parts == 1 else [*self.records, self.sentinel()]


def pack(key_hash: str, serial: str, group: str, received_at: str, records: list[dict]) -> list[Delivery]:
    """Split one device's records into as few parts as the size budget allows, keeping their order."""
    chunks: list[list[dict]] = [[]]
    size = 2
    for record in records:
        record_size = len(orjson.dumps(record)) + 1
        if chunks[-1] and size + record_size > PART_BYTES:
            chunks.append([])
            size = 2
        chunks[-1].append(record)
        size += record_size
    total = len(chunks)
    return [Delivery(key_hash, serial, group, received_at, chunk, i, total) for i, chunk in enumerate(chunks)]


def is_stored(delivery: Delivery, found: list[dict]) -> bool:
    """Whether TagoIO's answer to the duplicate check (records of the group, or sentinels) shows this part stored."""
    if delivery.parts == 1:
        return bool(found)
    wanted = delivery.sentinel()["value"]
    return any(r.get("variable") == SENTINEL_VARIABLE and r.get("value") == wanted for r in found)


def backoff_seconds(receive_count: int, ambiguous: bool, cap: int = 900, jitter: float = 0.0) -> int:
    """Exponential backoff by delivery attempt (10 s, 20 s, 40 s ... ``cap``); ``jitter`` in [0, 1) adds up to 20 %.

    After an ambiguous failure (the POST may have been stored) wait at least 30 s, so that TagoIO has stored it
    before the duplicate check looks for it."""
    delay = min(cap, 10 * 2 ** max(0, min(receive_count - 1, 20)))
    if ambiguous:
        delay = max(delay, 30)
    return min(cap, int(delay * (1 + 0.2 * jitter)))


def retry_after_seconds(header: str | None, message: str | None, default: int = 60) -> int:
    """TagoIO's wait after a 429: the ``Retry-After`` header, else the one in its message, else ``default``."""
    for text in (header, message):
        if text and text.strip().isdigit():
            return max(1, int(text.strip()))
        match = _RETRY_AFTER.search(text or "")
        if match:
            return max(1, int(match.group(1)))
    return default
