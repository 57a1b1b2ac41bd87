"""``inlet destinations test | replay`` for the ``tagoio`` kind, through the kind's own adapter and queue.

``test`` resolves one device through TagoIO with the key's network token and posts one sample record with its token
(``TagoApi``, as the delivery function posts), then prints TagoIO's status and body. ``replay`` rebuilds the TagoIO
deliveries of the stored records of a time range exactly as ingest built them (same group, serial and part: the same
delivery ids) and queues them on the TagoIO delivery queue: the worker's claims then decide, so a part TagoIO
already has (claim ``done``) is not posted again, a part whose answer was lost is checked in TagoIO first, and a part
never attempted is posted once (docs/destinations.md, "tagoio: test and replay").
"""

from __future__ import annotations

import argparse
import secrets
from datetime import UTC, datetime

from inlet.adapters.deliveries import DeliveryQueue
from inlet.adapters.record_items import device_key, from_item
from inlet.adapters.secrets import NetworkTokens
from inlet.core.keys import KeyConfig
from inlet.destinations import Destination
from inlet.destinations.tagoio.api import TagoApi, TagoError
from inlet.destinations.tagoio.delivery import pack
from inlet.destinations.tagoio.records import to_tagoio
from inlet.destinations.tagoio.settings import FORWARDING_SINKS
from inlet.errors import ServiceUnavailable

from inlet_cli.commands.time_range import time_range
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json, say

SAMPLE_SERIAL = "inlet-destination-test"  # the device posted to when no --serial is given


def covered_keys(target, destination: Destination) -> list[KeyConfig]:
    configs = [
        c
        for c in target.key_store().list()
        if c.tenant == destination.tenant and not c.revoked_at and c.sink in FORWARDING_SINKS
    ]
    found = [c for c in configs if not destination.keys or c.id in destination.keys]
    if not found:
        raise CliError(f"no key of tenant {destination.tenant} forwards to TagoIO for {destination.name}")
    return found


def test_tagoio(args: argparse.Namespace, target, destination: Destination) -> int:
    config = covered_keys(target, destination)[0]
    settings = config.tagoio
    serial = getattr(args, "serial", None) or SAMPLE_SERIAL
    api = TagoApi(settings["api_url"])
    network_token = NetworkTokens(settings["network_token_param"].rsplit("/", 1)[0], ssm=target.client("ssm"))
    try:
        network = network_token.get(settings["network_token_param"])
    except ServiceUnavailable as error:
        raise CliError(error.message) from None
    try:
        token = api.resolve(network, serial, settings["authorization"])
        if token is None:
            raise CliError(
                f"TagoIO has no device {serial!r} in this network and profile: create it (serial {serial}) "
                "or pass --serial SERIAL of one of the key's devices"
            )
        status, body = api.post_data_answered(token, sample_records(serial))
        result = {"status": status, "delivered": True, "serial": serial, "key_id": config.id, "response": body}
    except TagoError as error:
        result = {"status": getattr(error, "status", None), "delivered": False, "serial": serial,
                  "key_id": config.id, "response": str(error)}  # fmt: skip
    if args.json:
        print_json(result)
    else:
        say(f"{destination.name}: TagoIO answered {result['status'] or 'nothing'} for device {serial}")
        say(str(result["response"]))
    return 0 if result["delivered"] else 1


def sample_records(serial: str) -> list[dict]:
    """One sample uplink as TagoIO records, in a group of its own (marked ``inlet_test``)."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    group = "inlet-test-" + secrets.token_hex(8)
    sample = [{"variable": "inlet_test", "value": "sample uplink from inlet destinations test"}]
    record = {"group": group, "time": now, "received_at": now, "serial": serial, "payload": "00", "port": 1,
              "variables": sample}  # fmt: skip
    converted, _ = to_tagoio(record)
    return converted


def replay_tagoio(args: argparse.Namespace, target, destination: Destination) -> int:
    if args.dead_letters:
        raise CliError("a tagoio destination's dead letters are listed and replayed with `inlet replay list | run`")
    if not args.since:
        raise CliError("replay needs --since (or, for tagoio, `inlet replay run` for its dead letters)")
    start, end = time_range(args.since, args.until, datetime.now(UTC))
    configs = covered_keys(target, destination)
    bodies = [d.to_body() for d in deliveries_of(target, configs, start, end)]
    DeliveryQueue(target.require("delivery_queue_url"), sqs=target.client("sqs")).send(bodies)
    only_tagoio = [c.id for c in configs if c.sink == "tagoio"]
    if args.json:
        print_json({"name": destination.name, "tenant": destination.tenant, "queued": len(bodies),
                    "keys_without_records": only_tagoio})  # fmt: skip
        return 0
    say(f"Queued {len(bodies)} TagoIO deliveries of {destination.name} again (same delivery ids: a part TagoIO "
        "already has is not posted again).")  # fmt: skip
    if only_tagoio:
        note(f"keys with sink tagoio keep no records to replay: {', '.join(only_tagoio)}")
    return 0


def deliveries_of(target, configs: list[KeyConfig], start: str, end: str) -> list:
    """The stored uplinks of these keys in the range, as ingest queued them: one delivery per request and device
    (more parts when over the size budget), records in their order within the request."""
    by_key = {c.id: c for c in configs if c.sink == "both"}
    requests: dict[tuple[str, str, str], list[dict]] = {}
    for item in _stored_items(target, configs[0].tenant, start, end):
        record = from_item(item)
        if record.get("key_id") in by_key and not record.get("event"):
            requests.setdefault((record["key_id"], record["group"], record["serial"]), []).append(record)
    deliveries = []
    for (key_id, group, serial), records in sorted(requests.items()):
        records.sort(key=lambda r: int(r["id"].rsplit("-", 1)[1]))
        converted = [tago for record in records for tago in to_tagoio(record)[0]]
        if converted:
            key_hash = by_key[key_id].key_hash
            deliveries.extend(pack(key_hash, serial, group, records[0]["received_at"], converted))
    return deliveries


def _stored_items(target, tenant: str, start: str, end: str):
    """The tenant's uplink items in the range: a scan of the Records table (its devices are TagoIO's, not listed
    in Inlet's devices table), filtered on the partition's tenant and the sort key's time."""
    dynamodb = target.client("dynamodb")
    request = {
        "TableName": target.require("records_table"),
        "FilterExpression": "begins_with(device, :t) AND sk BETWEEN :since AND :until",
        "ExpressionAttributeValues": {":t": {"S": device_key(tenant, "")}, ":since": {"S": start},
                                      ":until": {"S": end}},
    }  # fmt: skip
    while True:
        answer = dynamodb.scan(**request)
        yield from answer["Items"]
        if "LastEvaluatedKey" not in answer:
            return
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
