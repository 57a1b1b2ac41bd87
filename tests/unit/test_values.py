"""Normalisation of serial, payload, port and time: nothing is lost, what cannot be normalised is flagged."""

from __future__ import annotations

import pytest
from inlet.core.values import canonical_serial, iso_time, normalise_port, payload_to_hex

pytestmark = pytest.mark.unit


# --- serial -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("70b3d57ed005a1b2", "70B3D57ED005A1B2"),
        ("  aa-bb-01 \n", "AA-BB-01"),  # trimmed, separators kept
        (123456, "123456"),
        ("", None),
        ("   ", None),
        (None, None),
        (True, None),
        ({"id": "x"}, None),
        (["x"], None),
    ],
)
def test_canonical_serial(value, expected):
    assert canonical_serial(value) == expected


def test_base64_serial_is_the_eui_in_hex():
    assert canonical_serial("AASjCwAfLj0=", "base64") == "0004A30B001F2E3D"


def test_base64_serial_that_is_not_base64_is_kept_as_text():
    assert canonical_serial("aa-bb-01", "base64") == "AA-BB-01"


# --- payload ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", [None, "hex", "base64"])
def test_hex_payload_is_kept_lower_cased(encoding):
    # "0011AA" is not valid base64 (6 chars), so even a base64 format accepts it as hex
    assert payload_to_hex("0011AA", encoding) == ("0011aa", True)


def test_base64_payload_is_converted_with_a_base64_encoding():
    assert payload_to_hex("AQwq/w==", "base64") == ("010c2aff", True)


@pytest.mark.parametrize("encoding", [None, "hex"])
def test_base64_payload_is_not_converted_without_a_known_base64_encoding(encoding):
    assert payload_to_hex("AQwq/w==", encoding) == ("AQwq/w==", False)


@pytest.mark.parametrize(
    ("value", "encoding"),
    [
        ("abc", "hex"),  # odd length
        ("zz11", "hex"),
        ("not base64!", "base64"),
        ("AQwq/w", "base64"),  # missing padding and not hex
        ("é0", None),
        (17, "hex"),
        ({"bytes": [1]}, "base64"),
        (None, "hex"),
    ],
)
def test_undecodable_payload_is_kept_as_sent_and_flagged(value, encoding):
    assert payload_to_hex(value, encoding) == (value, False)


def test_empty_payload_is_empty_hex():
    assert payload_to_hex("", "base64") == ("", True)
    assert payload_to_hex("", None) == ("", True)


def test_base64_wins_over_hex_for_a_base64_format():
    # "AAAA" reads as hex and as base64: the format's declared encoding decides
    assert payload_to_hex("AAAA", "base64") == ("000000", True)
    assert payload_to_hex("AAAA", "hex") == ("aaaa", True)


# --- port ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, 10), (0, 0), ("85", 85), (" 5 ", 5), ("007", 7), (2.0, 2)],
)
def test_integer_ports_are_ints(value, expected):
    port, ok = normalise_port(value)
    assert ok is True
    assert port == expected and type(port) is int


@pytest.mark.parametrize(
    "value",
    [2.5, "2.0", "", "ten", "-1", "٣", pytest.param("9" * 5000, id="5000-digits"), True, None, [1], float("nan")],
)
def test_other_ports_are_kept_as_sent_and_flagged(value):
    port, ok = normalise_port(value)
    assert ok is False
    assert port is value


# --- time ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-14T09:21:07.412387654Z", "2024-05-14T09:21:07.412Z"),  # nanoseconds (TTS, ChirpStack)
        ("2024-05-14T09:21:07.412387+00:00", "2024-05-14T09:21:07.412Z"),
        ("2024-05-14T11:21:07.412+02:00", "2024-05-14T09:21:07.412Z"),  # offset converted to UTC
        ("2024-05-14T09:21:07.41+00:00", "2024-05-14T09:21:07.410Z"),  # ThingPark's short fraction
        ("2024-05-14T09:21:07", "2024-05-14T09:21:07.000Z"),  # no offset: UTC
        ("2024-05-14T09:21:07z", "2024-05-14T09:21:07.000Z"),
        (1715678467, "2024-05-14T09:21:07.000Z"),  # epoch seconds
        (1715678467.412, "2024-05-14T09:21:07.412Z"),
        (1715678467412, "2024-05-14T09:21:07.412Z"),  # epoch milliseconds
        ("1715678467", "2024-05-14T09:21:07.000Z"),  # quoted epoch (Sigfox templates)
        ("1715678467412", "2024-05-14T09:21:07.412Z"),
        (0, "1970-01-01T00:00:00.000Z"),
    ],
)
def test_time_is_iso_8601_utc_with_milliseconds(value, expected):
    assert iso_time(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "",
        "2024-13-40T00:00:00Z",
        "²",  # a unicode digit that float() refuses
        "0001-01-01T00:00:00+01:00",  # out of range once moved to UTC
        "9999-12-31T23:59:59-05:00",
        pytest.param(10**400, id="huge-int"),
        float("nan"),
        float("inf"),
        True,
        None,
        {"t": 1},
    ],
)
def test_unparseable_time_is_none(value):
    assert iso_time(value) is None
