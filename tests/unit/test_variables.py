"""Flattening an item into TagoIO variables: full-path names that never collide, locations, skipped fields."""

from __future__ import annotations

import re

import orjson
import pytest
from inlet.core.consumed import without_paths
from inlet.core.variables import MAX_DEPTH, MAX_NAME, variables_of

pytestmark = pytest.mark.unit

VALID_NAME = re.compile(r"^[a-z0-9_]{1,100}$")


def variables(item: dict, consumed: list[tuple[str, ...]] | None = None) -> list[dict]:
    return variables_of(without_paths(item, consumed or []))


def names(item: dict) -> list[str]:
    return [v["variable"] for v in variables(item)]


def test_names_are_the_full_path():
    assert variables({"a": {"b": {"c": 1}}, "d": "x"}) == [
        {"variable": "a_b_c", "value": 1},
        {"variable": "d", "value": "x"},
    ]


def test_values_keep_their_json_type():
    values = {v["variable"]: v["value"] for v in variables({"i": 3, "f": -1.5, "b": False, "s": "0", "z": 0})}
    assert values == {"i": 3, "f": -1.5, "b": False, "s": "0", "z": 0}
    assert type(values["b"]) is bool


def test_paths_that_clean_to_the_same_name_stay_distinct():
    # Given two different paths that both read "a_b_c"
    result = variables({"a": {"b_c": 1}, "a_b": {"c": 2}})
    # Then both values survive under two different names
    assert [v["value"] for v in result] == [1, 2]
    assert result[0]["variable"] == "a_b_c"
    assert result[1]["variable"] != "a_b_c" and VALID_NAME.match(result[1]["variable"])


def test_keys_differing_only_in_case_stay_distinct():
    result = variables({"A": 1, "a": 2})
    assert len({v["variable"] for v in result}) == 2
    assert [v["value"] for v in result] == [1, 2]


def test_many_keys_cleaning_to_one_name_all_stay_distinct():
    item = {f"a{sep}": i for i, sep in enumerate(" .-=$*?!<>")}
    result = names(item)
    assert len(set(result)) == len(item)
    assert all(VALID_NAME.match(name) for name in result)


@pytest.mark.parametrize(
    ("key", "expected"),
    [("Temp °C", "temp__c"), ("a.b-c", "a_b_c"), ("RSSI", "rssi"), ("snr_dB", "snr_db"), ("ünï", "_n_")],
)
def test_names_are_lower_case_and_only_a_z_0_9_underscore(key, expected):
    assert names({key: 1}) == [expected]


def test_an_empty_key_still_gets_a_valid_name():
    (name,) = names({"": 1})
    assert VALID_NAME.match(name)


def test_long_names_are_shortened_to_100_chars_and_stay_distinct():
    # Given two keys that only differ after the 100th character
    item = {"k" * 150 + "a": 1, "k" * 150 + "b": 2}
    result = names(item)
    assert all(len(name) == MAX_NAME and VALID_NAME.match(name) for name in result)
    assert len(set(result)) == 2


def test_a_100_char_name_is_kept_as_is():
    assert names({"x" * 100: 1}) == ["x" * 100]


def test_nulls_and_empty_containers_are_dropped():
    assert variables({"a": None, "b": {}, "c": [], "d": [None], "e": {"f": None}, "g": 1}) == [
        {"variable": "g", "value": 1}
    ]


def test_arrays_are_indexed():
    assert names({"v": [10, {"x": 1}, [True]]}) == ["v_0", "v_1_x", "v_2_0"]


def test_a_lat_lng_pair_becomes_one_location_variable():
    assert variables({"lat": 48.85661, "lng": 2.35222, "alt": 35}) == [
        {"variable": "location", "value": "48.85661, 2.35222", "location": {"lat": 48.85661, "lng": 2.35222}},
        {"variable": "alt", "value": 35},
    ]


@pytest.mark.parametrize(
    ("item", "name"),
    [
        ({"gps": {"latitude": 1.5, "longitude": 2}}, "gps_location"),
        ({"gws": [{"lat": 1, "lon": 2}]}, "gws_0_location"),
        ({"rx": {"location": {"latitude": 1, "long": 2}}}, "rx_location"),  # no "location_location"
        ({"location": {"Latitude": "1.5", "Longitude": "-2"}}, "location"),
    ],
)
def test_nested_location_is_named_after_its_parent(item, name):
    (variable,) = variables(item)
    assert variable["variable"] == name
    assert set(variable["location"]) == {"lat", "lng"}
    assert all(isinstance(c, float) for c in variable["location"].values())


@pytest.mark.parametrize(
    "pair",
    [
        {"lat": 91, "lng": 0},
        {"lat": 0, "lng": 180.5},
        {"lat": "north", "lng": "east"},
        {"lat": True, "lng": 1},
        {"lat": {"deg": 1}, "lng": 2},
        {"lat": "nan", "lng": "1"},
    ],
)
def test_invalid_coordinates_stay_plain_variables(pair):
    result = variables(pair)
    assert not any("location" in v for v in result)
    assert {v["variable"] for v in result} >= {"lng"}


def test_latitude_without_longitude_is_a_plain_variable():
    assert variables({"lat": 1.0}) == [{"variable": "lat", "value": 1.0}]


def test_zero_coordinates_are_a_valid_location():
    assert variables_of({}, {"lat": 0.0, "lng": 0.0}) == [
        {"variable": "location", "value": "0.0, 0.0", "location": {"lat": 0.0, "lng": 0.0}}
    ]


def test_a_location_name_already_taken_gets_another_name():
    result = variables({"lat": 1, "lng": 2, "location": "office"})
    assert len({v["variable"] for v in result}) == 2
    assert result[0]["location"] == {"lat": 1.0, "lng": 2.0}


def test_a_field_named_like_the_mapped_location_gets_another_name():
    out = variables_of({"location": "office"}, {"lat": 1.0, "lng": 2.0})
    assert out[0]["variable"] == "location" and out[0]["location"] == {"lat": 1.0, "lng": 2.0}
    assert out[1]["value"] == "office" and out[1]["variable"] != "location"


def test_consumed_paths_are_skipped():
    item = {"uplink_message": {"f_port": 2, "f_cnt": 7, "rx": [{"rssi": -90, "snr": 5}]}, "eui": "x"}
    consumed = [("eui",), ("uplink_message", "f_port"), ("uplink_message", "rx", "0", "rssi")]
    assert names_of(variables(item, consumed)) == ["uplink_message_f_cnt", "uplink_message_rx_0_snr"]


def test_a_consumed_parent_hides_its_whole_subtree():
    assert names_of(variables({"a": {"b": 1, "c": 2}, "d": 3}, [("a", "b"), ("a",)])) == ["d"]
    assert names_of(variables({"a": {"b": 1, "c": 2}, "d": 3}, [("a",), ("a", "b")])) == ["d"]


def test_consumed_coordinates_do_not_form_a_location():
    result = variables({"lat": 1, "lng": 2}, [("lat",)])
    assert result == [{"variable": "lng", "value": 2}]


def test_deep_nesting_does_not_recurse_without_bound():
    # Given an item nested deeper than Python's recursion limit allows a naive walk
    item = orjson.loads(b'{"a":' * 1000 + b"1" + b"}" * 1000)
    # When it is flattened, Then the part beyond MAX_DEPTH is kept as JSON text in one variable
    (variable,) = variables(item)
    assert VALID_NAME.match(variable["variable"])
    assert variable["value"].startswith('{"a":{"a":') or variable["value"] == "[nested too deeply]"


def test_moderately_deep_nesting_is_kept_as_json_text():
    item = orjson.loads(b'{"a":' * (MAX_DEPTH + 2) + b"[1,2]" + b"}" * (MAX_DEPTH + 2))
    (variable,) = variables(item)
    assert orjson.loads(variable["value"]) == {"a": [1, 2]}
    assert variable["variable"] == "_".join(["a"] * (MAX_DEPTH + 1))


def names_of(result: list[dict]) -> list[str]:
    return [v["variable"] for v in result]
