"""Exactly once against TagoIO as it behaves: payload parsers that replace Inlet's group, and two workers holding
copies of one message at the same instant."""

from __future__ import annotations

import threading
import time

import boto3
import pytest
from inlet.destinations.tagoio import group_checks
from inlet.destinations.tagoio.api import TagoApi
from inlet.destinations.tagoio.claims import DeliveryClaims
from inlet.destinations.tagoio.worker import deliver_batch
from inlet.destinations.tagoio.worker_wiring import build_delivery_dependencies
from inlet.settings import load_delivery_settings
from inlet_cli.local import env as local_env
from inlet_cli.local.deliver import sqs_event
from inlet_cli.main import main

from tests.helpers import Atomic
from tests.tagoio_harness import SERIALS, TAGO_AUTHORIZATION

pytestmark = pytest.mark.integration
ONE = {"serial": SERIALS[0], "payload": "00d2", "port": 10}

# As TagoIO's Seeed SenseCAP connectors do (tago-io/decoders, connector/seeed/*/payload.js): the whole list replaced,
# every record given a new group, new Date().getTime().
REGROUPING = """
const data = payload.find((x) => ["payload_raw", "payload", "data"].includes(x.variable));
if (data) {
  const buffer = Buffer.from(data.value, "hex");
  const serie = new Date().getTime();
  payload = [{ variable: "temperature", value: buffer.readInt16BE(0) / 10, serie }];
}
"""
# The common fallback: a frame the parser cannot read becomes one parse_error record, without any group.
PARSE_ERROR = """
const data = payload.find((x) => x.variable === "payload");
if (data) {
  try {
    if (data.value.length < 8) throw new Error("frame too short");
    payload = [{ variable: "temperature", value: 1, group: data.group }];
  } catch (e) {
    payload = [{ variable: "parse_error", value: e.message }];
  }
}
"""
# A parser that decodes and keeps the group of the raw record, as most public connectors do.
KEEPING = """
const data = payload.find((x) => x.variable === "payload");
if (data) {
  const buffer = Buffer.from(data.value, "hex");
  payload = [{ variable: "temperature", value: buffer.readInt16BE(0) / 10, group: data.group }];
}
"""


def with_parser(stack, source: str) -> None:
    stack.tagoio.state.set_parser(TAGO_AUTHORIZATION, SERIALS[0], source)


def device_state(serial: str) -> dict:
    dynamodb = boto3.client("dynamodb", region_name=local_env.REGION)
    items = dynamodb.scan(TableName=local_env.TABLES["DedupTable"])["Items"]
    found = [i for i in items if i["id"]["S"].startswith("tagoio-device#") and i["id"]["S"].endswith(f"#{serial}")]
    return {k: next(iter(v.values())) for k, v in found[0].items()} if found else {}


def kept_reasons(stack) -> list[str]:
    answer = stack.sqs.receive_message(QueueUrl=stack.dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
    stack.sqs.change_message_visibility_batch(
        QueueUrl=stack.dlq_url,
        Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                 for i, m in enumerate(answer.get("Messages", []))],
    ) if answer.get("Messages") else None  # fmt: skip
    return [m["MessageAttributes"]["inlet_reason"]["StringValue"] for m in answer.get("Messages", [])]


@pytest.fixture
def settled(monkeypatch):
    """TagoIO has stored a confirmed post by the device's next delivery (30 s in production)."""
    monkeypatch.setattr(group_checks, "SETTLE_SECONDS", 0)


# --- devices whose payload parser replaces the group -------------------------------------------------------------
@pytest.mark.parametrize("parser", [REGROUPING, PARSE_ERROR])
def test_a_lost_answer_on_a_regrouping_device_is_kept_for_an_operator_never_posted_twice(stack, parser):
    with_parser(stack, parser)
    stack.tagoio.state.set(drop=1)  # stored through the parser, then the answer is lost
    stack.send(ONE)
    stack.drain()
    assert len(stack.stored(SERIALS[0])) == 1 and stack.posts() == [0]  # once, and never posted again
    assert kept_reasons(stack)[0].startswith("tagoio_unconfirmed")


@pytest.mark.parametrize("parser", [REGROUPING, PARSE_ERROR])
def test_a_device_whose_parser_regroups_is_detected_from_its_confirmed_posts(stack, settled, parser, caplog, capsys):
    with_parser(stack, parser)
    stack.send(ONE)
    stack.drain()
    assert device_state(SERIALS[0])["probe_group"]  # the confirmed post's group, to be looked for later
    stack.send({**ONE, "payload": "00d3"})
    stack.drain()
    assert device_state(SERIALS[0])["group_check"] == "regroups"
    assert "tagoio device regroups" in caplog.text
    stack.tagoio.state.set(drop=1, drop_after_store=False)  # now an answer lost before TagoIO stored anything
    stack.send({**ONE, "payload": "00d4"})
    stack.drain()
    assert len(stack.stored(SERIALS[0])) == 2 and kept_reasons(stack)[0].startswith("tagoio_unconfirmed")
    assert group_checks_shown(stack, capsys) == {SERIALS[0]: "regroups", SERIALS[1]: None}


def group_checks_shown(stack, capsys) -> dict:
    """What `inlet replay devices` says of the first two devices."""
    import json

    from inlet.core.keys import key_hash

    from tests.tagoio_harness import KEY

    capsys.readouterr()
    key_id = key_hash(KEY)[:16]
    assert main(["replay", "devices", SERIALS[0], SERIALS[1], "--key", key_id, "--json"]) == 0
    return {row["serial"]: row["group_check"] for row in json.loads(capsys.readouterr().out)}


def test_replaying_an_unconfirmed_delivery_posts_it(stack, settled):
    with_parser(stack, REGROUPING)
    stack.tagoio.state.set(drop=1, drop_after_store=False)  # lost before storing: an operator sees it missing
    stack.send(ONE)
    stack.drain()
    assert stack.stored(SERIALS[0]) == [] and stack.waiting(stack.dlq_url) == 1
    assert main(["replay", "run", "--all"]) == 0
    stack.drain()
    assert [r["variable"] for r in stack.stored(SERIALS[0])] == ["temperature"]


def test_a_device_whose_parser_keeps_the_group_is_retried_after_a_lost_answer_and_stored_once(stack, settled):
    with_parser(stack, KEEPING)
    stack.send(ONE)
    stack.drain()
    stack.send({**ONE, "payload": "00d3"})
    stack.drain()
    assert device_state(SERIALS[0])["group_check"] == "keeps"
    stack.tagoio.state.set(drop=1, drop_after_store=False)
    stack.send({**ONE, "payload": "00d4"})
    stack.drain()
    stack.tagoio.state.set(drop=1, drop_after_store=True)
    stack.send({**ONE, "payload": "00d5"})
    stack.drain()
    assert sorted(r["value"] for r in stack.stored(SERIALS[0])) == [21.0, 21.1, 21.2, 21.3]
    assert stack.waiting(stack.dlq_url) == 0


def test_a_lost_answer_is_never_resent_on_a_verdict_older_than_the_last_confirmed_post(stack, settled):
    """The parser changes from keeping to regrouping within the day the "keeps" verdict was reached: the next lost
    answer must be judged on the device's last confirmed post (now regrouped), not on the day-old verdict."""
    with_parser(stack, KEEPING)
    for payload in ("00d2", "00d3"):
        stack.send({**ONE, "payload": payload})
        stack.drain()
    assert device_state(SERIALS[0])["group_check"] == "keeps"
    with_parser(stack, REGROUPING)
    stack.send({**ONE, "payload": "00d4"})  # confirmed, stored under a new group by the new parser
    stack.drain()
    stack.tagoio.state.set(drop=1, drop_after_store=True)  # stored, then the answer is lost
    stack.send({**ONE, "payload": "00d5"})
    stack.drain()
    values = sorted(r["value"] for r in stack.stored(SERIALS[0]))
    assert values == [21.0, 21.1, 21.2, 21.3]  # 00d5 stored once: never reposted on the old "keeps"
    assert kept_reasons(stack)[0].startswith("tagoio_unconfirmed")
    assert device_state(SERIALS[0])["group_check"] == "regroups"


# --- two workers, one message --------------------------------------------------------------------------------------
def worker(stack):
    deps = build_delivery_dependencies(load_delivery_settings())  # its own container: caches, sessions
    deps.visibility, deps.jitter = (lambda seconds: 0), (lambda: 0.0)
    deps.apis[stack.tagoio.url] = TagoApi(stack.tagoio.url, timeouts=(1.0, 5.0))
    deps.claims = DeliveryClaims(deps.settings.claims_table, dynamodb=Atomic(boto3.client("dynamodb")))
    return deps


def test_two_workers_holding_one_message_at_the_same_instant_post_it_once(stack):
    stack.send(ONE)
    message = stack.sqs.receive_message(
        QueueUrl=stack.queue_url, AttributeNames=["All"], MessageAttributeNames=["All"]
    )["Messages"][0]
    records = sqs_event([message])["Records"]
    stack.tagoio.state.set(latency=0.3)  # both are inside TagoIO's answers at once
    start, outcomes = threading.Barrier(2), []

    def run(deps) -> None:
        start.wait()
        outcomes.extend(outcome.status for _, outcome in deliver_batch(records, deps).settled)

    threads = [threading.Thread(target=run, args=(worker(stack),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stack.posts() == [200] and len(stack.stored(SERIALS[0])) == 2
    assert sorted(outcomes) == ["delivered", "retry"]  # the other copy comes back after the winner's claim
    again = deliver_batch(records, worker(stack)).settled[0][1]
    assert (again.status, again.reason) == ("already_stored", "delivered by another worker")
    assert stack.posts() == [200]


# --- TagoIO answers 202 and stores later ---------------------------------------------------------------------------
def test_data_stored_after_the_answer_is_found_once_the_ambiguous_wait_has_passed(stack):
    stack.tagoio.state.set(post_status=202, store_delay=0.4, drop=1)
    stack.send(ONE)
    stack.deliver_once()
    assert stack.delays == [30]  # the worker waits 30 s after a lost answer; here TagoIO stores within 0.4 s
    time.sleep(0.5)
    stack.drain()
    assert stack.posts() == [0] and len(stack.stored(SERIALS[0])) == 2


def test_data_not_yet_visible_on_an_unconfirmed_device_is_kept_not_posted_again(stack):
    stack.tagoio.state.set(post_status=202, store_delay=1.0, drop=1)  # stored later than the check looks
    stack.send(ONE)
    stack.drain()
    time.sleep(1.1)
    assert stack.posts() == [0] and len(stack.stored(SERIALS[0])) == 2
    assert kept_reasons(stack)[0].startswith("tagoio_unconfirmed")
