"""Stored uplinks as the decoder sees them, and their items with a new decoding.

A stored item keeps the raw payload and the fields a decoder's input is made of (port, time, group, the network
server's fields), so ``uplink_of`` gives the same record ingest decoded. ``redecoded`` gives a new record with the new
decoding: ``decoded`` (or a TagoIO result's ``decoded_runs``), ``normalized``, ``decoder`` and the ``decode_failed``
flag are replaced; the previous decoder summary is kept as ``decoder.previous`` (connector, errors) with
``decoder.redecoded_at``. The previous values themselves are not kept: the payload gives them again with the
previous version, and a record stays one write unit.
"""

from __future__ import annotations

from collections.abc import Iterator

from inlet.adapters.record_items import document_of, rewritten
from inlet.core.decoding.kept_input import RUNS_FIELD, decoded_of
from inlet.core.decoding.outcome import FLAG_DECODE_FAILED, Decoding
from inlet.core.records import encode_document, record_of

PAGE_ITEMS = 100  # records read, decoded and written at a time: what memory holds
DECODING_FIELDS = ("decoded", RUNS_FIELD, "normalized", "decoder")


def pages(dynamodb, table: str, partition: str, since: str, until: str, after_sk: str = "") -> Iterator[list[dict]]:
    """A device's uplink items from ``since`` up to ``until`` (excluded), oldest first, a page at a time; after
    ``after_sk`` when given (resuming)."""
    low = max(since, after_sk + "\x00") if after_sk else since
    request = {
        "TableName": table,
        "KeyConditionExpression": "device = :d AND sk BETWEEN :since AND :until",
        "ExpressionAttributeValues": {":d": {"S": partition}, ":since": {"S": low}, ":until": {"S": until}},
        "Limit": PAGE_ITEMS,
    }
    while True:
        answer = dynamodb.query(**request)
        if answer["Items"]:
            yield answer["Items"]
        if "LastEvaluatedKey" not in answer:
            return
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def uplink_of(item: dict, tenant: str, serial: str) -> dict:
    """The record ingest decoded: the stored document with its key's parts (``group``, ``received_at``)."""
    document = document_of(item)
    key_time, group, index = item["sk"]["S"].split("#")
    received_at = document.get("received_at", key_time)
    return {
        **document,
        "tenant": tenant,
        "serial": serial,
        "group": group,
        "id": f"{group}-{int(index)}",
        "received_at": received_at,
        "time": document.get("time", received_at),
        "sk": item["sk"]["S"],
    }


def redecoded(uplink: dict, decoding: Decoding, now: str) -> dict:
    """The uplink with ``decoding`` in place of its previous one (see the module's docstring)."""
    previous = uplink.get("decoder")
    built = {k: v for k, v in uplink.items() if k not in DECODING_FIELDS}
    built["flags"] = [flag for flag in uplink.get("flags") or [] if flag != FLAG_DECODE_FAILED]
    record = record_of(built, decoding)
    decoder = {**record["decoder"], "redecoded_at": now}
    if previous:
        decoder["previous"] = {k: previous[k] for k in ("connector", "errors") if k in previous}
    return {**record, "decoder": decoder}


def item_with(item: dict, record: dict) -> dict:
    """The stored item with ``record``'s document (same key, same expiry; written in the current format)."""
    return rewritten(item, encode_document(record))


def decoded_view(record: dict) -> object:
    """What a decode gave a record, as compared between versions: its values, or its failure."""
    if FLAG_DECODE_FAILED in (record.get("flags") or []):
        return {"decode_failed": (record.get("decoder") or {}).get("errors")}
    return decoded_of(record)
