"""After a request has claimed its fingerprint, every ending settles the claim: a retry is never met with false 409s,
never answered as a replay of another request, and a slow dependency still gets a 503 before Lambda's timeout."""

from __future__ import annotations

import pytest
from botocore.exceptions import ReadTimeoutError
from inlet.adapters.aws import client

from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

ONE = {"serial": "AA-BB-01", "payload": "01", "port": 1}
BATCH = [{"serial": "AA-BB-01", "payload": f"{i:04x}", "port": 1} for i in range(30)]


def records(deps, serial="AA-BB-01"):
    return deps.records.latest("demo", serial, 1000)


def test_a_bug_after_the_claim_fails_it_so_the_retry_resumes_at_once(seeded, monkeypatch):
    import inlet.service.store_uplinks as ingest

    real = ingest.build_record
    monkeypatch.setattr(ingest, "build_record", lambda *a, **k: 1 / 0)
    status, body, _ = invoke(http_event(ONE))
    assert status == 503 and body["message"].startswith("Internal error")
    monkeypatch.setattr(ingest, "build_record", real)
    status, body, _ = invoke(http_event(ONE))
    assert status == 200, body  # not 409 for the rest of the lease
    assert len(records(seeded)) == 1


def test_unprocessed_items_that_never_drain_give_a_503_and_a_retry_that_resumes_at_once(seeded, monkeypatch):
    monkeypatch.setattr("inlet.adapters.retry.backoff", lambda attempt: 0)
    calls = {"n": 0}

    def leave_everything_unprocessed(parsed, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:  # the first chunk (25 items) is stored, the second never drains
            parsed["UnprocessedItems"] = kwargs["context"]["inlet_request"]

    def remember_request(params, context, **_):
        context["inlet_request"] = params["RequestItems"]  # the caller's own parameters

    events = client("dynamodb").meta.events
    events.register("before-parameter-build.dynamodb.BatchWriteItem", remember_request)
    events.register("after-call.dynamodb.BatchWriteItem", leave_everything_unprocessed)
    status, body, headers = invoke(http_event(BATCH))
    assert status == 503 and body["message"] == "Record store unavailable, retry later" and headers["retry-after"]
    events.unregister("after-call.dynamodb.BatchWriteItem", leave_everything_unprocessed)
    status, body, _ = invoke(http_event(BATCH))
    assert status == 200 and body["accepted"] == 30
    assert len(records(seeded)) == 30  # the retry rewrote the same keys


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"serial": "AA-BB-01", "x=y": "z"}, {"serial": "AA-BB-01", "x": "y=z"}),
        ({"serial": "AA-BB-01", "a": "b\0c=d"}, {"serial": "AA-BB-01", "a": "b", "c": "d"}),
    ],
)
def test_different_query_strings_are_never_taken_for_a_retry(seeded, first, second):
    one = invoke(http_event(None, query=first))
    two = invoke(http_event(None, query=second))
    assert one[0] == two[0] == 200
    assert "x-inlet-replayed" not in two[2] and one[1]["group"] != two[1]["group"]
    assert len(records(seeded)) == 2


def test_a_claim_whose_answer_was_lost_recognises_itself_on_the_sdk_retry(seeded):
    """DynamoDB stored the claim but its answer was lost: botocore resends the same PutItem, whose condition then
    fails on the request's own claim."""
    sent = {"n": 0}
    dynamodb = client("dynamodb")

    def store_then_lose_the_answer(request, **_):
        if b"in_progress" in request.body and sent["n"] == 0:
            sent["n"] += 1
            dynamodb.meta.events.unregister("before-send.dynamodb.PutItem", store_then_lose_the_answer)
            dynamodb._make_api_call("PutItem", _put_params(request))  # what DynamoDB did with the lost request
            dynamodb.meta.events.register_first("before-send.dynamodb.PutItem", store_then_lose_the_answer)
            raise ReadTimeoutError(endpoint_url=request.url)

    dynamodb.meta.events.register_first("before-send.dynamodb.PutItem", store_then_lose_the_answer)
    status, body, _ = invoke(http_event(ONE))
    dynamodb.meta.events.unregister("before-send.dynamodb.PutItem", store_then_lose_the_answer)
    assert sent["n"] == 1
    assert status == 200, body  # not "an identical request is being processed"
    assert len(records(seeded)) == 1


def _put_params(request) -> dict:
    import json

    params = json.loads(request.body)
    params.pop("ReturnValuesOnConditionCheckFailure", None)
    return params


def test_a_slow_dependency_gets_a_503_before_the_function_would_time_out(seeded, monkeypatch):
    """Every DynamoDB attempt hangs until its read timeout (simulated time): the answer must come with time left."""
    clock = {"now": 1000.0}
    monkeypatch.setattr("inlet.adapters.time_budget.monotonic", lambda: clock["now"])
    monkeypatch.setattr(
        "botocore.endpoint.time.sleep", lambda seconds: clock.__setitem__("now", clock["now"] + seconds)
    )
    dynamodb = client("dynamodb")
    config = dynamodb.meta.config
    attempts = {"n": 0}

    def hang_until_timeout(request, event_name, **_):
        if not event_name.startswith("before-send.dynamodb"):
            return
        attempts["n"] += 1
        clock["now"] += config.connect_timeout + config.read_timeout
        raise ReadTimeoutError(endpoint_url=request.url)

    # on "before-send", after the client's own hooks: a more specific event name would run before them
    dynamodb.meta.events.register_first("before-send", hang_until_timeout)
    start = clock["now"]
    status, body, headers = invoke(http_event(ONE))  # the test context has 15 s, as the template's timeout
    dynamodb.meta.events.unregister("before-send", hang_until_timeout)
    assert status == 503 and int(headers["retry-after"]) > 0, body
    assert clock["now"] - start <= 15 - 1, f"answered after {clock['now'] - start} s"
    assert attempts["n"] >= 2  # retries still happen while they fit


def _key_parameters(parsed: dict) -> list[dict]:
    """The key parameters of a GetParameter or GetParameters answer (a cold container may read several at once)."""
    found = [parsed["Parameter"]] if "Parameter" in parsed else parsed.get("Parameters", [])
    return [p for p in found if "/keys/" in p.get("Name", "") and not p["Name"].endswith("-tag-secret")]


def test_a_malformed_key_store_answer_is_a_503_and_is_not_remembered(seeded):
    from inlet_cli.local import env as local_env

    ssm = client("ssm")

    def mangle(parsed, **_):
        for parameter in _key_parameters(parsed):
            parameter["Value"] = "{not json"

    ssm.meta.events.register("after-call.ssm", mangle)
    mapped = {"devaddr": "AA-BB-01", "payload_raw": "01"}
    status, body, headers = invoke(http_event(mapped, key=local_env.EVENTS_MAPPED_KEY))
    assert (status, body["message"]) == (503, "Key store unavailable, retry later") and headers["retry-after"]
    ssm.meta.events.unregister("after-call.ssm", mangle)
    status, body, _ = invoke(http_event(mapped, key=local_env.EVENTS_MAPPED_KEY))
    assert status == 200, body  # the valid key works as soon as the store answers properly


def test_a_key_store_answer_without_its_value_is_a_503(seeded):
    ssm = client("ssm")

    def drop(parsed, **_):
        for parameter in _key_parameters(parsed):
            del parameter["Value"]

    ssm.meta.events.register("after-call.ssm", drop)
    status, _, _ = invoke(http_event(ONE))
    ssm.meta.events.unregister("after-call.ssm", drop)
    assert status == 503
