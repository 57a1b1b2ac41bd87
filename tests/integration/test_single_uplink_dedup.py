"""A single network-server uplink is deduplicated by its record's own conditional write (core/retry_keys.py): one
write per request, and every retry semantic of docs/retries.md holds, with the window as the one documented change."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from inlet.adapters.aws import client
from inlet.adapters.devices import Device
from inlet.adapters.records import RecordStore

from tests.helpers import Atomic, all_at_once, http_event, invoke, restart_container

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/lns"
TTS = json.loads((FIXTURES / "tts_v3.json").read_text())["item"]
SERIAL = TTS["end_device_ids"]["dev_eui"]
LNS_TIME = TTS["uplink_message"]["received_at"]


def tts(counter: int) -> dict:
    """Another uplink of the same device: the network server's time and frame counter move on."""
    item = copy.deepcopy(TTS)
    item["uplink_message"]["f_cnt"] = counter
    item["uplink_message"]["received_at"] = f"2026-12-01T10:00:{counter % 60:02d}.000Z"
    return item


@pytest.fixture
def device(seeded):
    seeded.devices.add(Device("demo", SERIAL))
    return seeded


@pytest.fixture
def aws_calls():
    """Every AWS call the handler makes from now on: (operation, table or parameter)."""
    calls: list[tuple[str, str]] = []

    def note(model, params, **_):
        calls.append((model.name, params.get("TableName", "")))

    for service in ("dynamodb", "ssm"):
        client(service).meta.events.register(f"before-parameter-build.{service}", note)
    yield calls
    for service in ("dynamodb", "ssm"):
        client(service).meta.events.unregister(f"before-parameter-build.{service}", note)


def stored(deps) -> list[dict]:
    return deps.records.latest("demo", SERIAL, 100)


def test_a_warm_single_uplink_of_a_known_device_is_one_write(device, aws_calls):
    assert invoke(http_event(tts(1)))[0] == 200  # warms the key and the device caches
    aws_calls.clear()
    status, body, headers = invoke(http_event(tts(2)))
    assert status == 200 and body["accepted"] == 1 and "x-inlet-replayed" not in headers
    assert aws_calls == [("PutItem", device.records._table)]


def test_a_retry_is_answered_like_the_first_attempt_and_stores_nothing_new(device, aws_calls):
    first = invoke(http_event(TTS))
    aws_calls.clear()
    again = invoke(http_event(TTS))
    assert first[0] == again[0] == 200
    assert again[1] == first[1] and again[2]["x-inlet-replayed"] == "true"
    assert aws_calls == [("PutItem", device.records._table)]  # the failed conditional write is the whole check
    assert [r["id"] for r in stored(device)] == [first[1]["items"][0]["id"]]


def test_the_record_sorts_by_the_network_servers_time_and_keeps_the_server_time(device, monkeypatch):
    monkeypatch.setattr("inlet.service.ingest.time.time", lambda: 1_800_000_000.0)
    invoke(http_event(TTS))
    (record,) = stored(device)
    assert LNS_TIME.startswith("2024-05-14T09:21:07.412")
    assert record["sk"].startswith("2024-05-14T09:21:07.412Z#")  # the body's time (uplink_message.received_at)
    assert record["received_at"] == "2027-01-15T08:00:00.000Z"  # when Inlet received it
    assert record["time"] == "2024-05-14T09:21:07.412Z"


def test_identical_bodies_after_the_window_are_still_the_same_uplink(device, monkeypatch):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr("inlet.service.ingest.time.time", lambda: clock["now"])
    first = invoke(http_event(TTS))[1]
    clock["now"] += 601  # past DedupWindowSeconds: a body carrying the network server's time is that same uplink
    status, again, headers = invoke(http_event(TTS))
    assert status == 200 and again == first and headers["x-inlet-replayed"] == "true"
    assert len(stored(device)) == 1


def test_identical_requests_arriving_together_store_one_copy_and_all_get_the_answer(device):
    device.records._dynamodb = Atomic(client("dynamodb"))  # DynamoDB's per-request atomicity, which moto lacks

    def send():
        status, body, headers = invoke(http_event(TTS))
        return status, (body.get("items") or [{}])[0].get("id"), headers.get("x-inlet-replayed")

    results = all_at_once(6, send)
    assert len(results) == 6  # every sender was answered (a 409 is not an answer with the record)
    assert {(status, record_id) for status, record_id, _ in results} == {(200, stored(device)[0]["id"])}
    assert [replayed for *_, replayed in results].count(None) == 1  # one stored it, five were told it was stored
    assert len(stored(device)) == 1


def test_an_attempt_that_dies_after_its_write_is_answered_by_the_retry_with_one_copy(device, monkeypatch):
    original = RecordStore.put_first

    def write_then_die(self, record, now_s):
        original(self, record, now_s)
        raise RuntimeError("the container died before answering")

    monkeypatch.setattr(RecordStore, "put_first", write_then_die)
    assert invoke(http_event(TTS))[0] == 503
    monkeypatch.setattr(RecordStore, "put_first", original)
    status, body, headers = invoke(http_event(TTS))
    assert status == 200 and body["accepted"] == 1 and headers["x-inlet-replayed"] == "true"
    assert len(stored(device)) == 1


def test_a_failed_write_stores_nothing_and_the_retry_stores_it_once(device):
    def throttled(**_):
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "x"}}, "PutItem")

    client("dynamodb").meta.events.register("before-call.dynamodb.PutItem", throttled)
    status, body, headers = invoke(http_event(TTS))
    client("dynamodb").meta.events.unregister("before-call.dynamodb.PutItem", throttled)
    assert status == 503 and int(headers["retry-after"]) > 0 and body["message"].startswith("Record store")
    assert stored(device) == []
    status, body, headers = invoke(http_event(TTS))
    assert status == 200 and "x-inlet-replayed" not in headers
    assert len(stored(device)) == 1


def test_a_4xx_is_never_replayed(seeded):
    assert invoke(http_event(TTS))[0] == 404  # the device is not known yet: nothing written
    seeded.devices.add(Device("demo", SERIAL))
    seeded.devices._cache.clear()
    status, body, headers = invoke(http_event(TTS))
    assert status == 200 and body["accepted"] == 1 and "x-inlet-replayed" not in headers


def test_batches_and_the_generic_schema_still_claim_in_the_dedup_table(device, aws_calls):
    invoke(http_event(tts(1)))
    for body in ([tts(2), tts(3)], {"serial": "AA-BB-01", "payload": "01", "time": "2026-12-01T10:00:00Z"}):
        aws_calls.clear()
        assert invoke(http_event(body))[0] == 200
        operations = [operation for operation, table in aws_calls if table == device.dedup._table]
        assert operations == ["PutItem", "UpdateItem"]  # the claim, then the answer


def test_with_deduplication_off_identical_bodies_are_new_uplinks(device, monkeypatch):
    monkeypatch.setenv("DEDUP_WINDOW_SECONDS", "0")
    restart_container()
    assert invoke(http_event(TTS))[0] == invoke(http_event(TTS))[0] == 200
    assert len(stored(device)) == 2


def test_follow_shows_an_uplink_its_network_server_delivers_late(device, capsys, monkeypatch):
    from inlet_cli.commands import records as records_command
    from inlet_cli.main import main

    assert invoke(http_event(tts(30)))[0] == 200  # the network server's 10:00:30
    polls = []

    def poll_then_stop():
        polls.append(1)
        if len(polls) == 1:  # delivered while following, but received by the network server 29 s earlier
            assert invoke(http_event(tts(1)))[0] == 200
        elif len(polls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(records_command, "pause", poll_then_stop)
    assert main(["records", SERIAL, "--tenant", "demo", "--follow", "--json"]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    shown = [r["time"] for r in printed if "level" not in r]  # the in-process handler may log to the same stdout
    assert shown == ["2026-12-01T10:00:30.000Z", "2026-12-01T10:00:01.000Z"]  # each once, in arrival order


def test_a_provisioning_key_creates_the_device_once_and_replays_the_retry(seeded, aws_calls):
    from inlet_cli.local import env as local_env

    key = "at" + "5" * 32
    local_env.put_key(seeded.keys, key, "fresh", unknown_devices="provision")
    first = invoke(http_event(TTS, key=key))
    assert first[0] == 200 and first[1]["accepted"] == 1
    aws_calls.clear()
    again = invoke(http_event(TTS, key=key))
    assert again[1] == first[1] and again[2]["x-inlet-replayed"] == "true"
    assert aws_calls == [("PutItem", seeded.records._table)]  # the device is known now: no second provisioning
    assert [d.serial for d in seeded.devices.list("fresh")] == [SERIAL]
    assert len(seeded.records.latest("fresh", SERIAL, 10)) == 1
