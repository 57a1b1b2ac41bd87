"""The endpoint's request log, through the real handler under moto: one extra PutItem per request while a key's
log is on, none when it is off, no secret in what is written, and never a changed answer when the write fails."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from inlet.adapters.aws import client
from inlet.adapters.connectors import ConnectorStore
from inlet.adapters.devices import Device
from inlet.adapters.request_log import RequestLogStore, from_item
from inlet.core.keys import key_hash
from inlet_cli.local import env as local_env

from tests.helpers import http_event, invoke, restart_container

pytestmark = pytest.mark.integration

KEY = local_env.EVENTS_KEY
RECORDS = local_env.TABLES["RecordsTable"]
ONE = {"serial": "AA-BB-01", "payload": "0011aa", "port": 10}
TTS_UPLINK = json.loads((Path(__file__).parents[1] / "fixtures/lns/tts_v3.json").read_text())["item"]
CHATTY = "function decodeUplink(i) { console.log('first byte', i.bytes[0]); return {data: {b: i.bytes[0]}}; }"


def log_for(deps, seconds: int) -> None:
    """Switch the events key's log on (``seconds`` > 0) or leave it in the past, then start a fresh container."""
    config = deps.keys.config_for_hash(key_hash(KEY))
    deps.keys.put(replace(config, log_until=int(time.time()) + seconds), overwrite=True)
    restart_container()


def calls_to_put_item() -> list[str]:
    """The tables of the PutItem calls the handler makes from now on (the request log's: the Records table)."""
    calls: list[str] = []
    client("dynamodb").meta.events.register(
        "provide-client-params.dynamodb.PutItem", lambda params, **_: calls.append(params["TableName"])
    )
    return calls


def logged(tenant="demo") -> list[dict]:
    return RequestLogStore(RECORDS, dynamodb=client("dynamodb")).after(tenant)


def test_with_the_log_off_a_request_makes_no_extra_write(seeded):
    log_for(seeded, -1)  # a log_until in the past: off
    put_items = calls_to_put_item()
    assert invoke(http_event(ONE))[0] == 200
    assert RECORDS not in put_items and logged() == []


def test_with_the_log_on_each_request_adds_one_put_item(seeded):
    log_for(seeded, 600)
    put_items = calls_to_put_item()
    assert invoke(http_event(ONE))[0] == 200
    assert invoke(http_event({"serial": "NOPE", "payload": "00"}))[0] == 404
    assert invoke(http_event(b"{bad"))[0] == 400
    assert put_items.count(RECORDS) == 3
    accepted, refused, bad = logged()
    assert (accepted["status"], accepted["counts"], accepted["items"][0]["serial"]) == (
        200,
        {"accepted": 1, "rejected": 0},
        "AA-BB-01",
    )
    assert (accepted["items"][0]["payload"], accepted["items"][0]["port"]) == ("0011aa", 10)
    assert refused["status"] == 404 and refused["message"] == "Device not found"
    assert refused["items"] == [{"index": 0, "status": "rejected", "reason": "device_not_found", "serial": "NOPE",
                                 "format": "generic", "payload": "00"}]  # fmt: skip
    assert bad["status"] == 400 and bad["message"].startswith("Invalid JSON body") and bad["items"] == []


@pytest.mark.parametrize("body", [ONE, TTS_UPLINK, [ONE, {**ONE, "payload": "02"}]], ids=["generic", "tts", "batch"])
def test_switching_the_log_on_adds_exactly_one_put_item_to_a_request(seeded, body):
    # Given the same kind of request on each path the endpoint has (claimed, written by its own record, a batch)
    seeded.devices.add(Device("demo", "70B3D57ED005A1B2"))
    counts = []
    for seconds, port in ((-1, 1), (600, 2)):  # a different port: a new request each time, never a replay
        log_for(seeded, seconds)
        calls = calls_to_put_item()
        request = [{**b, "port": port} for b in body] if isinstance(body, list) else {**body, "port_": port}
        assert invoke(http_event(request))[0] == 200
        counts.append(calls.count(RECORDS))
    # Then the request with the log on wrote one item more to the Records table, and that item is the entry
    assert counts[1] == counts[0] + 1
    assert len(logged()) == 1


def test_a_request_refused_before_its_key_is_known_is_not_logged(seeded):
    log_for(seeded, 600)
    put_items = calls_to_put_item()
    assert invoke(http_event(ONE, key="at" + "0" * 32))[0] == 401
    assert invoke(http_event(ONE, key=None))[0] == 401
    assert RECORDS not in put_items and logged() == []


def test_the_stored_entry_holds_no_key_however_it_was_sent(seeded):
    log_for(seeded, 600)
    event = http_event(ONE, key=None, query={"authorization": KEY, "event": "up"}, headers={"user-agent": f"x {KEY}"})
    assert invoke(event)[0] == 200
    event = http_event(ONE, headers={"authorization": f"Bearer {KEY}"})
    assert invoke(event)[0] == 200
    [item, other] = client("dynamodb").query(
        TableName=RECORDS,
        KeyConditionExpression="device = :d",
        ExpressionAttributeValues={":d": {"S": "demo#requests"}},
    )["Items"]
    for stored in (item, other):
        text = json.dumps(from_item(stored))
        assert KEY not in text and key_hash(KEY) not in text and KEY not in repr(stored)
    assert logged()[0]["request"]["query"] == {"event": "up"}


def test_a_failed_log_write_leaves_the_answer_as_it_was_and_is_counted(seeded, capsys, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    log_for(seeded, 600)

    def refuse(params, **_):
        if params["TableName"] == RECORDS:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "PutItem")

    client("dynamodb").meta.events.register("provide-client-params.dynamodb.PutItem", refuse)
    status, body, _ = invoke(http_event(ONE))
    assert status == 200 and body["accepted"] == 1 and body["items"][0]["status"] == "accepted"
    assert seeded.records.latest("demo", "AA-BB-01", 1)[0]["id"] == body["items"][0]["id"]
    assert '"RequestLogFailures"' in capsys.readouterr().out  # the metric (EMF on stdout)
    assert logged() == []


def test_decoded_values_and_console_lines_are_logged_but_console_lines_are_not_stored(seeded):
    ConnectorStore(local_env.TABLES["ConnectorsTable"], dynamodb=client("dynamodb")).add("chatty", "ts013", CHATTY, "")
    seeded.devices.add(Device("demo", "T-1", connector="chatty"))
    log_for(seeded, 600)
    assert invoke(http_event({"serial": "T-1", "payload": "0a6f", "port": 2}))[0] == 200
    [entry] = logged()
    item = entry["items"][0]
    assert item["decoded"] == {"b": 10} and item["console"] == ["first byte 10"]
    assert item["decoder"] == {"connector": "chatty@1", "errors": [], "warnings": []}
    record = seeded.records.latest("demo", "T-1", 1)[0]
    assert record["decoded"] == {"b": 10} and "first byte" not in json.dumps(record)


def test_a_tagoio_parsers_list_is_logged_whole_though_stored_by_its_input(seeded):
    parser = "payload = payload.concat([{variable: 'n', value: payload.length}]);"
    ConnectorStore(local_env.TABLES["ConnectorsTable"], dynamodb=client("dynamodb")).add("counts", "tagoio", parser, "")
    seeded.devices.add(Device("demo", "P-1", connector="counts"))
    log_for(seeded, 600)
    assert invoke(http_event({"serial": "P-1", "payload": "0a6f", "port": 2, "rssi": -80}))[0] == 200
    [entry] = logged()
    record = seeded.records.latest("demo", "P-1", 1)[0]
    names = [r["variable"] for r in entry["items"][0]["decoded"]]
    assert names == ["payload", "port", "fport", "rssi", "n"] and entry["items"][0]["decoded"] == record["decoded"]


def test_an_expired_entry_not_yet_deleted_by_dynamodb_is_not_read(seeded):
    log_for(seeded, 600)
    assert invoke(http_event(ONE))[0] == 200
    [entry] = logged()
    client("dynamodb").update_item(
        TableName=RECORDS,
        Key={"device": {"S": "demo#requests"}, "sk": {"S": entry["sk"]}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    assert logged() == []
