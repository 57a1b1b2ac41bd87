"""``inlet destinations test`` (one sample uplink, sent from here as the delivery function sends it) and
``replay`` (the stored records of a time range queued again, or the destination's dead letters moved back).
The ``tagoio`` kind has its own (``tagoio_destination``): its queue, its claims, its dead letters."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from inlet.adapters.deliveries import DeliveryQueue
from inlet.adapters.record_items import DELIVER, device_key
from inlet.destinations import Context, Delivery, Destination, kind_of
from inlet.destinations.body import DEVICE_EVENT, UPLINK, item_body, sample_body
from inlet.destinations.health import Health, hour_of
from inlet.destinations.matching import takes
from inlet.destinations.messages import to_message

from inlet_cli import destination_admin as admin
from inlet_cli.commands import checked_tenant, target_of
from inlet_cli.commands.tagoio_destination import replay_tagoio, test_tagoio
from inlet_cli.commands.time_range import time_range
from inlet_cli.errors import CliError
from inlet_cli.output import print_json, say


def test_destination(args: argparse.Namespace) -> int:
    from inlet_cli.commands.destinations import stores

    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    keys, store = stores(target)
    destination, secrets = _find(keys, store, tenant, args.name)
    kind = kind_of(destination.kind)
    if not kind.fan_out:
        return test_tagoio(args, target, destination)
    body = sample_body(tenant, destination.name)
    context = Context(
        secrets=lambda: [
            s["value"] for s in secrets if not s.get("until") or s["until"] > datetime.now(UTC).timestamp()
        ],
        client=target.client,
        deployed=not target.local,
        stack_bus=target.event_bus,
    )
    [answer] = kind.send(destination, [Delivery(body["delivery_id"], body)], context)
    result = {"status": answer.status, "reason": answer.reason, "response": answer.response}
    if args.json:
        print_json(result)
    else:
        say(f"{destination.name}: {answer.status}{' - ' + answer.reason if answer.reason else ''}")
        if answer.response:
            say(answer.response)
    return 0 if answer.status == "delivered" else 1


def replay(args: argparse.Namespace) -> int:
    from inlet_cli.commands.destinations import stores

    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    keys, store = stores(target)
    destination, _ = _find(keys, store, tenant, args.name)
    if not kind_of(destination.kind).fan_out:
        return replay_tagoio(args, target, destination)
    queue_url = target.require("destinations_queue_url")
    if args.dead_letters:
        count = _move_dead_letters(target, tenant, destination.name, queue_url)
    else:
        if not args.since:
            raise CliError("replay needs --since (or --dead-letters)")
        count = _replay_records(target, destination, queue_url, args.since, args.until)
    if args.json:
        print_json({"name": destination.name, "tenant": tenant, "queued": count})
    else:
        say(f"Queued {count} deliveries to {destination.name} again (same delivery ids: receivers deduplicate).")
    return 0


def _find(keys, store, tenant: str, name: str) -> tuple[Destination, list[dict]]:
    """A stored destination, or a key forwarding to TagoIO listed as one (``tagoio-key-<key id>``)."""
    if name.startswith(admin.MIGRATED_PREFIX):
        for destination in admin.configured(keys, store, tenant):
            if destination.name == name:
                return destination, []
    return admin.find(store, tenant, name)


def _replay_records(target, destination, queue_url: str, since: str, until: str | None) -> int:
    start, end = time_range(since, until, datetime.now(UTC))
    dynamodb = target.client("dynamodb")
    table = target.require("records_table")
    wants_events = DEVICE_EVENT in (destination.filter.get("types") or [UPLINK])
    messages = []
    for device in target.device_store().list(destination.tenant):
        suffixes = ("", "#events") if wants_events else ("",)
        for suffix in suffixes:
            for item in _items(dynamodb, table, device_key(destination.tenant, device.serial, suffix), start, end):
                body = item_body(item, destination.name)
                key_id = item.get(DELIVER, {}).get("S", "")
                if destination.keys and key_id not in destination.keys:
                    continue
                if not takes(destination, key_id or "-", body["serial"], body.get("port"), body["type"]):
                    continue
                messages.append(to_message(destination.tenant, destination.name, body["delivery_id"], body, item))
    DeliveryQueue(queue_url, sqs=target.client("sqs")).send(messages)
    if target.dedup_table and messages:
        Health(target.dedup_table, dynamodb=dynamodb).count(
            destination.tenant, destination.name, hour_of(datetime.now(UTC).timestamp()), queued=len(messages)
        )
    return len(messages)


def _items(dynamodb, table: str, partition: str, since: str, until: str):
    request = {
        "TableName": table,
        "KeyConditionExpression": "device = :d AND sk BETWEEN :since AND :until",
        "ExpressionAttributeValues": {":d": {"S": partition}, ":since": {"S": since}, ":until": {"S": until}},
    }
    while True:
        answer = dynamodb.query(**request)
        yield from answer["Items"]
        if "LastEvaluatedKey" not in answer:
            return
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def _move_dead_letters(target, tenant: str, name: str, queue_url: str) -> int:
    """The destination's dead letters back to the queue (sent first, then deleted: a failure half-way loses none)."""
    sqs, dlq = target.client("sqs"), target.require("destinations_dlq_url")
    seen, mine = set(), []
    while True:
        answer = sqs.receive_message(
            QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=120, MessageAttributeNames=["All"]
        )
        fresh = [m for m in answer.get("Messages", []) if m["MessageId"] not in seen]
        if not fresh:
            break
        for message in fresh:
            seen.add(message["MessageId"])
            attributes = message.get("MessageAttributes") or {}
            ours = attributes.get("inlet_destination", {}).get("StringValue") == name and (
                attributes.get("inlet_tenant", {}).get("StringValue") == tenant
            )
            if ours:
                mine.append(message)
            else:
                sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    for message in mine:
        sqs.send_message(QueueUrl=queue_url, MessageBody=message["Body"])
        sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
    return len(mine)
