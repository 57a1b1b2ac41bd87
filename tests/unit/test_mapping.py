"""The key's Additional Parameter: parsing, dot paths, and the query-string fallback."""

from __future__ import annotations

import pytest
from inlet.core.mapping import FieldMap, get_path, parse_mapping
from inlet.core.uplink import map_item
from inlet.errors import BadRequest

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text", [None, "", "   ", ";", " ; ;"])
def test_empty_mapping_means_auto_detect(text):
    assert parse_mapping(text) is None


def test_spec_example_is_parsed():
    assert parse_mapping("serial=devaddr;payload=payload_raw;port=fport") == FieldMap(
        serial=("devaddr",), payload=("payload_raw",), port=("fport",)
    )


def test_whitespace_around_targets_paths_and_segments_is_ignored():
    assert parse_mapping("  serial = devaddr ;\tpayload= payload_raw ;port =fport  ") == FieldMap(
        serial=("devaddr",), payload=("payload_raw",), port=("fport",)
    )


def test_trailing_and_repeated_separators_are_tolerated():
    assert parse_mapping(";serial=devaddr;;port=fport;") == FieldMap(serial=("devaddr",), port=("fport",))


def test_target_names_are_case_insensitive_but_paths_keep_their_case():
    assert parse_mapping("SERIAL=DevEUI_uplink.DevEUI;Port=FPort") == FieldMap(
        serial=("DevEUI_uplink", "DevEUI"), port=("FPort",)
    )


def test_time_and_coordinates_can_be_mapped():
    mapping = parse_mapping("serial=id;time=meta.ts;latitude=gps.lat;longitude=gps.lon")
    assert mapping == FieldMap(serial=("id",), time=("meta", "ts"), latitude=("gps", "lat"), longitude=("gps", "lon"))


@pytest.mark.parametrize(
    ("text", "segment"),
    [
        ("serial=devaddr;fport=f_port", "fport=f_port"),
        ("serial", "serial"),
        ("serial=", "serial="),
        ("serial=.", "serial=."),
        ("=devaddr", "=devaddr"),
        ("device=id", "device=id"),
    ],
)
def test_invalid_segment_is_a_bad_request_naming_it(text, segment):
    with pytest.raises(BadRequest) as error:
        parse_mapping(text)
    assert repr(segment) in error.value.message
    assert "serial" in error.value.message  # says what is expected


def test_dot_paths_with_array_indexes_work_for_every_target():
    # Given an item where every target sits inside an array
    item = {
        "rxInfo": [
            {"gatewayId": "aa01", "port": "7", "time": 1715678467, "loc": {"lat": 10.5, "lng": -3.25}, "rssi": -90},
            {"data": "CAFE"},
        ]
    }
    mapping = parse_mapping(
        "serial=rxInfo.0.gatewayId;payload=rxInfo.1.data;port=rxInfo.0.port;time=rxInfo.0.time;"
        "latitude=rxInfo.0.loc.lat;longitude=rxInfo.0.loc.lng"
    )
    # When it is mapped
    uplink = map_item(0, item, {}, mapping)
    # Then each target is found, and consumed: only the other leaves remain as variables
    assert (uplink.serial, uplink.payload, uplink.port, uplink.time) == ("AA01", "CAFE", 7, "2024-05-14T09:21:07.000Z")
    assert uplink.variables == [
        {"variable": "location", "value": "10.5, -3.25", "location": {"lat": 10.5, "lng": -3.25}},
        {"variable": "rxinfo_0_rssi", "value": -90},
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("a", "0", "b"), 1),
        (("a", "1"), 0),  # falsy values are found, not "missing"
        (("a", "2"), None),  # out of range
        (("a", "x"), None),  # not an index
        (("a", "-1"), None),  # no negative indexes
        (("a", "²"), None),  # a unicode digit that int() refuses
        pytest.param(("a", "9" * 5000), None, id="5000-digits"),  # more digits than int() accepts
        (("a", "0", "b", "c"), None),  # through a scalar
        (("missing",), None),
        (("flag",), False),
    ],
)
def test_get_path(path, expected):
    assert get_path({"a": [{"b": 1}, 0], "flag": False}, path) == expected


def test_a_numeric_key_of_an_object_is_a_key_not_an_index():
    assert get_path({"a": {"0": "zero"}}, ("a", "0")) == "zero"


def test_mapped_fields_fall_back_to_the_query_string():
    # Given the spec's mapping, and a caller that puts devaddr and fport in the URL
    mapping = parse_mapping("serial=devaddr;payload=payload_raw;port=fport")
    # When the body has only the payload
    uplink = map_item(0, {"payload_raw": "0011AA", "temp": 20}, {"devaddr": "12bab34b54", "fport": "10"}, mapping)
    # Then serial and port come from the query
    assert (uplink.serial, uplink.payload, uplink.port) == ("12BAB34B54", "0011AA", 10)
    assert uplink.variables == [{"variable": "temp", "value": 20}]


def test_nested_mapped_serial_falls_back_to_the_dotted_query_name():
    uplink = map_item(0, {"temp": 20}, {"deviceInfo.serial": "aa-bb"}, parse_mapping("serial=deviceInfo.serial"))
    assert uplink.serial == "AA-BB"


def test_mapping_overrides_only_the_targets_it_names():
    # Given a TTS uplink and a key that only re-maps the serial
    item = {
        "end_device_ids": {"device_id": "meter-7", "dev_eui": "70B3D57ED005A1B2"},
        "uplink_message": {"f_port": 3, "frm_payload": "AQI="},
    }
    uplink = map_item(0, item, {}, parse_mapping("serial=end_device_ids.device_id"))
    # Then payload and port still come from detection, and the unused dev_eui stays a variable
    assert (uplink.serial, uplink.payload, uplink.port) == ("METER-7", "AQI=", 3)
    assert {"variable": "end_device_ids_dev_eui", "value": "70B3D57ED005A1B2"} in uplink.variables


def test_mapped_coordinates_out_of_range_stay_plain_variables():
    mapping = parse_mapping("serial=id;latitude=pos.y;longitude=pos.x")
    uplink = map_item(0, {"id": "n1", "pos": {"y": 123.0, "x": 4.0}}, {}, mapping)
    assert uplink.variables == [{"variable": "pos_y", "value": 123.0}, {"variable": "pos_x", "value": 4.0}]


def test_unparseable_mapped_time_is_flagged_and_kept():
    uplink = map_item(0, {"id": "n1", "ts": "last tuesday"}, {}, parse_mapping("serial=id;time=ts"))
    assert uplink.time is None
    assert uplink.flags == ["time_not_parsed"]
    assert uplink.variables == [{"variable": "ts", "value": "last tuesday"}]
