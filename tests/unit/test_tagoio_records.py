"""Accepted records become valid TagoIO records; what cannot be made valid is named, never dropped silently."""

from __future__ import annotations

import orjson
import pytest
from inlet.core.keys import KeyConfig, validate_key_config
from inlet.destinations.tagoio.delivery import (
    PART_BYTES,
    SENTINEL_VARIABLE,
    Delivery,
    backoff_seconds,
    is_stored,
    pack,
    retry_after_seconds,
)
from inlet.destinations.tagoio.records import record_problem, to_tagoio
from inlet.destinations.tagoio.settings import check_api_url, tagoio_settings

pytestmark = pytest.mark.unit

AUTHORIZATION = "at" + "ab" * 16
PARAM = "/inlet/dev/tagoio/network"


def record(**changes) -> dict:
    base = {
        "id": "g-0",
        "serial": "AA-BB-01",
        "group": "0123456789abcdef01234567",
        "received_at": "2025-01-01T00:00:01.000Z",
        "time": "2025-01-01T00:00:00.000Z",
        "port": 10,
        "payload": "0011aa",
        "variables": [{"variable": "rssi", "value": -80}],
    }
    return {**base, **changes}


# --- conversion ------------------------------------------------------------------------------------------------------
def test_an_uplink_becomes_payload_its_port_once_and_its_variables_sharing_group_and_time():
    records, warnings = to_tagoio(record())
    assert [(r["variable"], r["value"]) for r in records] == [("payload", "0011aa"), ("port", 10), ("rssi", -80)]
    assert {(r["group"], r["time"]) for r in records} == {("0123456789abcdef01234567", "2025-01-01T00:00:00.000Z")}
    assert warnings == []


def test_a_location_keeps_its_coordinates():
    location = {"variable": "location", "value": "1.5,2.5", "location": {"lat": 1.5, "lng": 2.5}}
    records, _ = to_tagoio(record(variables=[location]))
    assert records[-1]["location"] == {"lat": 1.5, "lng": 2.5}


def test_an_uplink_without_payload_or_port_sends_only_its_variables():
    records, _ = to_tagoio(record(payload=None, port=None))
    assert [r["variable"] for r in records] == ["rssi"]


def test_an_item_field_named_like_a_reserved_variable_is_renamed_and_reported():
    records, warnings = to_tagoio(record(variables=[{"variable": "port", "value": 99}]))
    assert [(r["variable"], r["value"]) for r in records][-2:] == [("port", 10), ("port_2", 99)]
    assert warnings == ["tagoio_variable_renamed: port -> port_2"]


def test_a_value_over_6_kb_is_left_out_and_named_while_the_rest_is_sent():
    big = {"variable": "blob", "value": "x" * 6_001}
    records, warnings = to_tagoio(record(variables=[big, {"variable": "snr", "value": 7.5}]))
    assert "blob" not in {r["variable"] for r in records} and "snr" in {r["variable"] for r in records}
    assert len(warnings) == 1 and warnings[0].startswith("tagoio_left_out: blob: value is 6001 bytes")


def test_a_value_of_exactly_6_kb_of_utf8_passes_and_one_byte_more_does_not():
    assert record_problem({"variable": "a", "value": "é" * 3_000}) is None
    assert record_problem({"variable": "a", "value": "é" * 3_000 + "x"}) is not None


def test_huge_integers_travel_as_text_and_objects_as_json_text_with_a_warning():
    records, warnings = to_tagoio(record(payload={"raw": [1, 2]}, variables=[{"variable": "n", "value": 2**60}]))
    values = {r["variable"]: r["value"] for r in records}
    assert values["payload"] == '{"raw":[1,2]}' and values["n"] == str(2**60)
    assert warnings == ["tagoio_value_as_json_text: payload", "tagoio_number_as_text: n"]


def test_an_uplink_with_nothing_valid_says_so():
    records, warnings = to_tagoio(record(payload="ab" * 3_001, port=None, variables=[]))
    assert records == []
    assert warnings[-1] == "tagoio_nothing_to_send"


@pytest.mark.parametrize(
    ("rec", "valid"),
    [
        ({"variable": "temperature", "value": 21.5, "unit": "°C"}, True),
        ({"variable": "Temperature", "value": 1}, False),
        ({"variable": "a.b", "value": 1}, False),
        ({"variable": "a-b", "value": 1}, False),
        ({"variable": "a b", "value": 1}, False),
        ({"variable": "a$", "value": 1}, False),
        ({"variable": "x" * 100, "value": 1}, True),
        ({"variable": "x" * 101, "value": 1}, False),
        ({"variable": "a", "value": [1]}, False),
        ({"variable": "a", "value": 1, "unit": "u" * 26}, False),
        ({"variable": "a", "value": 1, "group": "g" * 101}, False),
        ({"variable": "a", "value": 1, "metadata": {"m": "x" * 10_000}}, False),
        ({"variable": "a", "value": 1, "metadata": {"m": "x" * 9_000}}, True),
        ({"value": 1}, False),
    ],
)
def test_record_problem_follows_tagoio_rules(rec, valid):
    assert (record_problem(rec) is None) is valid


# --- deliveries ------------------------------------------------------------------------------------------------------
def test_a_small_device_batch_is_one_part_and_a_big_one_is_split_under_the_post_limit():
    small = pack("h", "AA", "g", "t", [{"variable": "a", "value": 1}] * 10)
    assert [(d.part, d.parts) for d in small] == [(0, 1)]
    big_records = [{"variable": f"v{i}", "value": "x" * 5_000, "group": "g"} for i in range(100)]
    parts = pack("h", "AA", "g", "t", big_records)
    assert len(parts) == 3 and [d.parts for d in parts] == [3, 3, 3]
    assert sum(len(d.records) for d in parts) == 100
    for delivery in parts:
        assert len(orjson.dumps(delivery.post_body())) <= 200_000
        assert len(delivery.to_body().encode()) < 256 * 1024
        assert len(orjson.dumps(delivery.records)) <= PART_BYTES


def test_a_delivery_survives_the_queue_and_carries_no_token():
    delivery = pack("keyhash", "AA", "g", "t", [{"variable": "a", "value": 1}])[0]
    assert Delivery.from_body(delivery.to_body()) == delivery
    assert set(orjson.loads(delivery.to_body())) == {
        "v",
        "key_hash",
        "serial",
        "group",
        "received_at",
        "records",
        "part",
        "parts",
    }
    with pytest.raises(ValueError):
        Delivery.from_body('{"v": 2}')


def test_only_parts_of_split_deliveries_carry_a_sentinel_and_are_recognised_by_it():
    single = Delivery("h", "AA", "g", "t", [{"variable": "a", "value": 1, "group": "g"}])
    assert single.post_body() == single.records
    assert is_stored(single, [{"variable": "anything", "group": "g"}]) and not is_stored(single, [])
    second = Delivery("h", "AA", "g", "t", [{"variable": "a", "value": 1}], part=1, parts=3)
    assert second.post_body()[-1] == {"variable": SENTINEL_VARIABLE, "value": "2/3", "group": "g"}
    assert is_stored(second, [{"variable": SENTINEL_VARIABLE, "value": "2/3"}])
    assert not is_stored(second, [{"variable": SENTINEL_VARIABLE, "value": "1/3"}])


def test_backoff_grows_by_attempt_to_its_cap_and_waits_longer_after_an_ambiguous_failure():
    assert [backoff_seconds(n, False) for n in (1, 2, 3, 7, 8, 50)] == [10, 20, 40, 640, 900, 900]
    assert backoff_seconds(1, True) == 30
    assert backoff_seconds(1, False, jitter=0.99) == 11


@pytest.mark.parametrize(
    ("header", "message", "expected"),
    [("8", None, 8), (None, "Too many requests (Retry-After: 12)", 12), (None, None, 60), ("0", None, 1)],
)
def test_retry_after_comes_from_the_header_or_tagoio_s_message(header, message, expected):
    assert retry_after_seconds(header, message) == expected


# --- key settings ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.us-e1.tago.io", True),
        ("https://tago.example.com/", True),
        ("http://127.0.0.1:8080", True),
        ("http://localhost:9000", True),
        ("http://[::1]:9000", True),
        ("http://api.tago.io", False),
        ("http://10.0.0.1", False),
        ("ftp://api.tago.io", False),
        ("https://user:pw@api.tago.io", False),
        ("api.tago.io", False),
    ],
)
def test_an_api_url_must_be_https_except_on_loopback(url, ok):
    if ok:
        assert check_api_url(url) == url.rstrip("/")
    else:
        with pytest.raises(ValueError):
            check_api_url(url)


def test_a_region_names_its_api_and_exactly_one_of_region_or_url_is_required():
    assert tagoio_settings(PARAM, AUTHORIZATION, region="eu-w1")["api_url"] == "https://api.eu-w1.tago.io"
    for region, url in (("", ""), ("us-e1", "https://x.io"), ("sa-e1", "")):
        with pytest.raises(ValueError):
            tagoio_settings(PARAM, AUTHORIZATION, region, url)


def test_a_tagoio_key_needs_settings_and_cannot_provision_devices():
    settings = tagoio_settings(PARAM, AUTHORIZATION, region="us-e1")
    validate_key_config(KeyConfig("demo", "h", sink="both", tagoio=settings))
    for config in (
        KeyConfig("demo", "h", sink="tagoio"),
        KeyConfig("demo", "h", sink="dynamodb", tagoio=settings),
        KeyConfig("demo", "h", sink="tagoio", tagoio={**settings, "authorization": "nope"}),
        KeyConfig("demo", "h", sink="tagoio", tagoio={**settings, "network_token_param": "no-slash"}),
        KeyConfig("demo", "h", sink="tagoio", tagoio=settings, unknown_devices="provision"),
    ):
        with pytest.raises(ValueError):
            validate_key_config(config)
