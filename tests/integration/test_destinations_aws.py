"""EventBridge and IoT destinations end to end on moto: a rule on the stack's bus with an SQS target receives every
uplink; the IoT publishes are observed in moto's iot-data backend (topic and payload)."""

from __future__ import annotations

import json

import boto3
import pytest
from inlet.adapters.keys import KeyStore
from inlet.destinations import Destination
from inlet.destinations.store import DestinationStore
from inlet_cli import destination_admin
from inlet_cli.local import env as local_env

from tests.destinations_harness import DestinationsStack
from tests.helpers import restart_container
from tests.integration.test_destinations_webhook import send_uplinks


@pytest.fixture
def stack(seeded, monkeypatch):
    return DestinationsStack(monkeypatch)


def add(name: str, kind: str, **options) -> None:
    keys, store = KeyStore(local_env.KEYS_PATH), DestinationStore(local_env.DESTINATIONS_PATH)
    destination_admin.add(keys, store, Destination(local_env.EVENTS_TENANT, name, kind), options, deployed=False)
    restart_container()


def rule_to_queue(bus: str) -> str:
    """A rule on ``bus`` matching Inlet's uplinks, with an SQS queue as its target (what a user attaches)."""
    events, sqs = (
        boto3.client("events", region_name=local_env.REGION),
        boto3.client("sqs", region_name=local_env.REGION),
    )
    url = sqs.create_queue(QueueName="uplinks-from-inlet")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": ["inlet"], "detail-type": ["Uplink"]}
    events.put_rule(Name="inlet-uplinks", EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(Rule="inlet-uplinks", EventBusName=bus, Targets=[{"Id": "queue", "Arn": arn}])
    return url


def drain(url: str) -> list[dict]:
    sqs, found = boto3.client("sqs", region_name=local_env.REGION), []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
        )
    return found


def test_a_rule_on_the_stacks_bus_receives_every_uplink(stack):
    boto3.client("events", region_name=local_env.REGION).create_event_bus(Name=local_env.EVENT_BUS)
    queue = rule_to_queue(local_env.EVENT_BUS)
    add("bus", "eventbridge")
    accepted = send_uplinks(14)
    stack.pump()
    events = drain(queue)
    assert sorted(e["detail"]["id"] for e in events) == sorted(accepted)
    assert {e["source"] for e in events} == {"inlet"} and {e["detail-type"] for e in events} == {"Uplink"}
    assert {e["detail"]["tenant"] for e in events} == {local_env.EVENTS_TENANT}
    assert stack.dead_letters() == []


def test_a_bus_that_does_not_exist_is_retried_not_lost(stack):
    add("later", "eventbridge", bus=f"arn:aws:events:{local_env.REGION}:123456789012:event-bus/not-yet")
    accepted = send_uplinks(3)
    stack.pump(rounds=3)
    assert stack.dead_letters() == []  # still queued: the bus may be created
    boto3.client("events", region_name=local_env.REGION).create_event_bus(Name="not-yet")
    queue = rule_to_queue("not-yet")
    stack.pump()
    assert sorted(e["detail"]["id"] for e in drain(queue)) == sorted(accepted)


def test_iot_publishes_every_uplink_to_its_topic(stack):
    from moto.iotdata.models import iotdata_backends

    add("mqtt", "iot", topic="inlet/{tenant}/{serial}/up")
    accepted = send_uplinks(7)
    stack.pump()
    published = iotdata_backends["123456789012"][local_env.REGION].published_payloads
    bodies = [json.loads(payload) for _, payload in published]
    assert sorted(b["id"] for b in bodies) == sorted(accepted)
    assert {topic for topic, _ in published} == {f"inlet/{local_env.EVENTS_TENANT}/{b['serial']}/up" for b in bodies}


def test_a_destination_of_another_tenant_never_receives_these_uplinks(stack):
    from moto.iotdata.models import iotdata_backends

    keys, store = KeyStore(local_env.KEYS_PATH), DestinationStore(local_env.DESTINATIONS_PATH)
    local_env.put_key(keys, "at" + "1" * 32, "other", name="other tenant's key")
    destination_admin.add(keys, store, Destination("other", "theirs", "iot"), {}, deployed=False)
    restart_container()
    send_uplinks(4)
    stack.pump()
    assert iotdata_backends["123456789012"][local_env.REGION].published_payloads == []
