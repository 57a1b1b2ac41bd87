"""Uplink records in DynamoDB: one item per accepted uplink, HASH ``device`` = tenant#serial, RANGE ``sk``.

``sk`` starts with the server time, so "the latest N records of a device" is one Query in reverse order. The key
is derived from the request's group and the item's index: rewriting a record after a retried request overwrites
the same item, so a retry never creates a second copy.
"""

from __future__ import annotations

import orjson

from inlet.adapters.aws import SDK_ERRORS, client, unavailable
from inlet.adapters.retry import until_processed

BATCH_WRITE_LIMIT = 25


def device_key(tenant: str, serial: str) -> str:
    return f"{tenant}#{serial}"


def to_item(record: dict) -> dict:
    """A record (see ``inlet.core.records``) as DynamoDB attribute values, built by hand: this runs per uplink."""
    item = {
        "device": {"S": device_key(record["tenant"], record["serial"])},
        "sk": {"S": record["sk"]},
        "id": {"S": record["id"]},
        "tenant": {"S": record["tenant"]},
        "serial": {"S": record["serial"]},
        "group": {"S": record["group"]},
        "received_at": {"S": record["received_at"]},
        "time": {"S": record["time"]},
        "format": {"S": record["format"]},
        "variables": {"S": orjson.dumps(record["variables"]).decode()},
    }
    _put_value(item, "port", record["port"])
    _put_value(item, "payload", record["payload"])
    if record["flags"]:
        item["flags"] = {"SS": record["flags"]}
    if record.get("expires_at"):
        item["expires_at"] = {"N": str(record["expires_at"])}
    return item


def _put_value(item: dict, name: str, value: object) -> None:
    """Integers as numbers, strings as strings, anything else as its JSON text (kept as sent, and flagged)."""
    if value is None:
        return
    if isinstance(value, int) and not isinstance(value, bool):
        item[name] = {"N": str(value)}
    elif isinstance(value, str):
        item[name] = {"S": value}
    else:
        item[name] = {"S": orjson.dumps(value).decode()}


def from_item(item: dict) -> dict:
    record = {k: v["S"] for k, v in item.items() if "S" in v and k not in ("device", "variables")}
    record["variables"] = orjson.loads(item["variables"]["S"]) if "variables" in item else []
    for name in ("port", "payload"):
        if "N" in item.get(name, {}):
            record[name] = int(item[name]["N"])
    record["flags"] = sorted(item.get("flags", {}).get("SS", []))
    return record


class RecordStore:
    def __init__(self, table: str, dynamodb=None) -> None:
        self._table = table
        self._dynamodb = dynamodb

    @property
    def dynamodb(self):
        if self._dynamodb is None:
            self._dynamodb = client("dynamodb")
        return self._dynamodb

    def put_many(self, records: list[dict]) -> None:
        """Durably write every record (BatchWriteItem, 25 a call, unprocessed items retried) or raise a 503."""
        items = [{"PutRequest": {"Item": to_item(r)}} for r in records]
        try:
            for start in range(0, len(items), BATCH_WRITE_LIMIT):
                request = {self._table: items[start : start + BATCH_WRITE_LIMIT]}
                until_processed(lambda r: self.dynamodb.batch_write_item(RequestItems=r), request, "UnprocessedItems")
        except (*SDK_ERRORS, TimeoutError) as exc:
            raise unavailable("Record store", exc) from exc

    def latest(self, tenant: str, serial: str, limit: int = 10, after_sk: str | None = None) -> list[dict]:
        """The newest records of a device, newest first, in one Query (``after_sk``: only newer than that key)."""
        condition = "device = :d"
        values = {":d": {"S": device_key(tenant, serial)}}
        if after_sk:
            condition += " AND sk > :after"
            values[":after"] = {"S": after_sk}
        answer = self.dynamodb.query(
            TableName=self._table,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            ScanIndexForward=False,
            Limit=limit,
        )
        return [from_item(item) for item in answer["Items"]]
