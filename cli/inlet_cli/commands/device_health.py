"""Per device: when it was last heard, how many uplinks it sent in the last 24 hours, and its last RSSI/SNR.

The records answer it, so the ingest path writes nothing more. Per device, one Query for its latest record (one
item: half a read unit) and, only if that record is from the last 24 hours, one ``Select=COUNT`` Query over them.
A count still reads every counted item (half a read unit per 4 KB of items), so it stops after ``MAX_COUNT_PAGES``
pages of 1 MB and says the count is a lower bound. docs/operations.md gives the read units for a fleet.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from inlet.adapters.records import RecordStore
from inlet.core.link_health import signal_of
from inlet.core.values import format_time

WINDOW = timedelta(hours=24)
MAX_COUNT_PAGES = 4  # at most 4 MB read: 512 read units for one very chatty device, then "N+"
WORKERS = 8  # devices asked at the same time (each waits on DynamoDB, not on this machine)
# The local clock may be behind the functions' (received_at is their time): count anything received after now too.
CLOCK_SLACK = timedelta(hours=1)


def health_of(store: RecordStore, tenant: str, serials: list[str], now: datetime) -> list[dict]:
    """The health of each device, in the order given."""
    since, until = format_time(now - WINDOW), format_time(now + CLOCK_SLACK)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda serial: device_health(store, tenant, serial, since, until), serials))


def device_health(store: RecordStore, tenant: str, serial: str, since: str, until: str) -> dict:
    latest = store.latest(tenant, serial, 1)
    if not latest:
        return {"last_seen": None, "uplinks_24h": 0, "uplinks_24h_complete": True, "rssi": None, "snr": None}
    last = latest[0]
    count, complete = (0, True)
    if last["received_at"] >= since:
        count, complete = store.count_between(tenant, serial, since, until, MAX_COUNT_PAGES)
    signal = signal_of(last)
    return {
        "last_seen": last["received_at"],
        "uplinks_24h": count,
        "uplinks_24h_complete": complete,
        "rssi": signal.rssi,
        "snr": signal.snr,
    }


def shown_count(health: dict) -> str:
    """``"12"``, or ``"1700+"`` when the count stopped at its bound."""
    return f"{health['uplinks_24h']}" + ("" if health["uplinks_24h_complete"] else "+")


def shown_age(health: dict, now: datetime) -> str:
    """How long ago the device was last heard, for people (``"4m ago"``, ``"3d ago"``); ``""`` when never."""
    if not health["last_seen"]:
        return ""
    seconds = max(0, int((now - datetime.fromisoformat(health["last_seen"].replace("Z", "+00:00"))).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size * (2 if unit == "d" else 1):
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"
