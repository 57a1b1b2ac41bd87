"""The unknown-device log: which serials a key with ``unknown_devices=accept`` answered ``ignored`` /
``device_not_found`` for, how often and when last, so that the operator can register them (``inlet devices list
--unknown``, whose summary is the CLI's). Pure: the item's keys and what one entry holds.

One entry per request that had such uplinks, in the tenant's partition ``TENANT#unknown`` of the Records table (a
device's partition is ``TENANT#SERIAL`` with the serial upper-cased, so they never meet): sort key
``<13-digit ms>#<random>``, the serials with their counts, the key's id, and a TTL ``TTL_DAYS`` later. The summary
therefore covers the last ``TTL_DAYS`` days (DynamoDB deletes expired items within days: the reader filters them).
"""

from __future__ import annotations

import secrets
from collections import Counter

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
