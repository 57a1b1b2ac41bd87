"""Input that cannot be stored as sent gets a precise 4xx (or a per-item rejection in a batch), never a 5xx, and
nothing of the request is written before every record has been checked."""

from __future__ import annotations

import base64
import json
import random

import pytest
from inlet.core.serials import MAX_SERIAL_LENGTH

from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

PROVISIONING_KEY = "at" + "5" * 32
GOOD = {"serial": "AA-BB-01", "payload": "01", "port": 1}


def nested(levels: int) -> str:
    """An item whose field ``x`` is ``levels`` arrays deep (as text: Python's json cannot write it that deep)."""
    return '{"serial":"AA-BB-01","x":' + "[" * levels + "]" * levels + "}"


def incompressible(characters: int) -> str:
    """Text that no compression makes smaller than ~3/4 of its length (random bytes, base64)."""
    return base64.b64encode(random.Random(characters).randbytes(characters * 3 // 4)).decode()


def records(deps, serial="AA-BB-01"):
    return deps.records.latest("demo", serial, 1000)


@pytest.mark.parametrize("levels", [255, 600, 1_000])
def test_an_item_nested_deeper_than_storable_is_a_400_naming_the_depth(seeded, levels):
    status, body, _ = invoke(http_event(nested(levels)))
    assert status == 400, body
    assert body["message"].startswith("Item too deep: item is nested") and "the limit is 250" in body["message"]
    assert body["items"][0]["reason"] == "item_too_deep"
    assert records(seeded) == []


def test_json_deeper_than_the_parser_reads_is_a_400(seeded):
    status, body, _ = invoke(http_event(nested(1_100)))
    assert status == 400 and body["message"].startswith("Invalid JSON body")


def test_in_a_batch_only_the_unstorable_item_is_rejected(seeded):
    batch = "[" + ",".join([json.dumps(GOOD), nested(400), json.dumps(GOOD)]) + "]"
    status, body, _ = invoke(http_event(batch))
    assert status == 200 and (body["accepted"], body["rejected"]) == (2, 1)
    assert [i["status"] for i in body["items"]] == ["accepted", "rejected", "accepted"]
    assert body["items"][1]["reason"] == "item_too_deep"
    assert len(records(seeded)) == 2


@pytest.mark.parametrize("port", ["1e300", "18446744073709551616", "-1180591620717411303424", "-1e19"])
def test_a_port_outside_64_bits_is_kept_as_sent_and_flagged(seeded, port):
    status, body, _ = invoke(http_event('{"serial":"AA-BB-01","payload":"01","port":' + port + "}"))
    assert status == 200, body
    [record] = records(seeded)
    assert record["port"] == float(port) and record["flags"] == ["port_not_integer"]


def test_an_item_over_dynamodbs_item_limit_is_a_413_and_nothing_is_written(seeded):
    status, body, _ = invoke(http_event({"serial": "AA-BB-01", "x": incompressible(1_000_000)}))
    assert status == 413, body
    assert body["items"][0]["reason"] == "item_too_large" and "409600" in body["message"]
    assert records(seeded) == []


def test_the_item_limit_applies_to_the_stored_compressed_size(seeded):
    # Given an item of 1 MB of JSON that compresses to a few kB
    status, body, _ = invoke(http_event({"serial": "AA-BB-01", "x": "y" * 1_000_000}))
    # Then it is stored, and reads back whole
    assert status == 200, body
    [record] = records(seeded)
    assert {"variable": "x", "value": "y" * 1_000_000} in record["variables"]


def test_a_large_item_in_a_batch_rejects_that_item_only_before_any_chunk_is_written(seeded):
    # 30 good items make two BatchWriteItem chunks; the big one is last: today's code wrote the first chunk first
    batch = [GOOD] * 30 + [{"serial": "AA-BB-01", "x": incompressible(600_000)}]
    status, body, _ = invoke(http_event(batch))
    assert status == 200 and (body["accepted"], body["rejected"]) == (30, 1)
    assert body["items"][30]["reason"] == "item_too_large"
    assert len(records(seeded)) == 30


@pytest.mark.parametrize(
    ("serial", "why"),
    [
        ("Y" * 1025, f"the limit is {MAX_SERIAL_LENGTH}"),
        ("Y" * (MAX_SERIAL_LENGTH + 1), f"the limit is {MAX_SERIAL_LENGTH}"),
        ("bad serial with spaces", "contains ' '"),
        ("x/y", "contains '/'"),
        ("a#b", "contains '#'"),
    ],
)
def test_a_serial_outside_the_rule_is_a_400_even_for_a_provisioning_key(seeded, serial, why):
    from inlet_cli.local import env as local_env

    local_env.put_key(seeded.keys, PROVISIONING_KEY, "demo", unknown_devices="provision")
    status, body, _ = invoke(http_event({"serial": serial}, key=PROVISIONING_KEY))
    assert status == 400, body
    assert body["message"].startswith("Invalid serial: ") and why in body["message"]
    assert body["items"][0]["reason"] == "invalid_serial"
    assert all(d.serial != serial.upper() for d in seeded.devices.list("demo"))


def test_invalid_serials_in_a_batch_are_rejected_per_item(seeded):
    status, body, _ = invoke(http_event([GOOD, {"serial": "Y" * 2000}, {"serial": "NOPE-1"}]))
    assert status == 200
    assert [i.get("reason") for i in body["items"]] == [None, "invalid_serial", "device_not_found"]


def test_a_batch_with_nothing_accepted_for_several_reasons_is_a_400_that_counts_them(seeded):
    status, body, _ = invoke(http_event([{"serial": "Y" * 2000}, {"serial": "NOPE-1"}]))
    assert status == 400
    assert body["message"] == "Nothing was stored: 1 device_not_found, 1 invalid_serial"
    assert len(body["items"]) == 2


def test_a_serial_at_the_limit_is_accepted(seeded):
    from inlet_cli.local import env as local_env

    local_env.put_key(seeded.keys, PROVISIONING_KEY, "demo", unknown_devices="provision")
    serial = "A-" + "B" * (MAX_SERIAL_LENGTH - 2)
    status, body, _ = invoke(http_event({"serial": serial, "payload": "01"}, key=PROVISIONING_KEY))
    assert status == 200, body
    assert len(records(seeded, serial)) == 1


def test_a_lone_surrogate_in_the_event_body_is_a_400(seeded):
    event = http_event(GOOD)
    event["body"] = '{"serial":"AA-BB-01","x":"\ud800"}'  # a direct invocation's str: not encodable as UTF-8
    status, body, _ = invoke(event)
    assert status == 400 and body["message"].startswith("Invalid JSON body")
    assert records(seeded) == []


def test_a_lone_surrogate_in_a_body_less_query_item_is_rejected_not_a_503(seeded):
    event = http_event(None, query={"serial": "AA-BB-01"})
    event["queryStringParameters"]["note"] = "\udc80"  # a direct invocation's str
    status, body, _ = invoke(event)
    assert status == 400, body
    assert body["items"][0]["reason"] == "item_not_storable"


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"body": {"serial": "AA-BB-01"}}, "Event body must be a string, got dict"),
        ({"headers": ["authorization"]}, "Event headers must be an object, got list"),
        ({"queryStringParameters": "serial=AA-BB-01"}, "Event queryStringParameters must be an object, got str"),
    ],
)
def test_a_direct_invocation_with_a_malformed_event_is_a_400(seeded, patch, message):
    event = {**http_event(GOOD), **patch}
    status, body, _ = invoke(event)
    assert (status, body["message"]) == (400, message)
