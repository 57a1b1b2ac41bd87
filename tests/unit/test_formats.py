"""Auto-detection and mapping of every native LNS uplink format (fixtures in tests/fixtures/lns)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from inlet.core.mapping import parse_mapping
from inlet.core.network_servers import FORMATS_BY_ID, detect_format
from inlet.core.uplink import map_item
from inlet.core.values import payload_to_hex

pytestmark = pytest.mark.unit

FIXTURE_DIR = Path(__file__).parents[1] / "fixtures" / "lns"
FIXTURES = sorted(FIXTURE_DIR.glob("*.json"))
COORDINATE_KEYS = {"lat", "latitude", "Latitude", "lng", "lon", "long", "longitude", "Longitude"}

# The "Additional Parameter" column of shared/notes/lns-formats.md, per format id.
ADDITIONAL_PARAMETER = {
    "tts_v3": "serial=end_device_ids.dev_eui;payload=uplink_message.frm_payload;port=uplink_message.f_port",
    "chirpstack_v4": "serial=deviceInfo.devEui;payload=data;port=fPort",
    "chirpstack_v3": "serial=devEUI;payload=data;port=fPort",
    "chirpstack_v3_json": "serial=devEUI;payload=data;port=fPort",
    "helium": "serial=dev_eui;payload=payload;port=port",
    "loriot": "serial=EUI;payload=data;port=port",
    "actility": "serial=DevEUI_uplink.DevEUI;payload=DevEUI_uplink.payload_hex;port=DevEUI_uplink.FPort",
    "kerlink_wanesy": "serial=endDevice.devEui;payload=payload;port=fPort",
    "everynet": "serial=meta.device;payload=params.payload;port=params.port",
    "senet": "serial=devEui;payload=pdu;port=port",
    "senet_legacy": "serial=EUI;payload=PDU;port=Port",
    "milesight": "serial=devEUI;payload=data;port=fPort",
    "netmore": "serial=v.devEui;payload=v.payload;port=v.fPort",
    "sigfox": "serial=device;payload=data",
    "ttn_v2": "serial=hardware_serial;payload=payload_raw;port=port",
    "generic": "serial=serial;payload=payload;port=port",
}

# A few variables each fixture must produce, by name (location variables included).
EXPECTED_VARIABLES = {
    "tts_v3": [
        "uplink_message_rx_metadata_0_rssi",
        "uplink_message_decoded_payload_temperature",
        "received_at",
        "end_device_ids_application_ids_application_id",
        "uplink_message_rx_metadata_0_location",
    ],
    "chirpstack_v4": [
        "deviceinfo_devicename",
        "rxinfo_0_snr",
        "txinfo_modulation_lora_spreadingfactor",
        "object_volume_l",
        "rxinfo_0_location",
        "deviceinfo_tags_building",
    ],
    "chirpstack_v3": ["rxinfo_0_lorasnr", "txinfo_dr", "object_occupied", "rxinfo_0_location", "devicename"],
    "chirpstack_v3_json": ["rxinfo_0_gatewayid", "objectjson", "devaddr", "fcnt", "rxinfo_0_location"],
    "helium": ["hotspots_0_rssi", "hotspots_0_location", "metadata_labels_0_name", "fcnt", "payload_size"],
    "loriot": ["cmd", "fcnt", "rssi", "snr", "dr", "bat"],
    "loriot_gw": ["gws_0_rssi", "gws_1_gweui", "gws_0_location", "gws_1_location", "freq"],
    "loriot_encdata": ["encdata", "fcnt", "rssi"],
    "actility": [
        "deveui_uplink_lrrrssi",
        "deveui_uplink_lrrs_lrr_1_lrrid",
        "deveui_uplink_fcntup",
        "deveui_uplink_lrrlat",
    ],
    "actility_strings": ["deveui_uplink_lrrrssi", "deveui_uplink_customerdata_alr_pro", "deveui_uplink_spfact"],
    "kerlink_wanesy": ["gwinfo_0_rssi", "gwinfo_0_location", "encodingtype", "enddevice_devaddr", "fcntup"],
    "everynet": [
        "params_radio_hardware_rssi",
        "params_radio_hardware_gps_location",
        "meta_packet_hash",
        "params_encrypted_payload",
        "params_counter_up",
    ],
    "senet": ["gweui", "seqno", "rssi"],
    "senet_legacy": ["gw", "rssi", "seqno", "freq"],
    "milesight": ["rxinfo_0_mac", "rxinfo_0_location", "txinfo_datarate_spreadfactor", "fcnt"],
    "netmore": ["t", "v_sensortype", "v_rssi", "v_gateways_0_gweui", "location"],
    "sigfox": ["seqnumber", "location", "computedlocation_radius", "duplicates_1_bsid"],
    "ttn_v2": ["metadata_gateways_0_rssi", "metadata_gateways_0_location", "payload_fields_wind_ms", "counter"],
    "generic": ["battery", "rssi", "location"],
}


def load(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.fixture(params=FIXTURES, ids=lambda path: path.stem)
def fixture(request: pytest.FixtureRequest) -> dict:
    return {**load(request.param), "name": request.param.stem}


def leaves(obj: object, path: tuple[str, ...] = ()):
    """Every non-null leaf of a JSON value with its path (independent of the code under test)."""
    if isinstance(obj, dict):
        pairs = obj.items()
    elif isinstance(obj, list):
        pairs = ((str(i), v) for i, v in enumerate(obj))
    else:
        yield path
        return
    for key, value in pairs:
        if value is not None:
            yield from leaves(value, (*path, key))


def name_of(path: tuple[str, ...]) -> str:
    return "_".join(re.sub(r"[^a-z0-9_]", "_", segment.lower()) for segment in path)


def test_there_is_a_fixture_for_every_format():
    assert {load(path)["format"] for path in FIXTURES} == set(FORMATS_BY_ID)


def test_fixture_is_detected_as_its_format(fixture):
    assert detect_format(fixture["item"]).id == fixture["format"]


def test_fixture_maps_to_expected_serial_payload_port_time(fixture):
    # Given a native uplink, When it is mapped with auto-detection
    uplink = map_item(0, fixture["item"], {}, None)
    payload, ok = payload_to_hex(uplink.payload, uplink.payload_encoding)
    # Then the normalised fields are the ones the LNS meant
    expect = fixture["expect"]
    assert uplink.serial == expect["serial"]
    assert payload == expect["payload"]
    assert ok is (expect["payload"] is not None)
    assert uplink.port == expect["port"]
    assert uplink.time == expect["time"]
    assert uplink.flags == []


def test_consumed_fields_are_not_variables_and_every_other_leaf_is(fixture):
    item = fixture["item"]
    fields = FORMATS_BY_ID[fixture["format"]].fields
    consumed = {path for path in (fields.serial, fields.payload, fields.port, fields.time) if path}
    uplink = map_item(0, item, {}, None)
    names = {v["variable"] for v in uplink.variables}
    plain = {v["variable"] for v in uplink.variables if "location" not in v}

    for path in leaves(item):
        if path in consumed:
            assert name_of(path) not in names
        elif path[-1] not in COORDINATE_KEYS:  # coordinates may have become one location variable
            assert name_of(path) in names
    assert plain <= {name_of(path) for path in leaves(item)}  # nothing invented
    assert set(EXPECTED_VARIABLES[fixture["name"]]) <= names


def test_location_variables_carry_coordinates(fixture):
    uplink = map_item(0, fixture["item"], {}, None)
    for variable in (v for v in uplink.variables if "location" in v):
        lat, lng = variable["location"]["lat"], variable["location"]["lng"]
        assert -90 <= lat <= 90 and -180 <= lng <= 180
        assert variable["value"] == f"{lat}, {lng}"


def test_additional_parameter_mapping_gives_the_same_result_as_detection(fixture):
    # Given the Additional Parameter documented for the LNS
    mapping = parse_mapping(ADDITIONAL_PARAMETER[fixture["format"]])
    # When the item is mapped with it and without it
    mapped = map_item(0, fixture["item"], {}, mapping)
    detected = map_item(0, fixture["item"], {}, None)
    # Then serial, payload and port agree
    assert (mapped.serial, mapped.payload, mapped.port) == (detected.serial, detected.payload, detected.port)
    assert mapped.serial == fixture["expect"]["serial"]


def test_generic_serial_in_query_and_the_rest_in_the_body():
    item = {"payload": "0011AA", "port": 10, "battery": 3.6}
    uplink = map_item(0, item, {"serial": "aa-bb-01"}, None)
    assert (uplink.format, uplink.serial, uplink.payload, uplink.port) == ("generic", "AA-BB-01", "0011AA", 10)
    assert [v["variable"] for v in uplink.variables] == ["battery"]


def test_body_wins_over_query_for_the_same_field():
    uplink = map_item(0, {"serial": "from-body"}, {"serial": "from-query"}, None)
    assert uplink.serial == "FROM-BODY"


def test_thingpark_falls_back_to_lrn_query_parameters():
    # Given a ThingPark body without DevEUI/FPort, and the LRC tunnel's query string
    item = {"DevEUI_uplink": {"Time": "2024-05-14T09:21:07.412Z", "payload_hex": "00C8", "FCntUp": 3}}
    query = {"LrnDevEui": "20635f0106000326", "LrnFPort": "4", "LrnInfos": "TWA_100000000.000.AS-1"}
    # When it is mapped
    uplink = map_item(0, item, query, None)
    # Then serial and port come from the query
    assert (uplink.format, uplink.serial, uplink.port) == ("actility", "20635F0106000326", 4)
    assert payload_to_hex(uplink.payload, uplink.payload_encoding) == ("00c8", True)


def test_thingpark_body_wins_over_lrn_query_parameters():
    item = {"DevEUI_uplink": {"DevEUI": "20635F0106000327", "FPort": 2, "payload_hex": "00"}}
    uplink = map_item(0, item, {"LrnDevEui": "FFFFFFFFFFFFFFFF", "LrnFPort": "9"}, None)
    assert (uplink.serial, uplink.port) == ("20635F0106000327", 2)


def test_a_mapped_serial_is_not_base64_decoded_like_the_native_one():
    # Given a ChirpStack v3 protobuf-JSON item whose deviceName happens to be valid base64
    item = {**load(FIXTURE_DIR / "chirpstack_v3_json.json")["item"], "deviceName": "cafe"}
    # When the key maps the serial to deviceName
    uplink = map_item(0, item, {}, parse_mapping("serial=deviceName"))
    # Then the name is kept as text, while the native devEUI field would have been decoded
    assert uplink.serial == "CAFE"
    assert map_item(0, item, {}, parse_mapping("serial=devEUI")).serial == "0004A30B001F2E3D"


def test_ttn_fport_zero_uplink_has_no_port_and_no_payload():
    # TTS leaves out zero values: an FPort-0 (MAC only) uplink has neither f_port nor frm_payload
    item = {"end_device_ids": {"dev_eui": "70B3D57ED005A1B2"}, "uplink_message": {"f_cnt": 9}}
    uplink = map_item(0, item, {}, None)
    assert (uplink.format, uplink.serial, uplink.payload, uplink.port) == ("tts_v3", "70B3D57ED005A1B2", None, None)


def test_unknown_shape_falls_back_to_generic():
    assert detect_format({"temperature": 21.5}).id == "generic"
    assert map_item(0, {"temperature": 21.5}, {}, None).serial is None


def test_loriot_encdata_is_kept_as_a_variable_not_as_payload():
    item = load(FIXTURE_DIR / "loriot_encdata.json")["item"]
    uplink = map_item(0, item, {}, None)
    assert uplink.payload is None
    assert {"variable": "encdata", "value": "9c07e14bd2"} in uplink.variables
