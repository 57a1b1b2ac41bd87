"""Uplink records in DynamoDB: one item per accepted uplink, HASH ``device`` = tenant#serial, RANGE ``sk``.

``sk`` starts with the server time, so "the latest N records of a device" is one Query in reverse order. The key
is derived from the request's group and the item's index: rewriting a record after a retried request overwrites
the same item, so a retry never creates a second copy.
"""

from __future__ import annotations

from collections.abc import Iterator

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code, partition_after, unavailable
from inlet.adapters.record_items import device_key, from_item, item_size, to_item
from inlet.adapters.retry import until_processed
from inlet.core.device_events import EVENTS_SUFFIX
from inlet.core.records import ITEM_TOO_LARGE, Rejection

__all__ = ["MAX_ITEM_BYTES", "RecordStore", "device_key", "from_item"]  # from_item: the way back from any item

BATCH_WRITE_LIMIT = 25

# A DynamoDB item is at most 400 KB, counted as the length of every attribute name and value.
MAX_ITEM_BYTES = 400 * 1024


class RecordStore:
    dynamodb = LazyClient("dynamodb")

    def __init__(self, table: str, dynamodb=None) -> None:
        self._table = table
        self._dynamodb = dynamodb

    def refusal(self, record: dict) -> Rejection | None:
        """Why this record cannot be written (checked for every record before the first write), if it cannot. The
        size is the stored item's, compressed."""
        size = item_size(record)
        if size > MAX_ITEM_BYTES:
            return Rejection(ITEM_TOO_LARGE, f"record is {size} bytes, DynamoDB's item limit is {MAX_ITEM_BYTES}")
        return None

    def put_many(self, records: list[dict]) -> None:
        """Durably write every record (BatchWriteItem, 25 a call, unprocessed items retried) or raise a 503."""
        items = [{"PutRequest": {"Item": to_item(r)}} for r in records]
        try:
            for start in range(0, len(items), BATCH_WRITE_LIMIT):
                request = {self._table: items[start : start + BATCH_WRITE_LIMIT]}
                until_processed(lambda r: self.dynamodb.batch_write_item(RequestItems=r), request, "UnprocessedItems")
        except (*SDK_ERRORS, TimeoutError) as exc:
            raise unavailable("Record store", exc) from exc

    def get(self, partition: str, sort_key: str) -> dict | None:
        """One stored item by its key (the destinations' delivery function, for a body too large for a message)."""
        try:
            answer = self.dynamodb.get_item(
                TableName=self._table, Key={"device": {"S": partition}, "sk": {"S": sort_key}}, ConsistentRead=True
            )
        except SDK_ERRORS as exc:
            raise unavailable("Record store", exc) from exc
        return answer.get("Item")

    def put_first(self, record: dict, now_s: int) -> bool:
        """Write the record unless an item with its key is already there (a retry of the request that wrote it,
        ``inlet.core.retry_keys``): True if this call stored it. One conditional PutItem; an item past its TTL that
        DynamoDB has not deleted yet counts as gone. If the SDK's own retry of a lost PutItem meets the item, False
        is right too: the item is that same record."""
        try:
            self.dynamodb.put_item(
                TableName=self._table,
                Item=to_item(record),
                ConditionExpression="attribute_not_exists(device) OR expires_at < :now",
                ExpressionAttributeValues={":now": {"N": str(now_s)}},
            )
        except SDK_ERRORS as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise unavailable("Record store", exc) from exc
        except TimeoutError as exc:
            raise unavailable("Record store", exc) from exc
        return True

    def latest(
        self, tenant: str, serial: str, limit: int = 10, after_sk: str | None = None, events: bool = False
    ) -> list[dict]:
        """The newest records (``events``: device events) of a device, newest first, in one Query (``after_sk``:
        only newer than that key)."""
        condition, values = partition_after(device_key(tenant, serial, EVENTS_SUFFIX if events else ""), after_sk)
        answer = self.dynamodb.query(
            TableName=self._table,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            ScanIndexForward=False,
            Limit=limit,
        )
        return [from_item(item) for item in answer["Items"]]

    def between(
        self, tenant: str, serial: str, since: str, until: str, events: bool = False, page_items: int | None = None
    ) -> Iterator[dict]:
        """Records (``events``: device events) received from ``since`` up to ``until`` (ISO times, ``until``
        excluded), oldest first, read one Query page at a time: memory stays the same however many there are."""
        request = self._range_query(device_key(tenant, serial, EVENTS_SUFFIX if events else ""), since, until)
        if page_items:
            request["Limit"] = page_items
        while True:
            answer = self.dynamodb.query(**request)
            yield from (from_item(item) for item in answer["Items"])
            if "LastEvaluatedKey" not in answer:
                return
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def count_between(
        self, tenant: str, serial: str, since: str, until: str, max_pages: int, page_items: int | None = None
    ) -> tuple[int, bool]:
        """How many uplinks a device sent from ``since`` up to ``until``, and whether that is all of them.

        ``Select=COUNT`` sends no item back, but DynamoDB still reads (and bills) every counted item, up to 1 MB a
        page: at most ``max_pages`` pages are read, and ``(count so far, False)`` says the count was cut short.
        """
        request = {**self._range_query(device_key(tenant, serial), since, until), "Select": "COUNT"}
        if page_items:
            request["Limit"] = page_items
        count = 0
        for _ in range(max_pages):
            answer = self.dynamodb.query(**request)
            count += answer["Count"]
            if "LastEvaluatedKey" not in answer:
                return count, True
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
        return count, False

    def _range_query(self, partition: str, since: str, until: str) -> dict:
        # Sort keys are "received_at#group#index": "since" sorts before every key of that millisecond and "until"
        # before every key of its own, so BETWEEN takes since <= received_at < until.
        return {
            "TableName": self._table,
            "KeyConditionExpression": "device = :d AND sk BETWEEN :since AND :until",
            "ExpressionAttributeValues": {":d": {"S": partition}, ":since": {"S": since}, ":until": {"S": until}},
        }
