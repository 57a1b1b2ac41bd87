"""Cayenne LPP in Python, checked against the independent decoder ``pycayennelpp`` on generated payloads."""

from __future__ import annotations

import pytest
from cayennelpp import LppFrame
from hypothesis import given, settings
from hypothesis import strategies as st
from inlet.core.decoding.cayenne import TYPES, CayenneError, decode_cayenne

pytestmark = pytest.mark.unit


def _field(draw_type: int, channel: int, raw: bytes) -> bytes:
    return bytes([channel, draw_type]) + raw


fields = st.sampled_from(sorted(TYPES)).flatmap(
    lambda kind: st.tuples(
        st.just(kind), st.integers(0, 255), st.binary(min_size=sum(TYPES[kind].sizes), max_size=sum(TYPES[kind].sizes))
    )
)


def _reference(payload: bytes) -> dict:
    """What pycayennelpp reads, in this decoder's naming (later fields of the same key win, as here)."""
    expected = {}
    for item in LppFrame.from_bytes(payload).data:
        lpp = TYPES[int(item.type)]
        key = f"{lpp.name}_{item.channel}"
        expected[key] = dict(zip(lpp.components, item.value, strict=True)) if lpp.components else item.value[0]
    return expected


@settings(max_examples=300, deadline=None)
@given(st.lists(fields, min_size=1, max_size=8))
def test_agrees_with_pycayennelpp(generated):
    payload = b"".join(_field(kind, channel, raw) for kind, channel, raw in generated)
    data, _ = decode_cayenne(payload)
    assert data == _reference(payload)


def test_known_payload_decodes_to_named_channels():
    # temperature 27.2 on channel 3, humidity 50 % on 5, GPS on 1, accelerometer on 6
    payload = bytes.fromhex("036701100568640188" + "06765ff2960a0003e8" + "0671" + "04d2fb2e0000")
    data, warnings = decode_cayenne(payload)
    assert data == {
        "temperature_3": 27.2,
        "relative_humidity_5": 50.0,
        "gps_1": {"latitude": 42.3519, "longitude": -87.9094, "altitude": 10.0},
        "accelerometer_6": {"x": 1.234, "y": -1.234, "z": 0.0},
    }
    assert warnings == []


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (100, "000186a0", 100000),  # generic sensor
        (118, "00000032", 50),  # frequency
        (122, "fffc18", -1.0),  # load, signed 3 bytes
        (130, "000004d2", 1.234),  # distance
        (133, "5f5e1000", 1600000000),  # unix time
        (135, "ff8000", {"r": 255, "g": 128, "b": 0}),
        (142, "01", 1),  # switch
    ],
)
def test_extended_types(kind, raw, expected):
    data, _ = decode_cayenne(bytes([7, kind]) + bytes.fromhex(raw))
    assert data == {f"{TYPES[kind].name}_7": expected}


def test_repeated_channel_keeps_the_last_value_and_warns():
    data, warnings = decode_cayenne(bytes.fromhex("016700fa" + "016700fb"))
    assert data == {"temperature_1": 25.1}
    assert warnings == ["temperature_1 appears more than once; the last value is kept"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("01", "truncated field at byte 0"),
        ("016701", "truncated temperature value at byte 2"),
        ("01ff00", "unknown Cayenne LPP type 255 at byte 1"),
    ],
)
def test_invalid_payloads_say_where(payload, message):
    with pytest.raises(CayenneError, match=message):
        decode_cayenne(bytes.fromhex(payload))
    with pytest.raises(Exception):  # noqa: B017 - the reference refuses the same payloads
        LppFrame.from_bytes(bytes.fromhex(payload))


def test_empty_payload_is_empty_data():
    assert decode_cayenne(b"") == ({}, [])
