"""Each uplink's delivery outcome per destination, as the delivery function records it for the inspector: delivered,
retrying with the reason and the attempt, dead-lettered with the reason; the latest attempt wins; one item per
(uplink, destination), written in batches."""

from __future__ import annotations

import boto3
import pytest
from inlet.destinations.outcomes import DeliveryOutcomes, uplink_of
from inlet_cli.local import env as local_env

from tests.destinations_harness import DestinationsStack, Receiver, bodies
from tests.integration.test_destinations_webhook import add_webhook, send_uplinks

pytestmark = pytest.mark.integration


@pytest.fixture
def three_receivers(seeded, monkeypatch, request):
    stack = DestinationsStack(monkeypatch)
    made = {"fine": Receiver([]), "flaky": Receiver(["500"]), "gone": Receiver(["410"])}
    for name, receiver in made.items():
        receiver.start()
        request.addfinalizer(receiver.stop)
        add_webhook(name, receiver.url)
    return stack, made


def read(uplinks: list[tuple[str, str]]) -> dict:
    outcomes = DeliveryOutcomes(local_env.TABLES["DedupTable"])
    return outcomes.of_uplinks(local_env.EVENTS_TENANT, uplinks, ["fine", "flaky", "gone", "absent"])


def test_the_outcome_of_each_uplink_per_destination_is_recorded_and_the_latest_wins(three_receivers, monkeypatch):
    stack, receivers = three_receivers
    calls = []
    client = boto3.client("dynamodb", region_name=local_env.REGION)
    real = client.batch_write_item
    monkeypatch.setattr(stack.deps.outcomes, "_dynamodb", client)
    monkeypatch.setattr(client, "batch_write_item", lambda **kw: calls.append(kw) or real(**kw))
    [accepted] = send_uplinks(1)
    stack.pump(rounds=1)  # the first attempt of each
    serial = bodies(receivers["fine"].arrived())[0]["serial"]
    first = read([(serial, accepted)])[accepted]
    assert sorted(first) == ["fine", "flaky", "gone"]  # no outcome for a destination that never had the uplink
    assert (first["fine"]["status"], first["fine"].get("reason")) == ("delivered", None)
    assert (first["flaky"]["status"], first["flaky"]["reason"], first["flaky"]["attempt"]) == (
        "retrying",
        "webhook_500",
        1,
    )
    assert first["gone"]["status"] == "dead_lettered" and first["gone"]["reason"].startswith("webhook_410")
    assert first["fine"]["delivery_id"] == bodies(receivers["fine"].arrived())[0]["delivery_id"]
    assert sum(len(c["RequestItems"][local_env.TABLES["DedupTable"]]) for c in calls) == 3  # one item per delivery
    assert len(calls) == 1  # the batch's three outcomes in one call
    for put in calls[0]["RequestItems"][local_env.TABLES["DedupTable"]]:
        item = put["PutRequest"]["Item"]
        size = sum(len(name) + len(next(iter(value.values())).encode()) for name, value in item.items())
        assert size < 1024  # DynamoDB bills one write unit per started KB: one unit per delivery attempt
    stack.pump()
    later = read([(serial, accepted)])[accepted]
    assert (later["flaky"]["status"], later["flaky"]["attempt"]) == ("delivered", 2)


def test_an_oversized_delivery_names_its_uplink_by_its_record_key():
    pointer = {"item": {"device": "acme#70B3D57ED0000001#events", "sk": "2026-12-07T04:00:00.000Z#9c2e#3"}}
    assert uplink_of(pointer) == ("70B3D57ED0000001", "9c2e-3")
    assert uplink_of({"body": {"serial": "A1", "id": "9c2e-0"}}) == ("A1", "9c2e-0")
    assert uplink_of({"item": {"device": "acme", "sk": "x"}}) is None


def test_the_inspector_answers_uplinks_outcomes_refuses_what_is_not_an_uplink_and_says_when_reading_fails(seeded):
    import json
    from urllib.parse import quote

    from botocore.exceptions import ClientError
    from inlet.adapters.aws import client
    from inlet.adapters.records import RecordStore
    from inlet_cli.inspector.server import DELIVERIES_ASKED, Inspector

    from tests.integration.test_cli_request_log import get, log_store

    asked, failing = [], []

    def deliveries(uplinks):
        asked.append(uplinks)
        if failing:
            raise ClientError({"Error": {"Code": "ThrottlingException"}}, "BatchGetItem")
        return {uplinks[0][1]: {"fine": {"status": "delivered"}}}

    records = RecordStore(local_env.TABLES["RecordsTable"], dynamodb=client("dynamodb"))
    server = Inspector(0, "demo", log_store(), records, lambda: {}, deliveries)
    server.start()
    try:
        query = "&".join(f"uplink={quote(f'AA-BB-01/9c2e-{i}')}" for i in range(DELIVERIES_ASKED + 5))
        answer = get(server, f"/api/deliveries?{query}")
        assert answer.status == 200 and json.loads(answer.read()) == {"9c2e-0": {"fine": {"status": "delivered"}}}
        assert len(asked[0]) == DELIVERIES_ASKED and asked[0][0] == ("AA-BB-01", "9c2e-0")
        bad = get(server, "/api/deliveries?uplink=" + quote("AA-BB-01/<script>"))
        assert bad.status == 400 and "not an uplink" in json.loads(bad.read())["error"]
        failing.append(True)
        failed = get(server, "/api/deliveries?uplink=" + quote("AA-BB-01/9c2e-0"))
        assert failed.status == 502 and "ThrottlingException" in json.loads(failed.read())["error"]
    finally:
        server.stop()
