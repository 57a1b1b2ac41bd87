"""Decoding on the ingest path, through the real handler: each device's connector decodes its uplinks, the record
keeps the raw payload beside the decoded values, and a failing decoder never costs an uplink."""

from __future__ import annotations

import pytest
from inlet.adapters.aws import client
from inlet.adapters.connectors import ConnectorStore
from inlet.adapters.devices import Device
from inlet_cli.local import env as local_env

from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

THERMOMETER = "function decodeUplink(i) { return {data: {celsius: ((i.bytes[0] << 8) | i.bytes[1]) / 100}}; }"
THROWS = "function decodeUplink(i) { throw new Error('bad byte ' + i.bytes[0]); }"
LOOPS = "function decodeUplink(i) { while (true) {} }"
APPENDS = "payload = payload.concat([{variable: 'celsius', value: parseInt(payload[0].value, 16) / 100}]);"


@pytest.fixture
def devices(seeded):
    store = ConnectorStore(local_env.TABLES["ConnectorsTable"], dynamodb=client("dynamodb"))
    for name, script in (("thermo", THERMOMETER), ("throws", THROWS), ("loops", LOOPS)):
        store.add(name, "ts013", script, "")
    store.add("appends", "tagoio", APPENDS, "")
    devices = (("T-1", "thermo"), ("C-1", "cayenne-lpp"), ("X-1", "throws"), ("L-1", "loops"), ("P-1", "appends"))
    for serial, connector in devices:
        seeded.devices.add(Device("demo", serial, connector=connector))
    return seeded


def latest(deps, serial):
    [record] = deps.records.latest("demo", serial, 5)
    return record


def test_a_stored_ts013_connector_decodes_and_the_raw_payload_is_kept(devices):
    status, body, _ = invoke(http_event({"serial": "T-1", "payload": "0a6f", "port": 2}))
    assert status == 200 and body["accepted"] == 1
    record = latest(devices, "T-1")
    assert (record["payload"], record["decoded"]) == ("0a6f", {"celsius": 26.71})
    assert record["decoder"] == {"connector": "thermo@1", "errors": [], "warnings": []}
    assert {"variable": "celsius", "value": 26.71} in record["variables"]


def test_cayenne_lpp_is_built_in(devices):
    assert invoke(http_event({"serial": "C-1", "payload": "036700fa", "port": 1}))[0] == 200
    assert latest(devices, "C-1")["decoded"] == {"temperature_3": 25.0}


@pytest.mark.parametrize(("serial", "why"), [("X-1", "bad byte 10"), ("L-1", "")])
def test_a_failing_decoder_stores_the_uplink_flagged_and_spares_the_batch(devices, serial, why):
    batch = [{"serial": serial, "payload": "0a6f", "port": 2}, {"serial": "T-1", "payload": "0a6f", "port": 2}]
    status, body, _ = invoke(http_event(batch))
    assert status == 200 and body["accepted"] == 2
    failed = latest(devices, serial)
    assert failed["payload"] == "0a6f" and "decode_failed" in failed["flags"] and "decoded" not in failed
    assert why in " ".join(failed["decoder"]["errors"]) and failed["decoder"]["errors"]
    assert latest(devices, "T-1")["decoded"] == {"celsius": 26.71}


def test_a_generic_sensor_device_is_stored_as_sent(devices):
    assert invoke(http_event({"serial": "AA-BB-01", "payload": "0a6f", "port": 2}))[0] == 200
    record = latest(devices, "AA-BB-01")
    assert "decoded" not in record and "decoder" not in record


def test_a_tagoio_parsers_list_is_the_records_variables_without_duplicates(devices):
    assert invoke(http_event({"serial": "P-1", "payload": "0a6f", "battery": 3.6}))[0] == 200
    variables = latest(devices, "P-1")["variables"]
    names = [v["variable"] for v in variables]
    assert len(names) == len(set(names)), names  # the parser kept its input: it is not added a second time
    assert {"variable": "celsius", "value": 26.71} in variables and "battery" in names


def test_a_failed_decode_is_stored_and_said_in_the_receipt(devices):
    status, body, _ = invoke(http_event([{"serial": "X-1", "payload": "0a6f", "port": 1},
                                         {"serial": "T-1", "payload": "0a6f", "port": 1}]))  # fmt: skip
    assert status == 200 and body["accepted"] == 2
    assert body["items"][0]["warnings"] == ["decode_failed: script error: Error: bad byte 10"]
    assert "warnings" not in body["items"][1]
    assert "decode_failed" in latest(devices, "X-1")["flags"]


def test_a_base64_payload_for_a_bytes_codec_names_the_cause_and_the_option(devices):
    status, body, _ = invoke(http_event({"serial": "C-1", "payload": "A2cA+g==", "port": 1}))
    assert status == 200 and body["items"][0]["status"] == "accepted"
    [warning] = body["items"][0]["warnings"]
    assert warning.startswith("decode_failed: the payload is not hex ('A2cA+g==')")
    assert "base64" in warning and "--payload-encoding base64" in warning
    assert latest(devices, "C-1")["payload"] == "A2cA+g=="  # kept as sent


NORMALIZING = """function decodeUplink(i) { return {data: {celsius: ((i.bytes[0] << 8) | i.bytes[1]) / 100}}; }
function normalizeUplink(input) { return {data: {air: {temperature: input.data.celsius}}}; }"""


def test_normalized_output_is_kept_beside_the_decoded_one(devices):
    ConnectorStore(local_env.TABLES["ConnectorsTable"], dynamodb=client("dynamodb")).add(
        "normal", "ts013", NORMALIZING, ""
    )
    devices.devices.add(Device("demo", "N-1", connector="normal"))
    assert invoke(http_event({"serial": "N-1", "payload": "0a6f", "port": 2}))[0] == 200
    record = latest(devices, "N-1")
    assert record["decoded"] == {"celsius": 26.71}
    assert record["normalized"] == {"air": {"temperature": 26.71}}
    names = [v["variable"] for v in record["variables"]]  # what inlet records shows and TagoIO is sent
    assert names[-2:] == ["celsius", "normalized_air_temperature"]
