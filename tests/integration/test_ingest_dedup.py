"""Retried requests: never lost, never duplicated (conditional writes in the dedup table, deterministic record keys)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from inlet.adapters.aws import client

from tests.helpers import Atomic, all_at_once, http_event, invoke, restart_container

pytestmark = pytest.mark.integration

BATCH = [{"serial": "AA-BB-01", "payload": f"{i:04x}", "port": 1} for i in range(60)]  # 3 BatchWriteItem calls


def count_records(deps, serial="AA-BB-01"):
    return len(deps.records.latest("demo", serial, 1000))


def fail_batch_writes(after: int):
    """Let ``after`` BatchWriteItem calls through, then fail the next ones as DynamoDB would after retries."""
    calls = {"n": 0}

    def hook(**_):
        calls["n"] += 1
        if calls["n"] > after:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "x"}}, "Bw")

    client("dynamodb").meta.events.register("before-call.dynamodb.BatchWriteItem", hook)
    return lambda: client("dynamodb").meta.events.unregister("before-call.dynamodb.BatchWriteItem", hook)


def test_a_retried_request_is_answered_from_the_first_answer_and_stores_nothing_new(seeded):
    first = invoke(http_event(BATCH))
    again = invoke(http_event(BATCH))
    assert first[0] == again[0] == 200
    assert again[1] == first[1] and again[2]["x-inlet-replayed"] == "true"
    assert count_records(seeded) == 60


def test_a_request_that_failed_half_way_ends_with_exactly_one_copy_after_a_retry(seeded):
    heal = fail_batch_writes(after=1)
    status, body, headers = invoke(http_event(BATCH))
    assert status == 503 and "retry-after" in headers
    assert count_records(seeded) == 25  # the first chunk landed before the failure
    heal()
    status, body, _ = invoke(http_event(BATCH))
    assert status == 200 and body["accepted"] == 60
    assert count_records(seeded) == 60


def test_a_crashed_attempt_blocks_duplicates_until_its_lease_ends_then_is_resumed(seeded, monkeypatch):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr("inlet.service.ingest.time.time", lambda: clock["now"])
    monkeypatch.setattr("inlet.adapters.dedup.DedupStore.fail", lambda self, claim: None)  # as if the process died
    heal = fail_batch_writes(after=1)
    assert invoke(http_event(BATCH))[0] == 503
    heal()
    status, _body, headers = invoke(http_event(BATCH))
    assert status == 409 and headers["retry-after"]
    clock["now"] += 31  # past LEASE_SECONDS
    assert invoke(http_event(BATCH))[0] == 200
    assert count_records(seeded) == 60


def test_identical_requests_arriving_together_store_one_copy(seeded):
    seeded.dedup._dynamodb = Atomic(client("dynamodb"))  # DynamoDB's per-request atomicity, which moto lacks
    results = all_at_once(6, lambda: invoke(http_event(BATCH))[0])
    assert sorted(set(results)) in ([200], [200, 409]) and results.count(200) >= 1
    assert count_records(seeded) == 60


def test_identical_bodies_after_the_window_are_new_uplinks(seeded, monkeypatch):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr("inlet.service.ingest.time.time", lambda: clock["now"])
    first = invoke(http_event(BATCH))[1]
    clock["now"] += 601
    second = invoke(http_event(BATCH))[1]
    assert first["group"] != second["group"]
    assert count_records(seeded) == 120


def test_a_4xx_is_never_replayed(seeded):
    one = {"serial": "AA-BB-01", "payload": "01"}
    assert invoke(http_event(one, content_type="text/plain"))[0] == 415
    assert invoke(http_event(one))[0] == 200
    unknown = {"serial": "LATER-1"}
    assert invoke(http_event(unknown))[0] == 404
    seeded.devices.add(__import__("inlet.adapters.devices", fromlist=["Device"]).Device("demo", "LATER-1"))
    seeded.devices._cache.clear()
    assert invoke(http_event(unknown))[0] == 200


def test_dedup_window_zero_turns_deduplication_off(seeded, monkeypatch):
    monkeypatch.setenv("DEDUP_WINDOW_SECONDS", "0")
    restart_container()
    assert invoke(http_event(BATCH))[0] == invoke(http_event(BATCH))[0] == 200
    assert count_records(seeded) == 120


def test_same_body_with_another_key_is_not_a_duplicate(seeded):
    from inlet_cli.local import env as local_env

    second_key = "at" + "3" * 32
    local_env.put_key(seeded.keys, second_key, "demo")
    assert invoke(http_event(BATCH))[0] == 200
    assert invoke(http_event(BATCH, key=second_key))[0] == 200
    assert count_records(seeded) == 120
