"""Devices of each tenant in DynamoDB (HASH ``tenant``, RANGE ``serial``), with a per-container cache.

A request fetches only the serials it has not seen recently, in BatchGetItem calls of 100 keys. Misses are cached
briefly so that an unknown device sending every second does not cost a read each time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code, unavailable
from inlet.adapters.retry import until_processed
from inlet.core.ttlcache import TtlCache

BATCH_GET_LIMIT = 100
GENERIC_SENSOR = "generic-sensor"


@dataclass(frozen=True)
class Device:
    tenant: str
    serial: str
    connector: str = GENERIC_SENSOR
    name: str = ""
    created_at: str = ""
    payload_encoding: str = ""  # "", "hex" or "base64" (TagoIO's per-device payload_type)
    params: dict[str, str] = field(default_factory=dict, hash=False)  # a payload parser's device.params

    def to_item(self) -> dict:
        item = {k: {"S": v} for k, v in vars(self).items() if v and k != "params"}
        if self.params:
            item["params"] = {"M": {name: {"S": value} for name, value in self.params.items()}}
        return item

    @classmethod
    def from_item(cls, item: dict) -> Device:
        known = {k: item[k]["S"] for k in cls.__dataclass_fields__ if k in item and k != "params"}
        params = {name: value["S"] for name, value in item.get("params", {}).get("M", {}).items()}
        return cls(**known, params=params)


class DeviceStore:
    dynamodb = LazyClient("dynamodb")

    def __init__(self, table: str, hit_ttl: int = 300, miss_ttl: int = 10, dynamodb=None, clock=time.monotonic):
        self._table = table
        self._dynamodb = dynamodb
        self._cache = TtlCache(hit_ttl, miss_ttl, clock)

    def take_cache_hits(self) -> int:
        return self._cache.take_hits()

    def get_many(self, tenant: str, serials: set[str]) -> dict[str, Device | None]:
        """Every requested serial mapped to its device of ``tenant`` (``None`` when the tenant has no such device)."""
        found: dict[str, Device | None] = {}
        missing = []
        for serial in serials:
            hit, device = self._cache.lookup((tenant, serial))
            if hit:
                found[serial] = device
            else:
                missing.append(serial)
        for start in range(0, len(missing), BATCH_GET_LIMIT):
            found.update(self._fetch(tenant, missing[start : start + BATCH_GET_LIMIT]))
        return found

    def _fetch(self, tenant: str, serials: list[str]) -> dict[str, Device | None]:
        request = {self._table: {"Keys": [{"tenant": {"S": tenant}, "serial": {"S": s}} for s in serials]}}
        try:
            answers = until_processed(self._batch_get, request, "UnprocessedKeys")
        except (*SDK_ERRORS, TimeoutError) as exc:
            raise unavailable("Device store", exc) from exc
        result: dict[str, Device | None] = dict.fromkeys(serials)
        for answer in answers:
            for item in answer.get("Responses", {}).get(self._table, []):
                device = Device.from_item(item)
                result[device.serial] = device
        for serial, device in result.items():
            self._cache.store((tenant, serial), device)
        return result

    def _batch_get(self, request: dict) -> dict:
        return self.dynamodb.batch_get_item(RequestItems=request)

    def provision(self, devices: list[Device]) -> None:
        """Create devices first seen on a key that provisions unknown devices (never overwrites an existing one)."""
        for device in devices:
            try:
                self.add(device)  # False (already there, e.g. created by a concurrent request) is fine
            except SDK_ERRORS as exc:
                raise unavailable("Device store", exc) from exc
            self._cache.store((device.tenant, device.serial), device)

    # Administration (CLI).
    def add(self, device: Device) -> bool:
        """Create a device; ``False`` when the tenant already has it."""
        try:
            self.dynamodb.put_item(
                TableName=self._table, Item=device.to_item(), ConditionExpression="attribute_not_exists(serial)"
            )
        except SDK_ERRORS as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def get(self, tenant: str, serial: str) -> Device | None:
        answer = self.dynamodb.get_item(
            TableName=self._table, Key={"tenant": {"S": tenant}, "serial": {"S": serial}}, ConsistentRead=True
        )
        return Device.from_item(answer["Item"]) if "Item" in answer else None

    def replace(self, device: Device) -> bool:
        """Write a device over the one the tenant has (``False``: it has none, nothing is written)."""
        try:
            self.dynamodb.put_item(
                TableName=self._table, Item=device.to_item(), ConditionExpression="attribute_exists(serial)"
            )
        except SDK_ERRORS as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def remove(self, tenant: str, serial: str) -> bool:
        answer = self.dynamodb.delete_item(
            TableName=self._table, Key={"tenant": {"S": tenant}, "serial": {"S": serial}}, ReturnValues="ALL_OLD"
        )
        return "Attributes" in answer

    def list(self, tenant: str) -> list[Device]:
        pages = self.dynamodb.get_paginator("query").paginate(
            TableName=self._table,
            KeyConditionExpression="tenant = :t",
            ExpressionAttributeValues={":t": {"S": tenant}},
        )
        return [Device.from_item(item) for page in pages for item in page["Items"]]

    def naming(self, connector_name: str) -> list[Device]:
        """Every tenant's devices whose connector is ``connector_name`` or one of its versions (a table scan:
        administration only)."""
        pages = self.dynamodb.get_paginator("scan").paginate(
            TableName=self._table,
            FilterExpression="connector = :n OR begins_with(connector, :v)",
            ExpressionAttributeValues={":n": {"S": connector_name}, ":v": {"S": f"{connector_name}@"}},
        )
        return [Device.from_item(item) for page in pages for item in page["Items"]]
