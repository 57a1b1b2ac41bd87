"""Hypothesis strategies for hostile JSON bodies of POST /uplink, and the encoder that writes them as bytes.

Bodies are Python values with two stand-ins for what no Python value can carry through ``json.dumps``: ``Raw``
(JSON text sent verbatim: ``1e400``, 2**64 as a literal, ``NaN``) and ``Nested`` (containers 2,000 levels deep,
written without recursion). Most items use the demo devices' serials in the shapes of real network servers, so that
requests get past validation and reach mapping, device lookup and storage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import strategies as st
from inlet_cli.local.env import DEMO_DEVICES


class Raw(str):
    """JSON text sent as is."""


@dataclass(frozen=True)
class Nested:
    depth: int
    kind: str  # "[" or "{"

    def text(self) -> str:
        if self.kind == "[":
            return "[" * self.depth + "0" + "]" * self.depth
        return '{"n":' * self.depth + "0" + "}" * self.depth


def to_json(value: object, ascii_only: bool = True) -> str:
    """JSON text of ``value``; with ``ascii_only`` lone surrogates become ``\\ud800`` escapes, else raw code points."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, Nested):
        return value.text()
    if isinstance(value, dict):
        pairs = (f"{to_json(str(k), ascii_only)}:{to_json(v, ascii_only)}" for k, v in value.items())
        return "{" + ",".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v, ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


def to_bytes(value: object, ascii_only: bool = True) -> bytes:
    return to_json(value, ascii_only).encode("utf-8", "surrogatepass")  # a raw lone surrogate is invalid UTF-8


ODD_CHARACTERS = ("\x00", "\u202e", "\u200f", "\ufeff", "\U0001f600", "\U0001f469\u200d\U0001f467", "\u0301")
ODD_CHARACTERS += ("\uffff", "\U0010ffff", '"', "\\", "%00", "\n", "\t", " ", "é", "\u0645")
LONE_SURROGATES = ("\ud800", "\udbff", "\udc00", "\udfff")
ODD_NUMBERS = ("1e300", "-1e300", "18446744073709551616", "18446744073709551615", "-1180591620717411303424")
ODD_NUMBERS += ("9223372036854775808", "-9223372036854775809", "1e-300", "5e-324", "-0", "0.1e1", "1" * 400)
NAN_LIKE = ("NaN", "Infinity", "-inf", "1e300", "0x10", " 5 ", "5.0")
NOT_JSON_NUMBERS = ("NaN", "Infinity", "-Infinity", "1e400", "+1", "01", ".5")
NESTING_DEPTHS = (32, 33, 250, 254, 255, 256, 500, 1000, 1023, 1024, 1025, 2000)


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """Each strategy drawn in proportion to its weight (``one_of`` drops repeated strategies, so cannot weigh)."""
    slots = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(range(len(slots))).flatmap(slots.__getitem__)


def rarely(uncommon: st.SearchStrategy, common: st.SearchStrategy, odds: int = 8) -> st.SearchStrategy:
    """``uncommon`` about once in ``odds`` draws: what makes a whole body a 400 must not hide the code behind it."""
    return weighted((odds - 1, common), (1, uncommon))


clean_text = st.lists(st.one_of(st.sampled_from(ODD_CHARACTERS), st.text(max_size=6)), max_size=10).map("".join)
with_surrogate = st.tuples(clean_text, st.sampled_from(LONE_SURROGATES), clean_text).map("".join)
odd_text = rarely(with_surrogate, clean_text, 60)  # a body holds dozens of strings: one in 60 is enough
long_text = st.builds(
    lambda char, length: char * length,
    st.sampled_from(["y", "é", "\U0001f600", "\x00", "\ud800"]),
    st.sampled_from([128, 129, 256, 1024, 1025, 65_536, 150_000]),
)
odd_number = rarely(
    st.sampled_from(NOT_JSON_NUMBERS).map(Raw),
    st.one_of(
        st.sampled_from(ODD_NUMBERS).map(Raw),
        st.sampled_from(NAN_LIKE),
        st.integers(-(2**80), 2**80),
        st.floats(allow_nan=False, allow_infinity=False),
    ),
    40,
)
nested = st.builds(Nested, st.one_of(st.sampled_from(NESTING_DEPTHS), st.integers(1, 2000)), st.sampled_from("[{"))
leaf = st.one_of(st.none(), st.booleans(), odd_number, odd_text, rarely(nested, odd_text, 10))
field_names = st.one_of(
    st.sampled_from(["serial", "payload", "port", "time", "lat", "lng", "data", "devEUI", "", "a.b", "0", "serial "]),
    odd_text,
)
values = st.recursive(
    leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(field_names, inner, max_size=3), max_leaves=8
)
# One item in eight carries a long string (the slowest part to generate, send and store).
long_field = rarely(st.dictionaries(field_names, long_text, min_size=1, max_size=1), st.just({}))

demo_serial = st.sampled_from(DEMO_DEVICES)
serials = weighted(
    (4, demo_serial),
    (1, demo_serial.map(str.lower)),
    (1, demo_serial.map(lambda serial: f"  {serial.lower()}\t")),
    (1, st.sampled_from(["Y" * 128, "Y" * 129, "Y" * 1025, "bad serial", "x/y", "", "NOPE", "aa-bb-01\x00"])),
    (1, st.one_of(odd_text, values)),
)
payloads = st.one_of(
    st.binary(max_size=64).map(bytes.hex),
    st.sampled_from(["AQID", "AQID==", "0011aa", "zz", "", "=" * 5, "0x00"]),
    values,
)
ports = st.one_of(st.integers(0, 255), st.sampled_from(["5", " 5", "05", "5.0", "-1", "0x05"]), odd_number, values)
times = st.one_of(
    st.sampled_from(["2026-11-25T09:21:07.412Z", "2026-11-25T09:21:07.412345678+02:00", "1764062467", "9999-12-31"]),
    st.sampled_from([1764062467, 1764062467412, -1, 0]),
    odd_number,
    odd_text,
)


def _shapes(serial, payload, port, time, cmd) -> list[dict]:
    """One uplink as each kind of sender posts it, plus messages that are not uplinks."""
    return [
        {"serial": serial, "payload": payload, "port": port, "time": time},
        {"end_device_ids": {"dev_eui": serial}, "uplink_message": {"frm_payload": payload, "f_port": port}},
        {"end_device_ids": {"dev_eui": serial}, "join_accept": {"session_key_id": payload}},
        {"deviceInfo": {"devEui": serial}, "data": payload, "fPort": port, "time": time},
        {"DevEUI_uplink": {"DevEUI": serial, "payload_hex": payload, "FPort": port, "Time": time}},
        {"cmd": cmd, "EUI": serial, "data": payload, "port": port, "ts": time},
        {"dev_eui": serial, "payload": payload, "port": port, "reported_at": time},
        {"device": serial, "data": payload, "time": time},
        {"devaddr": serial, "payload_raw": payload, "fport": port},  # the events' mapped key
        {"payload": payload, "port": port},  # a serial only in the query string, or none
    ]


@st.composite
def items(draw, serials: st.SearchStrategy = serials, shapes: slice = slice(None)) -> dict:
    cmd = draw(st.sampled_from(["rx", "gw", "tx", "txd", "", None]))
    shape = draw(st.sampled_from(_shapes(draw(serials), draw(payloads), draw(ports), draw(times), cmd)[shapes]))
    extra = {**draw(st.dictionaries(field_names, values, max_size=3)), **draw(long_field)}
    return {**extra, **shape} if draw(st.booleans()) else {**shape, **extra}


NOT_ITEMS = ("1", "null", "[]", "{}", '"x"', "true", "[1]", "[{}, 2]", "", " \n", "\ufeff{}", "{", "[{}")


def top_level_oddities() -> st.SearchStrategy:
    """Bodies that are not an object or an array of objects, or not JSON at all."""
    return st.one_of(
        st.sampled_from(NOT_ITEMS).map(Raw),
        odd_number,
        nested,
        st.lists(values, min_size=1, max_size=3),
    )


def bodies() -> st.SearchStrategy:
    """A body and how many items it holds (``None`` when it holds no list of objects)."""
    one = items().map(lambda item: (item, 1))
    # One item without a serial refuses a whole batch: in batches, odd serials and serial-less shapes are rare.
    batch_item = rarely(items(), items(st.one_of(demo_serial, demo_serial.map(str.lower)), slice(0, 8)), 10)
    batch = st.lists(batch_item, min_size=1, max_size=15).map(lambda batch: (batch, len(batch)))
    odd = top_level_oddities().map(lambda value: (value, None))
    return weighted((4, one), (3, batch), (1, odd))
