"""RSSI and SNR of a stored uplink, per network server format (the fixtures in tests/fixtures/lns)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inlet.core.link_health import NO_SIGNAL, PLACES, Signal, signal_of
from inlet.core.records import build_record, encode_document
from inlet.core.uplink import map_item
from inlet.core.variables import variables_of

pytestmark = pytest.mark.unit

FIXTURE_DIR = Path(__file__).parents[1] / "fixtures" / "lns"

# (rssi, snr, gateways with a reading) of each fixture, read by hand from the file.
EXPECTED = {
    "actility": (-109.0, -2.25, 1),  # the top-level LrrRSSI/LrrSNR: ThingPark's best base station
    "actility_strings": (-80.0, 9.75, 1),
    "chirpstack_v3": (-92.0, 6.8, 1),
    "chirpstack_v3_json": (-95.0, 4.5, 1),
    "chirpstack_v4": (-104.0, -3.5, 1),
    "everynet": (-115.0, -4.8, 1),
    "generic": (-71.0, None, 1),
    "helium": (-110.0, 5.5, 1),
    "kerlink_wanesy": (-73.0, 10.5, 1),
    "loriot": (-101.0, 8.2, 1),
    "loriot_encdata": (-99.0, 9.0, 1),
    "loriot_gw": (-117.0, -6.5, 2),  # the stronger of two gateways, with its own SNR
    "milesight": (-57.0, 13.2, 1),
    "netmore": (-97.0, 8.2, 1),
    "senet": (-98.0, 7.5, 1),
    "senet_legacy": (-101.0, 4.25, 1),
    "sigfox": (-121.0, None, 2),
    "ttn_v2": (-64.0, 9.5, 1),
    "tts_v3": (-87.0, 7.25, 1),
}


def stored(item: dict) -> dict:
    """The record of an item as ``inlet records`` reads it back: format and variables."""
    uplink = map_item(0, item, {}, None)
    record = build_record(uplink, "t", "g" * 24, "2026-12-01T10:00:00.000Z", None, None)
    encode_document(record)
    return {"format": record["format"], "variables": variables_of(record["fields"], record["location"])}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_format_gives_the_rssi_and_snr_of_its_fixture(name):
    fixture = json.loads((FIXTURE_DIR / f"{name}.json").read_text())
    record = stored(fixture["item"])
    assert record["format"] == fixture["format"]
    assert signal_of(record) == Signal(*EXPECTED[name])


def test_every_fixture_and_every_format_is_covered():
    assert {p.stem for p in FIXTURE_DIR.glob("*.json")} == set(EXPECTED)
    assert {json.loads(p.read_text())["format"] for p in FIXTURE_DIR.glob("*.json")} == set(PLACES)


def test_the_strongest_gateway_wins_with_its_own_snr():
    item = {
        "end_device_ids": {"dev_eui": "70B3D57ED0000001"},
        "uplink_message": {
            "frm_payload": "AQ==",
            "rx_metadata": [{"rssi": -120, "snr": 9.0}, {"rssi": -90, "snr": -1.5}, {"snr": 12.0}],
        },
    }
    assert signal_of(stored(item)) == Signal(-90.0, -1.5, 3)


def test_tts_falls_back_to_channel_rssi():
    item = {"end_device_ids": {"dev_eui": "X"}, "uplink_message": {"rx_metadata": [{"channel_rssi": -99, "snr": 2}]}}
    assert signal_of(stored(item)) == Signal(-99.0, 2.0, 1)


def test_gateway_lists_beyond_ten_are_read_in_index_order():
    gateways = [{"rssi": -130 + i, "snr": float(i)} for i in range(12)]
    item = {"deviceInfo": {"devEui": "0016C001FF1E5A77"}, "data": "AQ==", "rxInfo": gateways}
    assert signal_of(stored(item)) == Signal(-119.0, 11.0, 12)


@pytest.mark.parametrize(
    "item",
    [
        {"serial": "A", "payload": "01"},  # no radio metadata
        {"serial": "A", "rssi": "strong", "snr": None},  # not numbers
        {"serial": "A", "rssi": True, "snr": "nan"},  # a bool is not a reading, NaN is not finite
        {"EUI": "A", "cmd": "rx", "gws": []},
    ],
)
def test_no_reading_gives_no_signal(item):
    assert signal_of(stored(item)) == NO_SIGNAL


def test_unknown_format_or_missing_variables_give_no_signal():
    assert signal_of({"format": "other", "variables": [{"variable": "rssi", "value": -50}]}) == NO_SIGNAL
    assert signal_of({}) == NO_SIGNAL
