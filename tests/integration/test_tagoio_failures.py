"""TagoIO slow, rate-limiting, down or refusing: nothing accepted is lost, nothing is stored twice."""

from __future__ import annotations

import json

import pytest
from inlet.destinations.tagoio.delivery import SENTINEL_VARIABLE
from inlet_cli.main import main

from tests.tagoio_harness import SERIALS, TAGO_AUTHORIZATION, TagoStack

pytestmark = pytest.mark.integration
ONE = {"serial": SERIALS[0], "payload": "0011aa", "port": 10}


def failed(answer: dict | None) -> int:
    return len((answer or {}).get("batchItemFailures", []))


def assert_each_device_once(stack: TagoStack, serials=SERIALS, per_uplink: int = 2) -> None:
    for serial in serials:
        stored = stack.stored(serial)
        assert len(stored) == per_uplink, f"{serial}: {len(stored)} records"
        assert len({r["group"] for r in stored}) == 1


def test_a_429_is_retried_after_tagoio_s_retry_after_and_holds_the_profile_s_other_deliveries(stack):
    stack.tagoio.state.set(throttle=1, retry_after=7)
    stack.send([{**ONE, "serial": s} for s in SERIALS])
    answer = stack.deliver_once()
    assert 429 in stack.posts() and failed(answer) >= 1
    assert stack.delays and all(6 <= d <= 7 for d in stack.delays)  # never sooner than TagoIO asked
    stack.drain()
    assert_each_device_once(stack)


def test_5xx_and_timeouts_are_retried_with_a_growing_backoff(stack):
    stack.send(ONE)
    stack.tagoio.state.set(fail=2, fail_status=502)
    assert failed(stack.deliver_once()) == 1 and failed(stack.deliver_once()) == 1
    stack.drain()
    assert stack.delays == [10, 20]
    assert_each_device_once(stack, SERIALS[:1])


def test_an_answer_lost_after_tagoio_stored_the_data_is_detected_and_not_sent_again(stack):
    stack.tagoio.state.set(drop=1)  # TagoIO stores the POST, then the connection drops without an answer
    stack.send(ONE)
    assert failed(stack.deliver_once()) == 1
    assert stack.delays == [30]  # an ambiguous failure waits for TagoIO to have stored it
    assert failed(stack.deliver_once()) == 0 and stack.waiting() == 0
    assert stack.posts() == [0]  # the retry asked TagoIO first, and did not post
    assert_each_device_once(stack, SERIALS[:1])


def test_a_read_timeout_while_tagoio_stores_the_data_does_not_duplicate_it(stack):
    stack.send(ONE)
    stack.tagoio.state.set(latency=1.0)  # longer than the worker's read timeout (0.5 s here)
    assert failed(stack.deliver_once()) == 1
    stack.tagoio.state.set(latency=0)
    stack.drain()
    assert_each_device_once(stack, SERIALS[:1])


def test_an_outage_during_a_batch_loses_nothing_and_duplicates_nothing_after_recovery(stack):
    stack.send([{**ONE, "serial": s} for s in SERIALS])
    stack.deliver_once(max_messages=1)  # the first device's delivery goes through
    stack.tagoio.state.set(down=True)  # then TagoIO goes down for "hours"
    for _ in range(5):
        assert failed(stack.deliver_once()) == 2
    assert stack.delays == [10, 10, 20, 20, 40, 40, 80, 80, 160, 160]
    stack.tagoio.state.set(down=False, drop=1)  # it comes back, and the first answer is lost
    stack.drain()
    assert stack.waiting() == 0 and stack.waiting(stack.dlq_url) == 0
    assert_each_device_once(stack)


def test_a_device_whose_records_need_several_posts_gets_each_part_once(stack):
    uplinks = [{"serial": SERIALS[0], "payload": f"{i:04x}", "blob": "x" * 5_000} for i in range(50)]
    status, _ = stack.send(uplinks)
    assert status == 200 and stack.waiting() == 2  # ~250 kB of records: two parts
    stack.tagoio.state.set(drop=1)
    stack.drain()
    stored = stack.stored(SERIALS[0])
    sentinels = sorted(r["value"] for r in stored if r["variable"] == SENTINEL_VARIABLE)
    assert sentinels == ["1/2", "2/2"]
    assert len(stored) == 50 * 2 + 2 and len({r["group"] for r in stored}) == 1


def test_a_changed_device_token_is_resolved_again(stack):
    stack.send(ONE)
    stack.drain()
    stack.tagoio.state.add_device(TAGO_AUTHORIZATION, SERIALS[0], token="new-token-after-rotation")
    stack.send({**ONE, "payload": "22"})
    stack.drain()
    refused = [status for method, path, status in stack.tagoio.state.calls if status == 401 and path == "/data"]
    assert refused == [401] and len(stack.stored(SERIALS[0])) == 4  # the old token failed once, then the new one


def test_a_delivery_refused_for_good_is_kept_and_inlet_replay_brings_it_back(stack, capsys):
    stack.tagoio.state.set(fail=1, fail_status=400, fail_route="POST /data")
    stack.send(ONE)
    assert failed(stack.deliver_once()) == 0  # not retried: kept in the dead-letter queue instead
    assert stack.waiting() == 0 and stack.waiting(stack.dlq_url) == 1

    assert main(["replay", "list", "--json"]) == 0
    kept = json.loads(capsys.readouterr().out)
    assert len(kept) == 1 and kept[0]["serial"] == SERIALS[0] and kept[0]["records"] == 2
    assert kept[0]["reason"] == "tagoio_400: Injected failure 400"

    assert main(["replay", "run", kept[0]["id"]]) == 0
    assert stack.waiting(stack.dlq_url) == 0 and stack.waiting() == 1
    stack.drain()
    assert_each_device_once(stack, SERIALS[:1])


def test_a_device_lookup_that_could_outlive_the_invocation_is_not_started(stack, monkeypatch):
    """With 8.5 s left, DynamoDB attempts (at most 7 s each, with backoff) still fit but a TagoIO resolve (3.05 s
    connect + 5 s read) would not leave a second to answer: 503 + Retry-After at once, and TagoIO is not called."""
    from tests.helpers import LambdaContext

    monkeypatch.setattr(LambdaContext, "get_remaining_time_in_millis", lambda self: 8_500)
    status, receipt = stack.send({"serial": SERIALS[0], "payload": "01"})
    assert status == 503 and receipt["message"].startswith("TagoIO unavailable"), receipt
    assert not [c for c in stack.tagoio.state.calls if "resolve" in c[1]]
