"""Inlet's TagoIO records and key settings hold against TagoIO's own sources (API description, SDKs, connectors)."""

from __future__ import annotations

import pytest
from inlet.core.network_servers import FORMATS_BY_ID
from inlet.destinations.tagoio.records import DEVICE_TIME, port_variable, to_tagoio
from inlet.destinations.tagoio.settings import tagoio_settings

from tests.unit.test_tagoio_records import record as tagoio_record

pytestmark = pytest.mark.unit

PARAM = "/inlet/dev/tagoio/network"


def record(**changes) -> dict:
    """The conversion tests' record, from the generic schema unless a test names another format."""
    return tagoio_record(**{"format": "generic", **changes})


# --- the authorization: what TagoIO issues ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "authorization",
    [
        "at72fb69a8dc714059b6cebee41693eb0",  # the API description's own example: "at" + 31 hex digits
        "at" + "ab" * 16,
        "2c9a5e7e-5a4e-4b8e-9a1e-0f6b3c2d1e00",  # a token made before prefixes existed
    ],
)
def test_an_authorization_in_a_form_tagoio_hands_out_is_accepted(authorization):
    assert tagoio_settings(PARAM, authorization, region="us-e1")["authorization"] == authorization


@pytest.mark.parametrize("authorization", ["", "nope", "at12/../x", "at 1234567", "a" * 129])
def test_an_authorization_that_cannot_travel_in_the_resolve_path_is_refused(authorization):
    with pytest.raises(ValueError):
        tagoio_settings(PARAM, authorization, region="us-e1")


# --- the port: once, under the name TagoIO's network integration gives it -----------------------------------------
@pytest.mark.parametrize(
    ("format_id", "name"),
    [("generic", "port"), ("tts_v3", "fport"), ("chirpstack_v4", "fport"), ("loriot", "port"), ("helium", "port")],
)
def test_the_port_is_sent_once_under_the_name_of_the_lns_integration(format_id, name):
    records, _ = to_tagoio(record(format=format_id))
    ports = [r for r in records if r["variable"] in ("port", "fport")]
    assert ports == [{"variable": name, "value": 10, "group": record()["group"], "time": record()["time"]}]


def test_every_known_format_gives_one_valid_port_name():
    names = {port_variable(format_id) for format_id in FORMATS_BY_ID}
    assert names == {"port", "fport"}
    assert port_variable(None) == port_variable("custom-mapping") == "port"


# --- record times: a bad device clock never refuses the whole post -----------------------------------------------
@pytest.mark.parametrize("time", ["2025-01-03T00:00:00.000Z", "2024-11-01T00:00:00.000Z"])
def test_a_time_outside_tagoio_s_window_moves_to_metadata_and_the_server_time_applies(time):
    records, warnings = to_tagoio(record(time=time, variables=[{"variable": "t", "value": 1, "metadata": {"a": 1}}]))
    assert all("time" not in r for r in records)
    assert all(r["metadata"][DEVICE_TIME] == time for r in records)
    assert records[-1]["metadata"]["a"] == 1  # the variable's own metadata is kept
    assert warnings == [f"tagoio_time_moved: {time} is outside what TagoIO takes, kept as metadata.device_time"]


@pytest.mark.parametrize("time", ["2025-01-01T00:50:00.000Z", "2024-12-05T00:00:00.000Z"])
def test_a_time_inside_the_window_is_sent_as_it_is(time):
    records, warnings = to_tagoio(record(time=time))
    assert {r["time"] for r in records} == {time} and warnings == []
    assert all("metadata" not in r for r in records)
