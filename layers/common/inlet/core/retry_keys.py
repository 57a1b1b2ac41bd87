"""Record keys a retry can compute: how a single-uplink request is deduplicated by its own record's write.

Deduplicating a request in general takes three writes: a claim in the dedup table, the records, then the answer
(``inlet.adapters.dedup``). A request of one uplink from a network server needs only one: its record's key is
derived from the request itself, so the record's conditional PutItem is the claim, and a retry, which carries the
same body, computes the same key and finds the record already there.

- The key's time is the network server's own time of the uplink (it is in the body, unlike the server time of the
  first attempt), so such records still sort by time ("the latest records", ``--since``/``--until``).
- The group (and so the record's id) is derived from the request's fingerprint: same key, same query, same body.

Only formats whose time field is set by the network server qualify: a device's own clock (the generic schema, a
time field the key's mapping names) may be wrong or constant, and records would sort out of place. Everything else
takes the three-write path. Whether a request qualifies depends on its body and its key alone, never on the time it
arrives or on the devices table, so a retry always takes the same path as the first attempt.
"""

from __future__ import annotations

from inlet.core.ingest_item import IngestItem
from inlet.core.network_servers import FORMATS

# Formats whose time field is the network server's (or its gateways') time of the uplink (``Format.server_time``).
NETWORK_TIMED_FORMATS = frozenset(fmt.id for fmt in FORMATS if fmt.server_time)
PLAUSIBLE_YEARS = ("2000", "2200")  # a time outside them would sort records out of place: three-write path


def retry_key_time(items: list[IngestItem], time_mapped: bool) -> str | None:
    """The time the record's key starts with when the request can be deduplicated by that record alone, else None:
    one item, an uplink, in a network server's format, with that server's time (``time_mapped``: the key's mapping
    names the time field itself, which may then be anything)."""
    if len(items) != 1 or not items[0].message.is_uplink or time_mapped:
        return None
    uplink = items[0].uplink
    if uplink.format not in NETWORK_TIMED_FORMATS or not uplink.time:
        return None
    if not PLAUSIBLE_YEARS[0] <= uplink.time[:4] < PLAUSIBLE_YEARS[1]:
        return None
    return uplink.time


def retry_group(fingerprint: str) -> str:
    """The group of such a request: the same for every retry of it (24 hex digits, like a random group)."""
    return fingerprint[:24]
