"""Lake rows from stored records: every column, per network server, through the stored item and back."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from inlet.adapters.lake_firehose import MAX_RECORD_BYTES, ROWS_PER_RECORD, pack
from inlet.adapters.record_items import from_item, to_item
from inlet.core.decoding.outcome import Decoding
from inlet.core.lake.radio import FRAME_COUNTER_NAMES, GATEWAY_PLACES
from inlet.core.lake.rows import lake_row, numeric_values, prefix_of
from inlet.core.lake.schema import COLUMNS, SCHEMA_VERSION
from inlet.core.records import build_record, encode_document
from inlet.core.records import record_of as with_decoding
from inlet.core.uplink import map_item

pytestmark = pytest.mark.unit

FIXTURE_DIR = Path(__file__).parents[1] / "fixtures" / "lns"
RECEIVED = "2026-12-01T10:00:00.123Z"

# (gateway ids, frame counter) of each fixture, read by hand from the file.
EXPECTED = {
    "actility": (["100019D4", "1000227B"], 2207),  # Lrrs.Lrr[].Lrrid, FCntUp
    "actility_strings": (["29000A1B"], 88),  # "FCntUp": "88": ThingPark's older samples quote numbers
    "chirpstack_v3": (["b827ebfffe5c1d30"], 77),
    "chirpstack_v3_json": (["uCfr//5cHTA="], 0),  # the Protobuf-JSON marshaler's base64 gateway id, as sent
    "chirpstack_v4": (["0016c001ff1e5a77"], 342),
    "everynet": (["b827ebfffe61c2a4"], 96),
    "generic": ([], None),
    "helium": (["curly-ruby-mole"], 19),
    "kerlink_wanesy": (["7276FF000B0324E2"], 506),
    "loriot": ([], 2981),  # an "rx" message names no gateway
    "loriot_encdata": ([], 5),
    "loriot_gw": (["7076FF0056080B11", "7076FF0056080B42"], 12),
    "milesight": (["24e124fffef0b12a"], 1402),
    "netmore": (["7076FF0064030A11"], 5531),  # the gateway's EUI rather than its "000" identifier
    "senet": (["00250C00010003F1"], 1021),
    "senet_legacy": (["00250C00010003F2"], 330),
    "sigfox": (["A1B2", "C3D4"], 2284),  # duplicates[].bsId
    "ttn_v2": (["eui-b827ebfffe8b01dd"], 4312),
    "tts_v3": (["greenhouse-gw-1"], 1187),
}


def stored(record: dict) -> dict:
    """The record as the Records table gives it back (what the stream, the backfill and the local stack read)."""
    encode_document(record)
    return from_item(to_item(record))


def record_of(item: dict, key_id: str | None = "0123456789abcdef") -> dict:
    uplink = map_item(0, item, {}, None)
    return build_record(uplink, "acme", "a" * 24, RECEIVED, None, None, key_id=key_id)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_format_gives_the_gateways_and_frame_counter_of_its_fixture(name):
    row = lake_row(stored(record_of(json.loads((FIXTURE_DIR / f"{name}.json").read_text())["item"])))
    assert (row["gateways"], row["frame_counter"]) == EXPECTED[name]
    assert row["network"] == json.loads((FIXTURE_DIR / f"{name}.json").read_text())["format"]


def test_every_format_has_its_places():
    formats = {json.loads(p.read_text())["format"] for p in FIXTURE_DIR.glob("*.json")}
    assert set(GATEWAY_PLACES) == set(FRAME_COUNTER_NAMES) == formats


def test_a_decoded_tts_uplink_fills_every_uplink_column():
    item = json.loads((FIXTURE_DIR / "tts_v3.json").read_text())["item"]
    record = record_of(item)
    decoded = {"temperature": 21.5, "battery": {"voltage": 3.1}, "ok": True, "label": "x", "count": 3}
    record = with_decoding(record, Decoding("ts013-sensor@2", decoded=decoded))
    row = lake_row(stored(record))
    assert set(row) == {c.name for c in COLUMNS} | {"table", "tenant", "day"}
    assert row["table"] == "uplinks" and row["tenant"] == "acme" and row["day"] == "2026-12-01"
    assert row["id"] == "a" * 24 + "-0" and row["received_at"] == RECEIVED
    assert row["rssi"] == -87.0 and row["snr"] == 7.25
    assert row["key_id"] == "0123456789abcdef"
    assert row["decoded"] == {"temperature": 21.5, "battery_voltage": 3.1, "count": 3.0}  # numbers only, flattened
    assert json.loads(row["decoded_json"]) == decoded  # everything, as the decoder returned it
    assert row["decoder"] == "ts013-sensor@2" and row["decode_failed"] is False and row["decode_error"] is None
    assert row["schema_version"] == SCHEMA_VERSION
    assert prefix_of(row) == "uplinks/tenant=acme/day=2026-12-01"
    assert row["event"] is None and row["event_json"] is None


def test_a_failed_decode_says_so_and_keeps_the_payload():
    record = record_of({"serial": "AA-BB-01", "payload": "0011aa", "port": 10})
    record = with_decoding(record, Decoding.failure("broken@1", "TypeError: x is undefined"))
    row = lake_row(stored(record))
    assert row["decode_failed"] is True and row["decode_error"] == "TypeError: x is undefined"
    assert row["payload"] == "0011aa" and row["port"] == 10 and row["decoded"] == {}
    assert "decode_failed" in row["flags"]


def test_a_tagoio_result_list_gives_its_numeric_variables():
    decoded = [{"variable": "temperature", "value": 20}, {"variable": "mode", "value": "eco"}]
    decoded += [{"variable": "temperature", "value": 99}, {"variable": "nan", "value": float("nan")}]
    record = {"decoded": decoded}
    assert numeric_values(record) == {"temperature": 20.0}  # the first of a name, finite numbers only


def test_records_without_a_key_id_read_null():
    row = lake_row(stored(record_of({"serial": "AA-BB-01", "payload": "00"}, key_id=None)))
    assert row["key_id"] is None


def test_rows_are_packed_within_firehose_limits():
    rows = [{"id": str(i), "pad": "x" * 100} for i in range(1234)]
    records = pack(rows)
    assert [len(r.splitlines()) for r in records] == [ROWS_PER_RECORD, ROWS_PER_RECORD, 234]
    assert [orjson.loads(line)["id"] for r in records for line in r.splitlines()] == [str(i) for i in range(1234)]
    big = [{"id": str(i), "pad": "x" * 300_000} for i in range(7)]
    assert all(len(r) <= MAX_RECORD_BYTES for r in pack(big)) and len(pack(big)) == 3


def test_without_inlet_decoding_the_network_servers_decoded_payload_is_used():
    item = json.loads((FIXTURE_DIR / "tts_v3.json").read_text())["item"]
    expected = item["uplink_message"]["decoded_payload"]
    row = lake_row(stored(record_of(item)))
    assert row["decoder"] == "network:tts_v3"
    assert row["decoded"] == {k: float(v) for k, v in expected.items() if isinstance(v, (int, float))}
    assert row["decoded"] and json.loads(row["decoded_json"]) == expected


def test_a_flat_items_other_numeric_fields_are_its_values():
    item = {"serial": "AA-BB-01", "payload": "00", "temperature": 21.5, "battery": 3, "rssi": -70, "fcnt": 9, "x": "y"}
    row = lake_row(stored(record_of(item)))
    assert row["decoded"] == {"temperature": 21.5, "battery": 3.0}  # not the radio's rssi nor the frame counter
    assert row["decoder"] == "fields" and row["rssi"] == -70.0 and row["frame_counter"] == 9
