"""The lake's delivery path under moto: uplinks stored by the real handler reach the lake through the Records
table's stream, locally (LocalFeed -> Parquet -> DuckDB) and on AWS (the Lambda function -> Firehose -> S3).

moto's Firehose writes what it receives to S3 as it is (no deaggregation, no dynamic partitioning, no Parquet
conversion): these tests check the rows Firehose is given; the Parquet side is the local writer's."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import boto3
import orjson
import pytest
from inlet_cli.lake.local_engine import run_local
from inlet_cli.lake.local_feed import LocalFeed, enable_stream
from inlet_cli.lake.local_lake import LocalLake
from inlet_cli.local import env as local_env

from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration
ROOT = Path(__file__).parents[2]
TTS_EVENT = json.loads((ROOT / "events" / "uplink-tts-v3.json").read_text())
RECORDS = local_env.TABLES["RecordsTable"]


@pytest.fixture
def stream(seeded, moto_aws):
    arn = enable_stream(moto_aws["dynamodb"], RECORDS)
    return boto3.client("dynamodbstreams", region_name=local_env.REGION), arn


def test_stored_uplinks_reach_the_local_lake_once(stream, tmp_path):
    streams, arn = stream
    feed = LocalFeed(streams, arn, LocalLake(tmp_path), tenants="*")
    assert invoke(TTS_EVENT)[0] == 200
    batch = [{"serial": "AA-BB-01", "payload": "0011aa", "port": 10}, {"serial": "AA-BB-02", "payload": "ff"}]
    request = http_event(batch)
    assert invoke(request)[0] == 200
    assert feed.poll_once() == 3
    assert invoke(request)[0] == 200  # the same request again: answered from the first answer, nothing new
    assert feed.poll_once() == 0
    answer = run_local("SELECT serial, network, rssi, gateways, frame_counter, key_id FROM uplinks ORDER BY serial",
                       local_env.EVENTS_TENANT, tmp_path)  # fmt: skip
    rows = [dict(zip(answer.columns, r, strict=True)) for r in answer.rows]
    assert [r["serial"] for r in rows] == ["70B3D57ED0000001", "AA-BB-01", "AA-BB-02"]
    tts = rows[0]
    assert tts["network"] == "tts_v3" and tts["rssi"] is not None and tts["gateways"]
    assert tts["frame_counter"] is not None and len(tts["key_id"]) == 16


def test_only_the_chosen_tenants_reach_the_local_lake(stream, tmp_path):
    streams, arn = stream
    feed = LocalFeed(streams, arn, LocalLake(tmp_path), tenants="someone-else")
    assert invoke(TTS_EVENT)[0] == 200
    assert feed.poll_once() == 0 and not list(tmp_path.rglob("*.parquet"))


def _lambda_handler():
    spec = importlib.util.spec_from_file_location("inlet_lake_app", ROOT / "functions" / "lake" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Context:
    function_name, memory_limit_in_mb, aws_request_id = "inlet-lake-test", 512, "r-1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:inlet-lake-test"


def test_the_lambda_function_sends_the_stream_rows_to_firehose(stream, monkeypatch):
    streams, arn = stream
    s3 = boto3.client("s3", region_name=local_env.REGION)
    s3.create_bucket(Bucket="lake")
    firehose = boto3.client("firehose", region_name=local_env.REGION)
    firehose.create_delivery_stream(
        DeliveryStreamName="lake",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/firehose",
            "BucketARN": "arn:aws:s3:::lake",
            "Prefix": "raw/",
        },
    )
    monkeypatch.setenv("LAKE_STREAM", "lake")
    monkeypatch.setenv("LAKE_TENANTS", local_env.EVENTS_TENANT)
    assert invoke(TTS_EVENT)[0] == 200
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    changes = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    # Lambda's event carries binary attributes as base64 text, where boto3 gave bytes
    event = {"Records": json.loads(json.dumps(changes, default=_lambda_json))}
    assert _lambda_handler().handler(event, Context()) == {"rows": 1}
    [key] = [o["Key"] for o in s3.list_objects_v2(Bucket="lake")["Contents"]]
    lines = s3.get_object(Bucket="lake", Key=key)["Body"].read().splitlines()
    [row] = [orjson.loads(line) for line in lines if line]
    assert (row["table"], row["tenant"], row["serial"]) == ("uplinks", "demo", "70B3D57ED0000001")
    assert row["day"] == row["received_at"][:10] and row["network"] == "tts_v3"


def _lambda_json(value):
    import base64
    import datetime

    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    raise TypeError(type(value))
