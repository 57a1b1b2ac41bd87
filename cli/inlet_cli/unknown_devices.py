"""Reading the unknown-device log back (``inlet.core.unknown_devices``; the endpoint only writes it): every unexpired
entry of a tenant, and one line per serial over them, for ``inlet devices list --unknown``."""

from __future__ import annotations

import time
from dataclasses import dataclass

import orjson
from inlet.core.unknown_devices import partition


@dataclass(frozen=True)
class UnknownDevice:
    serial: str
    last_seen_ms: int
    uplinks: int
    key_id: str  # the key of its latest uplink


def entries(dynamodb, table: str, tenant: str) -> list[dict]:
    """Every unexpired entry of the tenant (all pages of one Query); DynamoDB deletes expired items within days."""
    request = {
        "TableName": table,
        "KeyConditionExpression": "device = :p",
        "FilterExpression": "expires_at > :now",
        "ExpressionAttributeValues": {":p": {"S": partition(tenant)}, ":now": {"N": str(int(time.time()))}},
    }
    found: list[dict] = []
    while True:
        answer = dynamodb.query(**request)
        found += [_entry(item) for item in answer["Items"]]
        if not answer.get("LastEvaluatedKey"):
            return found
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def summary(logged: list[dict]) -> list[UnknownDevice]:
    """One line per serial over the entries (``{"time_ms", "key_id", "serials": {serial: count}}``), the most
    recently seen first."""
    seen: dict[str, UnknownDevice] = {}
    for entry in sorted(logged, key=lambda e: e["time_ms"]):
        for serial, count in entry["serials"].items():
            before = seen.get(serial)
            total = count + (before.uplinks if before else 0)
            seen[serial] = UnknownDevice(serial, entry["time_ms"], total, entry.get("key_id", ""))
    return sorted(seen.values(), key=lambda d: (-d.last_seen_ms, d.serial))


def _entry(item: dict) -> dict:
    return {
        "time_ms": int(item["sk"]["S"].split("#", 1)[0]),
        "key_id": item.get("key_id", {}).get("S", ""),
        "serials": orjson.loads(item["serials"]["S"]),
    }
