"""Every row of the answers table, through the real handler under moto."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from inlet.adapters.aws import client
from inlet_cli.local import env as local_env

from tests.helpers import http_event, invoke, restart_container

pytestmark = pytest.mark.integration

ONE = {"serial": "AA-BB-01", "payload": "0011AA", "port": 10}


def test_single_object_is_stored_with_a_receipt(seeded):
    status, body, _ = invoke(http_event(ONE))
    assert status == 200
    assert body["status"] is True and body["accepted"] == 1 and body["rejected"] == 0
    assert body["items"] == [{"index": 0, "serial": "AA-BB-01", "status": "accepted", "id": f"{body['group']}-0"}]
    [record] = seeded.records.latest("demo", "AA-BB-01", 5)
    assert (record["payload"], record["port"], record["group"]) == ("0011aa", 10, body["group"])


def test_batch_items_share_one_group_and_unknown_serials_are_rejected_not_lost(seeded):
    batch = [ONE, {"serial": "aa-bb-02", "payload": "22"}, {"serial": "NOPE-1"}]
    status, body, _ = invoke(http_event(batch))
    assert status == 200 and (body["accepted"], body["rejected"]) == (2, 1)
    assert body["items"][2] == {"index": 2, "serial": "NOPE-1", "status": "rejected", "reason": "device_not_found"}
    groups = {r["group"] for s in ("AA-BB-01", "AA-BB-02") for r in seeded.records.latest("demo", s, 5)}
    assert groups == {body["group"]}


@pytest.mark.parametrize(
    ("event", "status", "message"),
    [
        (http_event(ONE, key=None), 401, "Missing authorization"),
        (http_event(ONE, key="Bearer "), 401, "Missing authorization"),
        (http_event(ONE, key="at00000000000000000000000000000000"), 401, "Invalid authorization"),
        (http_event(ONE, key="not-even-a-key"), 401, "Invalid authorization"),
        (http_event(ONE, content_type="text/plain"), 415, "expected application/json"),
        (http_event(ONE, content_type=None), 415, "expected application/json"),
        (http_event(""), 400, "Missing body information"),
        (http_event("  \n"), 400, "Missing body information"),
        (http_event([]), 400, "Missing body information"),
        (http_event("null"), 400, "Missing body information"),
        (http_event('{"serial": '), 400, "Invalid JSON body"),
        (http_event("42"), 400, "got number"),
        (http_event([ONE, ONE, [1]]), 400, "Item 2"),
        (http_event({"payload": "00"}), 400, "Missing serial"),
        (http_event({"serial": ""}), 400, "Missing serial"),
        (http_event({"serial": None}), 400, "Missing serial"),
        (http_event({"serial": "NOPE-1"}), 404, "Device not found"),
    ],
)
def test_refusals_name_the_reason(seeded, event, status, message):
    got, body, _ = invoke(event)
    assert got == status
    assert body["status"] is False and message in body["message"]


def test_a_batch_with_one_missing_serial_stores_nothing_and_names_the_indexes(seeded):
    status, body, _ = invoke(http_event([ONE, {"payload": "00"}, ONE, {"serial": ""}]))
    assert status == 400
    assert body["indexes"] == [1, 3] and "1, 3" in body["message"]
    assert seeded.records.latest("demo", "AA-BB-01", 5) == []


def test_size_and_item_limits_answer_413_naming_the_limit(seeded, monkeypatch):
    monkeypatch.setenv("MAX_ITEMS", "3")
    monkeypatch.setenv("MAX_BODY_BYTES", "2000")
    restart_container()
    status, body, _ = invoke(http_event([ONE] * 4))
    assert status == 413 and "limit is 3" in body["message"]
    status, body, _ = invoke(http_event([{**ONE, "pad": "x" * 3000}]))
    assert status == 413 and "2000 bytes" in body["message"]


def test_defaults_allow_lambda_sized_bodies_and_2000_items():
    from inlet.settings import settings_from

    settings = settings_from(local_env.function_environment())
    assert settings.max_body_bytes >= 6 * 1024 * 1024 and settings.max_items >= 2000


def test_query_string_key_and_bearer_header_are_accepted(seeded):
    assert invoke(http_event(ONE, key=None, query={"authorization": local_env.EVENTS_KEY}))[0] == 200
    assert invoke(http_event({**ONE, "n": 2}, key=f"Bearer {local_env.EVENTS_KEY}"))[0] == 200


def test_body_less_request_takes_its_item_from_the_query(seeded):
    status, _body, _ = invoke(http_event(None, query={"serial": "AA-BB-02", "payload": "0A0B", "port": "3"}))
    assert status == 200
    [record] = seeded.records.latest("demo", "AA-BB-02", 5)
    assert (record["payload"], record["port"]) == ("0a0b", 3)


def test_base64_encoded_event_bodies_are_decoded(seeded):
    assert invoke(http_event(ONE, base64_body=True))[0] == 200


# A cold container reads its first key with the key tag secret in one GetParameters call.
@pytest.mark.parametrize("operation", ["GetParameters", "BatchGetItem", "BatchWriteItem"])
def test_throttled_dependencies_answer_503_with_retry_after_never_401(seeded, operation):
    service = "ssm" if operation == "GetParameters" else "dynamodb"

    def throttle(**_):
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, operation)

    client(service).meta.events.register(f"before-call.{service}.{operation}", throttle)
    status, body, headers = invoke(http_event({**ONE, "op": operation}))
    assert status == 503 and body["status"] is False
    assert int(headers["retry-after"]) > 0


def test_a_revoked_key_is_refused_once_the_cache_expires(seeded, monkeypatch):
    from dataclasses import replace

    from inlet.core.keys import key_hash

    config = seeded.keys.find(key_hash(local_env.EVENTS_KEY))
    seeded.keys.put(replace(config, revoked_at="2026-01-01T00:00:00Z"), overwrite=True)
    seeded.keys._cache.clear()  # what KEY_CACHE_SECONDS of waiting does on a warm container
    assert invoke(http_event(ONE))[1]["message"] == "Invalid authorization"


def test_tenants_never_reach_each_others_devices(seeded):
    other_key = "at" + "1" * 32
    local_env.put_key(seeded.keys, other_key, "other-tenant")
    status, body, _ = invoke(http_event(ONE, key=other_key))
    assert status == 404 and body["items"][0]["reason"] == "device_not_found"


def test_provisioning_keys_create_unknown_devices_on_first_sight(seeded):
    key = "at" + "2" * 32
    local_env.put_key(seeded.keys, key, "demo", unknown_devices="provision")
    status, body, _ = invoke(http_event({"serial": "new-device-9", "payload": "01"}, key=key))
    assert status == 200 and body["accepted"] == 1
    device = seeded.devices.get_many("demo", {"NEW-DEVICE-9"})["NEW-DEVICE-9"]
    assert device is not None and device.connector == "generic-sensor"


def test_the_key_never_reaches_a_log_line(seeded, capsys, caplog):
    invoke(http_event(ONE, key=None, query={"authorization": local_env.EVENTS_KEY}))
    invoke(http_event({"serial": "NOPE-2"}))
    invoke(http_event(ONE, content_type="text/plain"))
    captured = capsys.readouterr()
    logged = captured.out + captured.err + caplog.text
    assert "uplink stored" in logged and local_env.EVENTS_KEY not in logged


@pytest.mark.parametrize(
    ("service", "operation"), [("dynamodb", "PutItem"), ("dynamodb", "BatchWriteItem"), ("ssm", "GetParameters")]
)
def test_unreachable_dependencies_answer_503_naming_the_store(seeded, service, operation):
    from botocore.exceptions import EndpointConnectionError

    def unreachable(**_):
        raise EndpointConnectionError(endpoint_url="https://example.invalid")

    client(service).meta.events.register(f"before-call.{service}.{operation}", unreachable)
    status, body, headers = invoke(http_event({**ONE, "unreachable": operation}))
    assert status == 503 and int(headers["retry-after"]) > 0
    assert "store unavailable" in body["message"]  # a known failure, not the unexpected-error path
