"""The one JSON body every kind sends (version 1): the uplink as ``inlet records --json`` shows it, plus who it is for.

::

    {"version": 1, "type": "uplink", "id": "<record id>", "delivery_id": "msg_...", "destination": "backend",
     "tenant": "acme", "serial": "70B3D57ED0000001", "group": "...", "time": "...", "received_at": "...",
     "port": 10, "payload": "hex", "format": "tts_v3", "flags": [], "variables": [...TagoIO-form variables...],
     "decoded": {...} (when decoded), "decoder": {...} (when decoded), "event": {...} (device events),
     "redecoded": true, "redecoded_at": "..." (only when `inlet records redecode --deliver` sends it again)}

``variables`` hold the network metadata (rssi, snr, gateways...) and the decoded values in TagoIO's form; a field
that has no value is left out rather than sent as null, except ``port`` and ``payload``. Fields are only ever added
within a version; a change that removes or re-types one is a new version.
"""

from __future__ import annotations

import hashlib

from inlet.adapters.record_items import from_item

BODY_VERSION = 1
UPLINK, DEVICE_EVENT = "uplink", "device_event"
_RECORD_FIELDS = ("id", "tenant", "serial", "group", "time", "received_at", "port", "payload", "format", "flags")
_OPTIONAL = ("decoded", "decoder", "event", "key_id")  # key_id: records written since they keep it


def delivery_id(tenant: str, destination: str, partition: str, sort_key: str, redecoded_at: str = "") -> str:
    """Stable for one stored record and one destination: every retry and replay carries the same id (Standard
    Webhooks ``webhook-id``; ``msg_`` + 32 hex digits). A re-decoding run (``redecoded_at``: when it started) is a
    new event for the receiver, so it gets its own id, the same for every delivery of that run."""
    parts = [tenant, destination, partition, sort_key] + ([f"redecoded@{redecoded_at}"] if redecoded_at else [])
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"msg_{digest[:32]}"


def record_body(record: dict, destination: str, delivery: str, redecoded_at: str = "") -> dict:
    """The body for a record as ``from_item`` reads it (a stored item, or a stream's new image); marked as
    re-decoded (``redecoded``, ``redecoded_at``) when a re-decoding run sends it again."""
    body = {
        "version": BODY_VERSION,
        "type": DEVICE_EVENT if "event" in record else UPLINK,
        "delivery_id": delivery,
        "destination": destination,
    }
    body.update({name: record.get(name) for name in _RECORD_FIELDS})
    body["variables"] = record.get("variables") or []
    body.update({name: record[name] for name in _OPTIONAL if record.get(name) is not None})
    if redecoded_at:
        body.update(redecoded=True, redecoded_at=redecoded_at)
    return body


def item_body(item: dict, destination: str, redecoded_at: str = "") -> dict:
    """The body for a stored item (DynamoDB attribute values, as GetItem, Query or a stream record gives them)."""
    record = from_item(item)
    identity = delivery_id(record["tenant"], destination, item["device"]["S"], item["sk"]["S"], redecoded_at)
    return record_body(record, destination, identity, redecoded_at)


def sample_body(tenant: str, destination: str) -> dict:
    """What `inlet destinations test` sends: a made-up uplink in the same shape (``type`` ``test``)."""
    record = {
        "id": "000000000000000000000000-0",
        "tenant": tenant,
        "serial": "0000000000000000",
        "group": "000000000000000000000000",
        "time": "2026-01-01T00:00:00.000Z",
        "received_at": "2026-01-01T00:00:00.000Z",
        "port": 1,
        "payload": "0102",
        "format": "generic",
        "flags": [],
        "variables": [{"variable": "payload", "value": "0102"}, {"variable": "port", "value": 1}],
    }
    body = record_body(record, destination, delivery_id(tenant, destination, "test", "test"))
    body["type"] = "test"
    return body
