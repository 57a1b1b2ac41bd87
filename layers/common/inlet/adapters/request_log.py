"""The request log in DynamoDB: one item per logged request, in its tenant's partition of the Records table.

Item: ``device`` (S) ``TENANT#requests``, ``sk`` (S) ``<13-digit ms>#<random>``, ``expires_at`` (N, the table's
TTL attribute: ``core.request_log.TTL_SECONDS`` after the write) and the entry as JSON, ``entry`` (S), or, past
``COMPRESS_FROM`` bytes, as one zstd frame, ``entry_zstd`` (B). A small entry stays readable in the console; a
large one costs a third of the write units.
"""

from __future__ import annotations

import time

import orjson

from inlet.adapters.aws import SDK_ERRORS, LazyClient, partition_after
from inlet.core.request_log import TTL_SECONDS, partition, sort_key

PLAIN, COMPRESSED = "entry", "entry_zstd"
COMPRESS_FROM = 1000  # bytes: below one write unit, compressing gains nothing


class RequestLogStore:
    dynamodb = LazyClient("dynamodb")

    def __init__(self, table: str, dynamodb=None) -> None:
        self._table = table
        self._dynamodb = dynamodb

    def put(self, tenant: str, entry: dict) -> bool:
        """Write one entry (one PutItem); ``False`` when it could not be written. Never raises for the store's
        faults: the request's answer is decided already, and a log must never change it."""
        try:
            self.dynamodb.put_item(TableName=self._table, Item=to_item(tenant, entry))
        except (*SDK_ERRORS, TimeoutError, TypeError, ValueError):
            return False
        return True

    def after(self, tenant: str, after_sk: str | None = None, limit: int = 200) -> list[dict]:
        """Entries newer than ``after_sk`` (all kept ones without), oldest first: one Query (its first page).
        DynamoDB deletes expired items within days, not at once: the expired ones are filtered out."""
        condition, values = partition_after(partition(tenant), after_sk)
        values[":now"] = {"N": str(int(time.time()))}
        answer = self.dynamodb.query(
            TableName=self._table,
            KeyConditionExpression=condition,
            FilterExpression="expires_at > :now",
            ExpressionAttributeValues=values,
            ScanIndexForward=after_sk is not None,  # newest `limit` when catching up, else the next ones in order
            Limit=limit,
        )
        entries = [from_item(item) for item in answer["Items"]]
        return entries if after_sk is not None else entries[::-1]


def to_item(tenant: str, entry: dict) -> dict:
    text = orjson.dumps(entry)
    item = {
        "device": {"S": partition(tenant)},
        "sk": {"S": sort_key(entry["time_ms"])},
        "expires_at": {"N": str(entry["time_ms"] // 1000 + TTL_SECONDS)},
    }
    if len(text) < COMPRESS_FROM:
        item[PLAIN] = {"S": text.decode()}
    else:
        import zstandard

        item[COMPRESSED] = {"B": zstandard.ZstdCompressor(level=3).compress(text)}
    return item


def from_item(item: dict) -> dict:
    """An entry as written, with its ``sk`` (what a reader resumes after)."""
    if PLAIN in item:
        entry = orjson.loads(item[PLAIN]["S"])
    else:
        import zstandard

        frame = item[COMPRESSED]["B"]
        entry = orjson.loads(zstandard.ZstdDecompressor().decompress(bytes(getattr(frame, "value", frame))))
    return {**entry, "sk": item["sk"]["S"]}
