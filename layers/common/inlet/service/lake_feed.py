"""The lake's feed: the Records table's new items (DynamoDB Streams records) become lake rows of the chosen tenants.

Only INSERTs count: a retried request rewrites the same item (a MODIFY with the same record), which must not add a
second row; an item removed by its TTL (REMOVE) stays in the lake, which keeps history longer than the table.
"""

from __future__ import annotations

from collections.abc import Iterable

from inlet.adapters.record_items import from_item
from inlet.core.lake.rows import lake_row

ALL_TENANTS = "*"


def chosen_tenants(setting: str) -> frozenset[str]:
    """``LAKE_TENANTS``: ``*`` for every tenant, else a comma-separated list (empty: none)."""
    return frozenset(t.strip() for t in setting.split(",") if t.strip())


def wanted(tenant: str, tenants: frozenset[str]) -> bool:
    return ALL_TENANTS in tenants or tenant in tenants


def rows_from_stream(stream_records: Iterable[dict], tenants: frozenset[str]) -> list[dict]:
    """The lake rows of the new items among Lambda's DynamoDB Streams records (``NewImage`` needed)."""
    rows = []
    for change in stream_records:
        image = (change.get("dynamodb") or {}).get("NewImage")
        if change.get("eventName") != "INSERT" or not image or not _is_record(image):
            continue
        tenant = image["device"]["S"].split("#", 1)[0]
        if wanted(tenant, tenants):
            rows.append(lake_row(from_item(image)))
    return rows


def _is_record(image: dict) -> bool:
    """Uplink records and device events; the table's other items (request log entries...) have other keys."""
    device, sk = image.get("device", {}).get("S", ""), image.get("sk", {}).get("S", "")
    return "#" in device and sk.count("#") == 2 and ("record" in image or "record_zstd" in image)
