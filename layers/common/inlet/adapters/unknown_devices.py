"""The unknown-device log in DynamoDB (``core.unknown_devices``): one PutItem per request that had uplinks of
unknown devices under a key that accepts them, and the Query that reads them back for ``inlet devices list
--unknown``."""

from __future__ import annotations

import time

import orjson

from inlet.adapters.aws import SDK_ERRORS, LazyClient
from inlet.core.unknown_devices import TTL_DAYS, partition, sort_key


class UnknownDeviceLog:
    dynamodb = LazyClient("dynamodb")

    def __init__(self, table: str, dynamodb=None) -> None:
        self._table = table
        self._dynamodb = dynamodb

    def put(self, tenant: str, key_id: str, serials: dict[str, int], now_ms: int) -> bool:
        """One entry; ``False`` when it could not be written. Never raises for the store's faults: the uplinks'
        answer is decided, and a note about devices nobody registered must never change it."""
        item = {
            "device": {"S": partition(tenant)},
            "sk": {"S": sort_key(now_ms)},
            "expires_at": {"N": str(now_ms // 1000 + TTL_DAYS * 86400)},
            "key_id": {"S": key_id},
            "serials": {"S": orjson.dumps(serials).decode()},
        }
        try:
            self.dynamodb.put_item(TableName=self._table, Item=item)
        except (*SDK_ERRORS, TimeoutError):
            return False
        return True

    def entries(self, tenant: str) -> list[dict]:
        """Every unexpired entry of the tenant (all pages of one Query)."""
        request = {
            "TableName": self._table,
            "KeyConditionExpression": "device = :p",
            "FilterExpression": "expires_at > :now",
            "ExpressionAttributeValues": {":p": {"S": partition(tenant)}, ":now": {"N": str(int(time.time()))}},
        }
        entries: list[dict] = []
        while True:
            answer = self.dynamodb.query(**request)
            entries += [_entry(item) for item in answer["Items"]]
            if not answer.get("LastEvaluatedKey"):
                return entries
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def _entry(item: dict) -> dict:
    return {
        "time_ms": int(item["sk"]["S"].split("#", 1)[0]),
        "key_id": item.get("key_id", {}).get("S", ""),
        "serials": orjson.loads(item["serials"]["S"]),
    }
