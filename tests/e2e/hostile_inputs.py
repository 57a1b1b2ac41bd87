"""Named inputs known to be hard for POST /uplink: each is one request, so each shows up as its own test.

Nesting around orjson's limits (it reads 1,024 levels and writes ~254), integers beyond 64 bits and doubles beyond
any integer in consumed fields, records beyond DynamoDB's 400 KB item limit, serials beyond its key limit, odd
Unicode, the largest batches, bodies around the 6 MB limit, and messages that are not uplinks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.e2e.fuzz_bodies import Nested, Raw, to_bytes

JSON = ("Content-Type", "application/json")


@dataclass(frozen=True)
class NamedInput:
    name: str
    body: bytes | None
    item_count: int | None = 1
    target: str = "/uplink"
    provisioning: bool = False  # sent with a key that creates unknown devices
    headers: tuple[tuple[str, str], ...] = (JSON,)


def _item(**fields: object) -> bytes:
    return to_bytes({"serial": "AA-BB-01", **fields})


def _nesting() -> list[NamedInput]:
    depths = (254, 255, 256, 500, 1000, 1023, 1024, 1025, 2000)
    named = [NamedInput(f"nested_{depth}_levels_in_a_field", _item(x=Nested(depth, "{"))) for depth in depths]
    named += [NamedInput(f"nested_{depth}_arrays_in_a_field", _item(x=Nested(depth, "["))) for depth in depths[::2]]
    return named


def _numbers() -> list[NamedInput]:
    numbers = {"1e300": "1e300", "2_64": "18446744073709551616", "minus_2_70": "-1180591620717411303424"}
    numbers |= {"1e-300": "1e-300", "2_64_minus_1": "18446744073709551615", "1e400": "1e400"}
    named = []
    for name, literal in numbers.items():
        for field in ("port", "time", "latitude", "payload", "extra"):
            named.append(NamedInput(f"{field}_{name}", _item(**{field: Raw(literal)})))
    named += [NamedInput(f"port_{text}_text", _item(port=text)) for text in ("NaN", "Infinity", "1e300", "-0")]
    named.append(NamedInput("port_NaN_literal", _item(port=Raw("NaN"))))
    named.append(NamedInput("tts_f_port_2_64", _tts(Raw("18446744073709551616"))))
    return named


def _tts(port: object) -> bytes:
    message = {
        "end_device_ids": {"dev_eui": "70B3D57ED0000001"},
        "uplink_message": {"frm_payload": "AQID", "f_port": port},
    }
    return to_bytes(message)


def _sizes() -> list[NamedInput]:
    big = "y" * 1_000_000
    ok = {"serial": "AA-BB-02", "payload": "01"}
    return [
        NamedInput("item_too_large", _item(x=big)),
        NamedInput("item_too_large_after_30_items", to_bytes([ok] * 30 + [{"serial": "AA-BB-01", "x": big}]), 31),
        NamedInput("item_just_under_400_kb", _item(x="y" * 390_000)),
        NamedInput("batch_of_2000", to_bytes([{"serial": DEMO, "n": n} for n in range(2000)]), 2000),
        NamedInput("batch_of_2001", to_bytes([ok] * 2001), None),
        NamedInput("body_of_7_mb", _item(x="y" * 7_000_000), None),
        NamedInput("body_of_6_mb_in_400_items", to_bytes([{**ok, "x": "y" * 15_000, "n": n} for n in range(400)]), 400),
    ]


DEMO = "A84041000181C2F1"


def _serials() -> list[NamedInput]:
    odd = {"1025": "Y" * 1025, "129": "Y" * 129, "spaces": "bad serial with spaces", "slash": "x/y", "nul": "A\x00B"}
    odd |= {"rtl": "AA-BB-01\u202e", "emoji": "\U0001f600", "lone_surrogate": "\ud800"}
    named = [
        NamedInput(f"serial_{name}_provisioned", to_bytes({"serial": s}), provisioning=True) for name, s in odd.items()
    ]
    named += [NamedInput(f"serial_{name}", to_bytes({"serial": s})) for name, s in odd.items()]
    mixed = [{"serial": "AA-BB-01"}, {"serial": "Y" * 1025}, {"serial": "AA-BB-02"}]
    named.append(NamedInput("batch_with_a_serial_of_1025", to_bytes(mixed), 3, provisioning=True))
    return named


def _unicode() -> list[NamedInput]:
    return [
        NamedInput("lone_surrogate_escape_in_a_field", _item(x="\ud800")),
        NamedInput("lone_surrogate_raw_in_a_field", to_bytes({"serial": "AA-BB-01", "x": "\udfff"}, ascii_only=False)),
        NamedInput("nul_rtl_emoji_in_fields", _item(x="\x00", y="\u202e\u200f", z="\U0001f469\u200d\U0001f467")),
        NamedInput("emoji_field_names", _item(**{"\U0001f600": 1, "\u202e": 2, "\x00": 3})),
        NamedInput("byte_order_mark", b"\xef\xbb\xbf" + _item(), None),
    ]


def _messages() -> list[NamedInput]:
    chirpstack = json.dumps({"deviceInfo": {"devEui": "70b3d57ed0000002"}, "batteryLevel": 90}).encode()
    join = {"end_device_ids": {"dev_eui": "70B3D57ED0000001"}, "join_accept": {"session_key_id": "AXA="}}
    named = [NamedInput(f"chirpstack_event_{event}", chirpstack, target=f"/uplink?event={event}") for event in EVENTS]
    named.append(NamedInput("tts_join_accept", to_bytes(join)))
    named += [NamedInput(f"loriot_cmd_{cmd}", to_bytes({"cmd": cmd, "EUI": DEMO, "data": "01"})) for cmd in LORIOT]
    named.append(NamedInput("query_only", None, target="/uplink?serial=AA-BB-01&payload=00&port=1", headers=()))
    named.append(NamedInput("query_nul", None, target="/uplink?serial=AA-BB-01&x=%00&%00=y", headers=()))
    named.append(NamedInput("query_serial_1025", None, target="/uplink?serial=" + "Y" * 1025, provisioning=True))
    return named


EVENTS = ("up", "join", "status", "ack", "txack", "log", "location", "integration")
LORIOT = ("rx", "gw", "tx", "txd")
NAMED_INPUTS = _nesting() + _numbers() + _sizes() + _serials() + _unicode() + _messages()
