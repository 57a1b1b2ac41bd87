"""The unknown-device log: which serials a key with ``unknown_devices=accept`` answered ``ignored`` /
``device_not_found`` for, how often and when last, so that the operator can register them (``inlet devices list
--unknown``). Pure: the item's keys and the summary of its entries.

One entry per request that had such uplinks, in the tenant's partition ``TENANT#unknown`` of the Records table (a
device's partition is ``TENANT#SERIAL`` with the serial upper-cased, so they never meet): sort key
``<13-digit ms>#<random>``, the serials with their counts, the key's id, and a TTL ``TTL_DAYS`` later. The summary
therefore covers the last ``TTL_DAYS`` days (DynamoDB deletes expired items within days: the reader filters them).
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

PARTITION_SUFFIX = "#unknown"
TTL_DAYS = 7
MAX_SERIALS = 2000  # a request holds at most MAX_ITEMS uplinks; this bounds the entry (~40 bytes a serial)


def partition(tenant: str) -> str:
    return f"{tenant}{PARTITION_SUFFIX}"


def sort_key(now_ms: int) -> str:
    return f"{now_ms:013d}#{secrets.token_hex(4)}"


def counts_of(serials: list[str]) -> dict[str, int]:
    """How many uplinks of the request named each unknown serial (at most ``MAX_SERIALS`` serials)."""
    return dict(Counter(serials).most_common(MAX_SERIALS))


@dataclass(frozen=True)
class UnknownDevice:
    serial: str
    last_seen_ms: int
    uplinks: int
    key_id: str  # the key of its latest uplink


def summary(entries: list[dict]) -> list[UnknownDevice]:
    """One line per serial over the entries (``{"time_ms", "key_id", "serials": {serial: count}}``), the most
    recently seen first."""
    seen: dict[str, UnknownDevice] = {}
    for entry in sorted(entries, key=lambda e: e["time_ms"]):
        for serial, count in entry["serials"].items():
            before = seen.get(serial)
            total = count + (before.uplinks if before else 0)
            seen[serial] = UnknownDevice(serial, entry["time_ms"], total, entry.get("key_id", ""))
    return sorted(seen.values(), key=lambda d: (-d.last_seen_ms, d.serial))
