"""`inlet destinations test | replay` for the tagoio kind, against the local TagoIO (TagoIO's documented contract):
the sample goes through the kind's own adapter, and a replay goes through the kind's own queue and claims, so a part
TagoIO already has is never posted twice and a part whose delivery was lost arrives once."""

from __future__ import annotations

import json

import pytest
from inlet.adapters.keys import KeyStore
from inlet.core.keys import key_hash
from inlet.destinations.tagoio.delivery import Delivery
from inlet.destinations.tagoio.run import claim_may_have_expired
from inlet_cli.commands.tagoio_destination import SAMPLE_SERIAL
from inlet_cli.local import env as local_env
from inlet_cli.main import main

from tests.tagoio_harness import KEY, SERIALS, TAGO_AUTHORIZATION, TagoStack

pytestmark = pytest.mark.integration
NAME = "tagoio-key-" + key_hash(KEY)[:16]


@pytest.fixture
def both(moto_aws, tagoio, monkeypatch) -> TagoStack:
    """A key with sink both: its uplinks are stored in the Records table and forwarded to TagoIO."""
    return TagoStack(tagoio, moto_aws, monkeypatch, sink="both")


def run(capsys, *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main([*argv, "--tenant", local_env.EVENTS_TENANT, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def send_three(stack: TagoStack) -> None:
    for i, serial in enumerate(SERIALS):
        status, _ = stack.send({"serial": serial, "payload": f"00{i:02x}", "port": 10})
        assert status == 200


def test_the_key_is_listed_under_the_name_the_commands_take(both, capsys):
    assert KeyStore(local_env.KEYS_PATH).list()[-1].id == key_hash(KEY)[:16]
    _, rows = run(capsys, "destinations", "list")
    assert NAME in [row["name"] for row in rows]


def test_test_posts_one_sample_to_the_sample_device_and_prints_tagoios_answer(both, capsys):
    both.tagoio.state.add_device(TAGO_AUTHORIZATION, SAMPLE_SERIAL)
    code, answer = run(capsys, "destinations", "test", NAME)
    assert code == 0 and answer["delivered"] and answer["serial"] == SAMPLE_SERIAL
    assert answer["status"] == both.posts()[-1] and answer["response"].get("status") is True
    stored = {r["variable"]: r["value"] for r in both.stored(SAMPLE_SERIAL)}
    assert stored["inlet_test"] == "sample uplink from inlet destinations test"


def test_test_posts_to_a_device_of_the_key_when_asked(both, capsys):
    code, answer = run(capsys, "destinations", "test", NAME, "--serial", SERIALS[1])
    assert code == 0 and answer["serial"] == SERIALS[1] and len(both.stored(SERIALS[1])) == 3
    assert both.stored(SERIALS[0]) == []


def test_test_names_a_missing_device(both, capsys):
    capsys.readouterr()
    code = main(["destinations", "test", NAME, "--tenant", local_env.EVENTS_TENANT])  # not in this profile
    assert code == 1 and f"TagoIO has no device '{SAMPLE_SERIAL}'" in capsys.readouterr().err
    assert both.posts() == []


def test_replay_after_a_successful_delivery_posts_nothing_again(both, capsys):
    send_three(both)
    both.drain()
    posted, stored = len(both.posts()), {s: len(both.stored(s)) for s in SERIALS}
    code, answer = run(capsys, "destinations", "replay", NAME, "--since", "1h")
    assert code == 0 and answer["queued"] == 3
    both.drain()
    assert len(both.posts()) == posted and {s: len(both.stored(s)) for s in SERIALS} == stored  # no duplicate


def test_replay_delivers_once_the_records_whose_delivery_was_lost(both, capsys):
    send_three(both)
    both.sqs.purge_queue(QueueUrl=both.queue_url)  # the deliveries are lost before any attempt
    assert both.posts() == [] and both.waiting() == 0
    code, answer = run(capsys, "destinations", "replay", NAME, "--since", "1h")
    assert code == 0 and answer["queued"] == 3
    both.drain()
    assert [len(both.stored(s)) for s in SERIALS] == [2, 2, 2] and len(both.posts()) == 3
    run(capsys, "destinations", "replay", NAME, "--since", "1h")  # and again: already there, nothing posted
    both.drain()
    assert [len(both.stored(s)) for s in SERIALS] == [2, 2, 2] and len(both.posts()) == 3


def test_replay_of_a_part_whose_answer_was_lost_checks_tagoio_first(both, capsys):
    both.tagoio.state.set(drop=1)  # stored in TagoIO, then the answer is lost: the claim says ambiguous
    status, _ = both.send({"serial": SERIALS[0], "payload": "0001", "port": 10})
    assert status == 200
    both.deliver_once()
    both.sqs.purge_queue(QueueUrl=both.queue_url)  # and the message to retry it is lost too
    assert len(both.posts()) == 1 and len(both.stored(SERIALS[0])) == 2
    run(capsys, "destinations", "replay", NAME, "--since", "1h")
    both.drain()
    assert len(both.posts()) == 1 and len(both.stored(SERIALS[0])) == 2  # found in TagoIO: not posted again


def test_replay_refuses_dead_letters_with_the_command_that_replays_them(both, capsys):
    code, _ = run(capsys, "destinations", "replay", NAME, "--dead-letters")
    assert code == 1


def test_a_part_older_than_its_claim_is_kept_is_checked_in_tagoio_before_posting():
    fresh = Delivery("h", "s", "g", "2026-12-07T00:00:00.000Z", [])
    now = 1_796_601_600.0  # 2026-12-07T00:00:00Z
    assert not claim_may_have_expired(fresh.received_at, now + 3600)
    assert not claim_may_have_expired(fresh.received_at, now + 13 * 86_400)
    assert claim_may_have_expired(fresh.received_at, now + 14 * 86_400)
    assert claim_may_have_expired("not a time", now)


def test_replay_and_test_find_the_local_stack_with_local(both, capsys, monkeypatch, tmp_path):
    from tests.integration.test_cli import write_local_state

    write_local_state(monkeypatch, tmp_path, delivery_queue_url=both.queue_url, dead_letter_queue_url=both.dlq_url)
    send_three(both)
    both.sqs.purge_queue(QueueUrl=both.queue_url)
    monkeypatch.delenv("DELIVERY_QUEUE_URL")  # only the local state names the queue now
    code, answer = run(capsys, "destinations", "replay", NAME, "--since", "1h", "--local")
    assert code == 0 and answer["queued"] == 3
    both.drain()
    assert [len(both.stored(s)) for s in SERIALS] == [2, 2, 2]
    code, answer = run(capsys, "destinations", "test", NAME, "--serial", SERIALS[2], "--local")
    assert code == 0 and len(both.stored(SERIALS[2])) == 5


def test_a_destination_added_with_the_tagoio_kind_is_used_by_its_name(both, capsys, monkeypatch, tmp_path):
    from tests.integration.test_cli import write_local_state

    write_local_state(monkeypatch, tmp_path, delivery_queue_url=both.queue_url, dead_letter_queue_url=both.dlq_url)
    options = ["--kind", "tagoio", "--tagoio-api-url", both.tagoio.url, "--network-token-param", "test-network",
               "--tagoio-authorization", TAGO_AUTHORIZATION, "--keys", key_hash(KEY)[:16], "--local"]  # fmt: skip
    assert run(capsys, "destinations", "add", "tago", *options)[0] == 0
    code, _ = run(capsys, "destinations", "test", "tago", "--serial", SERIALS[0], "--local")
    assert code == 0 and len(both.stored(SERIALS[0])) == 3
    send_three(both)
    both.drain()
    code, answer = run(capsys, "destinations", "replay", "tago", "--since", "1h", "--local")
    both.drain()
    assert answer["queued"] == 3 and [len(both.stored(s)) for s in SERIALS] == [5, 2, 2]  # nothing twice


def test_a_replayed_part_whose_claim_may_have_expired_is_found_in_tagoio_not_posted_again(both, capsys, monkeypatch):
    import boto3
    from inlet.destinations.tagoio import run as runs

    send_three(both)
    both.drain()
    dynamodb = boto3.client("dynamodb", region_name=local_env.REGION)
    table = local_env.TABLES["DedupTable"]
    for item in dynamodb.scan(TableName=table)["Items"]:  # the claims' TTL has passed: DynamoDB removed them
        if item["id"]["S"].startswith("tagoio-delivery#"):
            dynamodb.delete_item(TableName=table, Key={"id": item["id"]})
    monkeypatch.setattr(runs, "KEEP_SECONDS", 0)  # these parts are now older than a claim is kept
    monkeypatch.setattr(runs, "CLAIM_MARGIN_SECONDS", 0)
    posted = len(both.posts())
    run(capsys, "destinations", "replay", NAME, "--since", "1h")
    both.drain()
    assert len(both.posts()) == posted and [len(both.stored(s)) for s in SERIALS] == [2, 2, 2]
