"""Records table stream -> one Destinations queue message per (stored record, destination that takes it).

Only items written for keys with destinations carry ``deliver`` (the key's public id); the event source mapping's
filter drops the others before this runs. If the queue cannot take the messages, ``ServiceUnavailable`` propagates:
Lambda retries the stream batch (a retried batch queues the same delivery ids again; receivers deduplicate on them).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from inlet.adapters.deliveries import DeliveryQueue
from inlet.adapters.record_items import from_item
from inlet.destinations import UnknownKind, kind_of
from inlet.destinations.body import DEVICE_EVENT, UPLINK, delivery_id, record_body
from inlet.destinations.health import Health, hour_of
from inlet.destinations.matching import takes
from inlet.destinations.messages import to_message
from inlet.destinations.store import DestinationStore

DELIVER_ATTRIBUTE = "deliver"  # the Records item attribute that marks a record of a key with destinations


@dataclass
class FanOutDependencies:
    destinations: DestinationStore
    queue: DeliveryQueue
    health: Health
    clock: object = time.time


def fan_out(stream_records: list[dict], deps: FanOutDependencies) -> Counter:
    """Queue every delivery of these stream records; returns the count per (tenant, destination)."""
    messages: list[str] = []
    queued: Counter = Counter()
    for stream_record in stream_records:
        if stream_record.get("eventName") != "INSERT":
            continue  # a rewrite of the same key is the same uplink: its INSERT was delivered
        image = (stream_record.get("dynamodb") or {}).get("NewImage") or {}
        key_id = image.get(DELIVER_ATTRIBUTE, {}).get("S")
        if not key_id:
            continue
        for tenant, name, message in deliveries(image, key_id, deps.destinations):
            messages.append(message)
            queued[(tenant, name)] += 1
    deps.queue.send(messages)
    hour = hour_of(deps.clock())
    for (tenant, name), count in queued.items():
        deps.health.count(tenant, name, hour, queued=count)
    return queued


def _fanned_out(kind: str) -> bool:
    """A kind this stack does not know (a newer CLI wrote it) is queued anyway: its deliveries wait for the upgrade
    in the queue (the delivery function retries them) rather than being skipped."""
    try:
        return kind_of(kind).fan_out
    except UnknownKind:
        return True


def deliveries(image: dict, key_id: str, store: DestinationStore, redecoded_at: str = ""):
    """``(tenant, destination, message)`` for each destination that takes this stored item (``image``: its
    attribute values); ``redecoded_at``: sent again by the re-decoding run started then (a new delivery id)."""
    record = from_item(image)
    item_type = DEVICE_EVENT if "event" in record else UPLINK
    for destination in store.of_tenant(record["tenant"]):
        if not _fanned_out(destination.kind):
            continue
        if not takes(destination, key_id, record["serial"], record.get("port"), item_type):
            continue
        identity = delivery_id(record["tenant"], destination.name, image["device"]["S"], image["sk"]["S"], redecoded_at)
        body = record_body(record, destination.name, identity, redecoded_at)
        yield record["tenant"], destination.name, to_message(record["tenant"], destination.name, identity, body, image)
