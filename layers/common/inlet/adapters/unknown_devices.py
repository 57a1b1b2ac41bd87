"""The unknown-device log in DynamoDB (``core.unknown_devices``): one PutItem per request that had uplinks of
unknown devices under a key that accepts them (``inlet devices list --unknown`` reads them back, in the CLI)."""

from __future__ import annotations

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
