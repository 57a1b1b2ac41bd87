"""Connector references, the scripts' inputs and outputs, and what a record keeps of a decode."""

from __future__ import annotations

import pytest
from inlet.core.decoding.contracts import (
    MAX_MESSAGES,
    ContractViolation,
    payload_bytes,
    read_tagoio,
    read_ts013,
    tagoio_input,
    ts013_input,
)
from inlet.core.decoding.outcome import FLAG_DECODE_FAILED, Decoding, decoded_variables
from inlet.core.decoding.references import ConnectorRef, InvalidReference, parse_reference
from inlet.core.decoding.tagoio_columns import parser_input
from inlet.core.records import record_of

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cayenne-lpp", ConnectorRef("cayenne-lpp")),
        ("  Acme-TH@3 ", ConnectorRef("acme-th", 3)),
        ("v1.2_x@12", ConnectorRef("v1.2_x", 12)),
    ],
)
def test_references(text, expected):
    assert parse_reference(text) == expected
    assert str(parse_reference(str(expected))) == str(expected)


@pytest.mark.parametrize("text", ["", "  ", None, 3, "acme@", "acme@0", "acme@x", "acme@-1", "-acme", "a b", "a" * 65])
def test_invalid_references(text):
    with pytest.raises(InvalidReference):
        parse_reference(text)


def test_payload_bytes_only_for_hex_payloads():
    assert payload_bytes({"payload": "0a6f"}) == b"\x0a\x6f"
    assert payload_bytes({"payload": "zz!", "flags": ["payload_not_decodable"]}) is None
    assert payload_bytes({"payload": None}) is None
    assert payload_bytes({}) is None


def test_ts013_input():
    assert ts013_input(b"\x01\xff", 10, "2026-01-02T03:04:05.000Z") == {
        "bytes": [1, 255],
        "fPort": 10,
        "recvTime": "2026-01-02T03:04:05.000Z",
    }
    assert ts013_input(b"", "x", None)["fPort"] is None  # a port that is not an integer is not a port


def test_tagoio_input_as_the_decode_command_builds_it():
    assert tagoio_input("0a6f", 5) == [
        {"variable": "payload", "value": "0a6f"},
        {"variable": "port", "value": 5},
        {"variable": "fport", "value": 5},
    ]
    assert tagoio_input("0a6f", None) == [{"variable": "payload", "value": "0a6f"}]


def test_the_parser_input_of_a_record_carries_its_variables_group_and_time():
    record = {"payload": "01", "port": 2, "group": "g1", "time": "2026-01-01T00:00:00.000Z", "fields": {"rssi": -80}}
    given = parser_input(record)
    assert [r["variable"] for r in given] == ["payload", "port", "fport", "rssi"]
    assert all(r["group"] == "g1" and r["time"] == "2026-01-01T00:00:00.000Z" for r in given)


def test_read_ts013_accepts_the_contract_and_the_legacy_forms():
    assert read_ts013({"data": {"t": 1}, "warnings": ["low battery"]}, "decodeUplink") == (
        {"t": 1},
        [],
        ["low battery"],
    )
    assert read_ts013({"t": 1}, "Decoder") == ({"t": 1}, [], [])
    assert read_ts013({"errors": ["unknown port"]}, "decodeUplink") == (None, ["unknown port"], [])
    assert read_ts013({"errors": "one"}, "decodeUplink")[1] == ["one"]
    assert len(read_ts013({"errors": ["e"] * 100}, "decodeUplink")[1]) == MAX_MESSAGES


@pytest.mark.parametrize(
    ("result", "routine", "message"),
    [
        (None, "decodeUplink", "decodeUplink must return an object, got null"),
        ([1], "decodeUplink", "must return an object, got array"),
        ({"warnings": []}, "decodeUplink", "must return data as an object, got null"),
        ({"data": 5}, "decodeUplink", "data as an object, got number"),
        (7, "Decode", "Decode must return data as an object, got number"),
        ({"data": {}, "errors": {"a": 1}}, "decodeUplink", "errors must be a list of strings, got object"),
    ],
)
def test_read_ts013_refuses_other_shapes(result, routine, message):
    with pytest.raises(ContractViolation, match=message):
        read_ts013(result, routine)


def test_read_tagoio():
    records = [{"variable": "temperature", "value": 21.5, "unit": "C"}]
    assert read_tagoio(records) == records
    assert read_tagoio({"variable": "x", "value": 1}) == [{"variable": "x", "value": 1}]
    assert read_tagoio([]) == []
    for wrong, message in [
        ("text", "got string"),
        ([1], "item 0 must be an object"),
        ([{"value": 1}], "item 0 has no"),
    ]:
        with pytest.raises(ContractViolation, match=message):
            read_tagoio(wrong)


def test_a_successful_decode_is_kept_beside_the_raw_payload():
    built = {"payload": "0a6f", "flags": []}
    record = record_of(built, Decoding("acme@2", decoded={"t": 26.7}, warnings=["w"]))
    assert built == {"payload": "0a6f", "flags": []}  # a new record: the built one is left as it was
    assert record == {
        "payload": "0a6f",
        "flags": [],
        "decoded": {"t": 26.7},
        "decoder": {"connector": "acme@2", "errors": [], "warnings": ["w"]},
    }


def test_a_failed_decode_keeps_the_reason_and_flags_the_record():
    built = {"payload": "0a6f", "flags": ["time_not_parsed"]}
    record = record_of(built, Decoding.failure("acme@2", "script error: TypeError: x is undefined"))
    assert built["flags"] == ["time_not_parsed"]
    assert "decoded" not in record
    assert record["flags"] == ["time_not_parsed", FLAG_DECODE_FAILED]
    assert record["decoder"]["errors"] == ["script error: TypeError: x is undefined"]


def test_decoded_variables():
    nested = {"decoded": {"battery": {"voltage": 3.1}, "latitude": 52.1, "longitude": 4.3}}
    names = {v["variable"]: v["value"] for v in decoded_variables(nested)}
    assert names == {"battery_voltage": 3.1, "location": "52.1, 4.3"}
    tagoio = [{"variable": "temperature", "value": 1, "unit": "C"}]
    assert decoded_variables({"decoded": tagoio}) == tagoio
    assert decoded_variables({"payload": "00"}) == []
