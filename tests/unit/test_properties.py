"""Properties of the pure core on any input: it answers with data or a domain error, never with a crash."""

from __future__ import annotations

import re
from collections import Counter

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inlet.core.mapping import TARGETS, FieldMap, parse_mapping
from inlet.core.request import HttpRequest, parse_items
from inlet.core.uplink import map_item
from inlet.core.values import canonical_serial, iso_time, normalise_port, payload_to_hex
from inlet.core.variables import variables_of
from inlet.errors import BadRequest, InletError

pytestmark = pytest.mark.unit

VALID_NAME = re.compile(r"^[a-z0-9_]{1,100}$")
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
COORDINATE_KEYS = {"lat", "latitude", "Latitude", "lng", "lon", "long", "longitude", "Longitude"}
# Keys the detectors and the default mappings look at, so that generated items hit every format's code path.
NATIVE_KEYS = (
    "serial", "payload", "port", "time", "lat", "lng", "latitude", "longitude", "end_device_ids", "uplink_message",
    "dev_eui", "frm_payload", "f_port", "DevEUI_uplink", "DevEUI", "payload_hex", "FPort", "deviceInfo", "devEui",
    "data", "fPort", "type", "meta", "device", "params", "endDevice", "v", "EUI", "cmd", "PDU", "pdu", "Port",
    "hardware_serial", "payload_raw", "devEUI", "applicationID", "rxInfo", "mac", "computedLocation", "0", "1", "",
)  # fmt: skip
SETTINGS = settings(max_examples=300, deadline=None)

keys = st.sampled_from(NATIVE_KEYS) | st.text(max_size=12)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)  # what orjson parses as int
    | st.floats(allow_nan=False, allow_infinity=False)  # orjson refuses NaN and Infinity
    | st.text(max_size=24)
    | st.sampled_from(["AQwq/w==", "0011AA", "AASjCwAfLj0=", "1715678467", "2024-05-14T09:21:07.412387654Z", "85"])
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=25
)
items = st.dictionaries(keys, json_values, max_size=8)
paths = st.lists(st.sampled_from(NATIVE_KEYS) | st.sampled_from(["0", "1", "x", "²"]), min_size=1, max_size=3).map(
    ".".join
)
segments = st.tuples(
    st.sampled_from((*TARGETS, "SERIAL", " port ", "bogus", "")), st.sampled_from(["=", "", "=="]), paths
)
mappings = (
    st.none() | st.lists(segments.map("".join), max_size=4).map(";".join) | st.text("serialpyodtm=;. 0", max_size=30)
)
queries = st.dictionaries(
    st.sampled_from(["serial", "port", "LrnDevEui", "LrnFPort", "devEUI", "time"]), st.text(max_size=10)
)


@SETTINGS
@given(value=json_values)
def test_parse_items_returns_objects_or_a_domain_error(value):
    request = HttpRequest(headers={"content-type": "application/json"}, query={}, body=orjson.dumps(value))
    try:
        result = parse_items(request, max_items=3)
    except InletError:
        return
    assert isinstance(result, list) and result
    assert all(isinstance(item, dict) for item in result)


@SETTINGS
@given(body=st.binary(max_size=64), content_type=st.sampled_from([None, "application/json", "text/plain"]))
def test_parse_items_on_arbitrary_bytes_returns_objects_or_a_domain_error(body, content_type):
    headers = {"content-type": content_type} if content_type else {}
    try:
        result = parse_items(HttpRequest(headers=headers, query={}, body=body), max_items=3)
    except InletError:
        return
    assert all(isinstance(item, dict) for item in result)


@SETTINGS
@given(text=st.text(max_size=60) | mappings)
def test_parse_mapping_returns_a_field_map_or_a_bad_request(text):
    try:
        mapping = parse_mapping(text)
    except BadRequest:
        return
    assert mapping is None or isinstance(mapping, FieldMap)
    for path in mapping.paths() if mapping else []:
        assert path and all(segment and "." not in segment for segment in path)


@SETTINGS
@given(item=items, text=mappings, query=queries)
def test_map_item_never_raises_and_makes_valid_variables(item, text, query):
    try:
        mapping = parse_mapping(text)
    except BadRequest:
        mapping = None
    uplink = map_item(0, item, query, mapping)

    names = [v["variable"] for v in uplink.variables]
    assert all(VALID_NAME.match(name) for name in names), names
    assert len(names) == len(set(names))
    assert all(type(v["value"]) in (str, int, float, bool) for v in uplink.variables)
    assert uplink.serial is None or (uplink.serial and uplink.serial == uplink.serial.strip())
    assert uplink.time is None or ISO_UTC.match(uplink.time)
    for encoding in (None, "hex", "base64", "auto"):
        payload, ok = payload_to_hex(uplink.payload, encoding)
        assert not ok or (isinstance(payload, str) and re.fullmatch(r"[0-9a-f]*", payload))


plain_keys = keys.filter(lambda key: key not in COORDINATE_KEYS)
plain_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(plain_keys, inner, max_size=5), max_leaves=25
)


def leaf_values(value: object):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for element in value:
            yield from leaf_values(element)
    elif value is not None:
        yield value


@SETTINGS
@given(item=st.dictionaries(plain_keys, plain_values, max_size=8))
def test_flatten_loses_nothing_and_invents_nothing(item):
    result = variables_of(item)
    assert Counter(repr(v["value"]) for v in result) == Counter(repr(leaf) for leaf in leaf_values(item))


@SETTINGS
@given(value=scalars | st.lists(scalars, max_size=2) | st.integers())
def test_value_normalisers_never_raise(value):
    canonical_serial(value)
    canonical_serial(value, "base64")
    normalise_port(value)
    time = iso_time(value)
    assert time is None or ISO_UTC.match(time)
