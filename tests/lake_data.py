"""Small lake data sets built through the real row builder (records as the Records table gives them back)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inlet.core.lake.rows import lake_row
from inlet.core.values import format_time

SENSOR, QUIET, FAILING = "70B3D57ED0000001", "70B3D57ED0000002", "AA-BB-01"


def read_back(tenant: str, serial: str, at: datetime, index: int, *, temperature: float | None = None,
              gateways: tuple[str, ...] = ("gw-a",), rssi: float = -90.0, fcnt: int | None = None,
              failed: bool = False, event: str | None = None) -> dict:  # fmt: skip
    """A record in the form ``from_item`` returns (generic format: top-level rssi, snr, gateway, fcnt)."""
    variables = [{"variable": "rssi", "value": rssi}, {"variable": "snr", "value": 7.5}]
    variables += [{"variable": f"gateways_{i}_id", "value": g} for i, g in enumerate(gateways)]
    if fcnt is not None:
        variables.append({"variable": "fcnt", "value": fcnt})
    record = {
        "id": f"{index:024x}-0", "tenant": tenant, "serial": serial, "group": f"{index:024x}",
        "received_at": format_time(at), "time": format_time(at - timedelta(seconds=1)), "port": 10,
        "payload": "0011aa", "variables": variables, "flags": [], "format": "generic", "key_id": "feedfacefeedface",
    }  # fmt: skip
    if temperature is not None:
        record["decoded"] = {"temperature": temperature, "humidity": 40}
        record["decoder"] = {"connector": "sensor@1", "errors": [], "warnings": []}
    if failed:
        record["flags"] = ["decode_failed"]
        record["decoder"] = {"connector": "broken@2", "errors": ["TypeError: bad"], "warnings": []}
    if event:
        record["event"] = event
    return record


def example_rows(now: datetime | None = None) -> list[dict]:
    """Rows every documented example finds something in (fixed week 2025-06-01..07, and days relative to now),
    plus another tenant's rows that no query of ``acme`` may see."""
    now = now or datetime.now(UTC)
    week = datetime(2025, 6, 1, 6, tzinfo=UTC)
    records, index = [], 0

    def add(tenant, serial, at, **kw):
        nonlocal index
        index += 1
        records.append(read_back(tenant, serial, at, index, **kw))

    for day in range(7):  # two uplinks a day, temperatures 10 + day and 20 + day, frame counters with a gap
        add("acme", SENSOR, week + timedelta(days=day), temperature=10.0 + day, fcnt=3 * day, gateways=("gw-a", "gw-b"))
        add("acme", SENSOR, week + timedelta(days=day, hours=6), temperature=20.0 + day, fcnt=3 * day + 1)
    add("acme", SENSOR, now - timedelta(hours=1), temperature=30.0, fcnt=100)  # heard lately: not silent
    add("acme", QUIET, now - timedelta(days=3), rssi=-120.0, gateways=("gw-c",))  # silent for 3 days
    add("acme", FAILING, now - timedelta(hours=2), failed=True)
    add("acme", FAILING, now - timedelta(hours=1), failed=True)
    add("acme", FAILING, now - timedelta(hours=1), event="status")  # a device event: not in uplinks
    add("globex", SENSOR, week, temperature=99.0, fcnt=1)  # another tenant's data
    add("globex", QUIET, now - timedelta(days=2), failed=True)
    return [lake_row(r) for r in records]
