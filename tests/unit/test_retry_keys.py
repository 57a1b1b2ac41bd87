"""Which requests are deduplicated by their record's own write, and with which key time (core/retry_keys.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inlet.core.ingest_item import IngestItem
from inlet.core.mapping import parse_mapping
from inlet.core.retry_keys import NETWORK_TIMED_FORMATS, retry_group, retry_key_time
from inlet.core.uplink import map_item

pytestmark = pytest.mark.unit

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures/lns").glob("*.json"))


def key_time(items: list[dict], query: dict | None = None, mapping: str = "") -> str | None:
    query = query or {}
    fields = parse_mapping(mapping)
    ingest_items = [IngestItem.of(i, item, query, fields) for i, item in enumerate(items)]
    return retry_key_time(ingest_items, time_mapped=fields is not None and fields.time is not None)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_each_network_servers_uplink_keys_on_its_own_time_when_the_format_carries_one(path):
    fixture = json.loads(path.read_text())
    item = fixture["item"]
    uplink = map_item(0, item, fixture.get("query", {}), None)
    expected = uplink.time if uplink.format in NETWORK_TIMED_FORMATS else None
    assert key_time([item], fixture.get("query")) == expected
    if uplink.format in NETWORK_TIMED_FORMATS and uplink.time:
        assert expected[:4] >= "2000"  # every vendor sample carries its server's time: the one-write path


def test_the_generic_schema_and_batches_take_the_claim_path():
    one = {"serial": "AA-01", "payload": "01", "time": "2026-12-01T10:00:00Z"}
    assert key_time([one]) is None  # a device's own clock may be anything
    tts = json.loads((FIXTURES[0].parent / "tts_v3.json").read_text())["item"]
    assert key_time([tts]) is not None
    assert key_time([tts, tts]) is None


def test_a_mapped_time_field_or_an_implausible_time_takes_the_claim_path():
    tts = json.loads((FIXTURES[0].parent / "tts_v3.json").read_text())["item"]
    assert key_time([tts], mapping="time=received_at") is None
    assert key_time([tts], mapping="port=uplink_message.f_port") is not None  # mapping other fields is fine
    tts["uplink_message"]["received_at"] = "1970-01-01T00:00:00Z"
    assert key_time([tts]) is None


def test_a_non_uplink_message_takes_the_claim_path():
    status = json.loads((FIXTURES[0].parents[1] / "lns_events/chirpstack_status.json").read_text())
    item, query = status["body"], status["query"]
    assert map_item(0, item, query, None).format == "chirpstack_v4" and map_item(0, item, query, None).time
    assert key_time([item], query) is None  # a device status with its server time is still not an uplink


def test_the_group_is_the_same_for_the_same_fingerprint_and_looks_like_a_random_one():
    fingerprint = "ab" * 32
    assert retry_group(fingerprint) == retry_group(fingerprint) == "ab" * 12
