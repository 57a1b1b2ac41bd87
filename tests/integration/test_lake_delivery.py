"""The lake as a destination kind under moto, run as the stack runs it: the uplink function stores records, the
Records stream feeds the fan-out, the delivery function sends to the lake kind, which writes Parquet locally (the
local writer `inlet local run` installs) or sends rows to Firehose (on AWS).

moto's Firehose writes what it receives to S3 as it is (no deaggregation, no dynamic partitioning, no Parquet
conversion): the Firehose test checks the rows Firehose is given; the Parquet side is the local writer's."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import orjson
import pytest
from inlet.adapters.keys import KeyStore
from inlet.destinations import Destination
from inlet.destinations import lake as lake_kind
from inlet.destinations.store import DestinationStore
from inlet_cli import destination_admin
from inlet_cli.lake.local_engine import run_local
from inlet_cli.lake.local_lake import LocalLake
from inlet_cli.local import env as local_env

from tests.destinations_harness import DestinationsStack
from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration
ROOT = Path(__file__).parents[2]
TTS_EVENT = json.loads((ROOT / "events" / "uplink-tts-v3.json").read_text())
DEMO = local_env.EVENTS_TENANT


@pytest.fixture
def stack(seeded, moto_aws, monkeypatch):
    stack = DestinationsStack(monkeypatch)
    ssm = moto_aws["ssm"]
    keys, store = KeyStore(local_env.KEYS_PATH, ssm=ssm), DestinationStore(local_env.DESTINATIONS_PATH, ssm=ssm)
    lake = Destination(tenant=DEMO, name="lake", kind="lake", batch=10, filter={"types": ["uplink", "device_event"]})
    destination_admin.add(keys, store, lake, {"url": None, "headers": {}}, deployed=False)
    from tests.helpers import restart_container

    restart_container()  # the keys now carry the destinations flag: a fresh container reads them
    yield stack
    lake_kind.use_local_writer(None)


def test_stored_uplinks_reach_the_local_lake_once(stack, tmp_path):
    lake_kind.use_local_writer(LocalLake(tmp_path).write_rows)
    assert invoke(TTS_EVENT)[0] == 200
    batch = [{"serial": "AA-BB-01", "payload": "0011aa", "port": 10}, {"serial": "AA-BB-02", "payload": "ff"}]
    request = http_event(batch)
    assert invoke(request)[0] == 200
    stack.pump()
    assert invoke(request)[0] == 200  # the same request again: answered from the first answer, nothing new
    stack.pump()
    answer = run_local("SELECT serial, network, rssi, gateways, frame_counter, key_id FROM uplinks ORDER BY serial",
                       DEMO, tmp_path)  # fmt: skip
    rows = [dict(zip(answer.columns, r, strict=True)) for r in answer.rows]
    assert [r["serial"] for r in rows] == ["70B3D57ED0000001", "AA-BB-01", "AA-BB-02"]
    tts = rows[0]
    assert tts["network"] == "tts_v3" and tts["rssi"] is not None and tts["gateways"]
    assert tts["frame_counter"] is not None and len(tts["key_id"]) == 16
    assert not stack.dead_letters()


def test_on_aws_the_rows_go_to_firehose(stack, monkeypatch):
    s3 = boto3.client("s3", region_name=local_env.REGION)
    s3.create_bucket(Bucket="lake")
    boto3.client("firehose", region_name=local_env.REGION).create_delivery_stream(
        DeliveryStreamName="lake",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/firehose",
            "BucketARN": "arn:aws:s3:::lake",
            "Prefix": "raw/",
        },
    )
    monkeypatch.setenv(lake_kind.STREAM_ENV, "lake")
    assert invoke(TTS_EVENT)[0] == 200
    stack.pump()
    [key] = [o["Key"] for o in s3.list_objects_v2(Bucket="lake")["Contents"]]
    lines = s3.get_object(Bucket="lake", Key=key)["Body"].read().splitlines()
    [row] = [orjson.loads(line) for line in lines if line]
    assert (row["table"], row["tenant"], row["serial"]) == ("uplinks", DEMO, "70B3D57ED0000001")
    assert row["day"] == row["received_at"][:10] and row["network"] == "tts_v3"
    assert not stack.dead_letters()


def test_a_stack_without_the_lake_dead_letters_with_the_reason(stack, monkeypatch):
    monkeypatch.delenv(lake_kind.STREAM_ENV, raising=False)
    assert invoke(TTS_EVENT)[0] == 200
    stack.pump()
    [letter] = stack.dead_letters()
    assert "lake_off" in json.dumps(letter)


def test_device_events_reach_their_own_table(stack, seeded, tmp_path):
    from inlet.adapters.devices import Device

    lake_kind.use_local_writer(LocalLake(tmp_path).write_rows)
    seeded.devices.add(Device(DEMO, "0080E1150500A3C7"))
    status = {"deviceInfo": {"devEui": "0080e1150500a3c7"}, "margin": 7, "batteryLevel": 91.5}  # ChirpStack v4
    assert invoke(http_event(status, query={"event": "status"}))[0] == 200
    stack.pump()
    answer = run_local("SELECT serial, event, network, event_json FROM device_events", DEMO, tmp_path)
    [(serial, event, network, fields)] = answer.rows
    assert (serial, event, network) == ("0080E1150500A3C7", "status", "chirpstack_v4")  # the event's network
    assert json.loads(fields)["batterylevel"] == 91.5
    assert run_local("SELECT count(*) FROM uplinks", DEMO, tmp_path).rows == [[0]]
