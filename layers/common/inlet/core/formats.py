"""Native uplink formats of network servers, and how to recognise each one (auto-detection).

Detection looks at the *shape* of an item (which keys exist), in the order of ``FORMATS``: the most specific
signatures first, the spec's generic schema (``serial`` at top level) before every LNS, and ``generic`` as the
fallback so that ``?serial=...`` in the query string with the rest in the body still works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inlet.core.mapping import FieldMap, split_path

Matcher = Callable[[dict], bool]


@dataclass(frozen=True)
class Format:
    id: str
    fields: FieldMap
    payload_encoding: str | None  # "hex", "base64" or None (unknown: hex is kept, anything else is flagged)
    matches: Matcher
    serial_encoding: str = "text"  # "base64": the serial is the base64 of the EUI bytes (ChirpStack v3 JSON)
    query_names: tuple[tuple[str, str], ...] = ()  # extra query-string names per target (ThingPark's LrnDevEui)


def _fields(**paths: str) -> FieldMap:
    return FieldMap(**{target: split_path(path) for target, path in paths.items()})


def _has(first: str, second: str | None = None) -> Matcher:
    if second is None:
        return lambda item: first in item
    return lambda item: first in item and second in item


def _nested(parent: str, key: str) -> Matcher:
    return lambda item: isinstance(item.get(parent), dict) and key in item[parent]


def _is_chirpstack_v3(item: dict) -> bool:
    return "devEUI" in item and ("data" in item or "fPort" in item or "applicationID" in item)


def _is_milesight(item: dict) -> bool:
    rx = item.get("rxInfo")
    return _is_chirpstack_v3(item) and isinstance(rx, list) and bool(rx) and isinstance(rx[0], dict) and "mac" in rx[0]


def _is_base64_eui(item: dict) -> bool:
    eui = item.get("devEUI")
    return _is_chirpstack_v3(item) and isinstance(eui, str) and len(eui) == 12 and eui.endswith("=")


GENERIC = Format(
    "generic",
    _fields(serial="serial", payload="payload", port="port", time="time", latitude="latitude", longitude="longitude"),
    None,
    _has("serial"),
)

FORMATS: tuple[Format, ...] = (
    GENERIC,
    Format(
        "tts_v3",
        _fields(
            serial="end_device_ids.dev_eui",
            payload="uplink_message.frm_payload",
            port="uplink_message.f_port",
            time="uplink_message.received_at",
        ),
        "base64",
        _has("end_device_ids", "uplink_message"),
    ),
    Format(
        "actility",
        _fields(
            serial="DevEUI_uplink.DevEUI",
            payload="DevEUI_uplink.payload_hex",
            port="DevEUI_uplink.FPort",
            time="DevEUI_uplink.Time",
        ),
        "hex",
        _has("DevEUI_uplink"),
        query_names=(("serial", "LrnDevEui"), ("port", "LrnFPort")),
    ),
    Format(
        "chirpstack_v4",
        _fields(serial="deviceInfo.devEui", payload="data", port="fPort", time="time"),
        "base64",
        _nested("deviceInfo", "devEui"),
    ),
    Format(
        "everynet",
        _fields(serial="meta.device", payload="params.payload", port="params.port", time="params.rx_time"),
        "base64",
        lambda item: item.get("type") == "uplink" and _nested("meta", "device")(item) and "params" in item,
    ),
    Format(
        "kerlink_wanesy",
        _fields(serial="endDevice.devEui", payload="payload", port="fPort", time="recvTime"),
        "hex",
        _nested("endDevice", "devEui"),
    ),
    Format(
        "netmore",
        _fields(
            serial="v.devEui",
            payload="v.payload",
            port="v.fPort",
            time="v.timestamp",
            latitude="v.latitude",
            longitude="v.longitude",
        ),
        "hex",
        _nested("v", "devEui"),
    ),
    Format("loriot", _fields(serial="EUI", payload="data", port="port", time="ts"), "hex", _has("EUI", "cmd")),
    Format("senet_legacy", _fields(serial="EUI", payload="PDU", port="Port", time="TXTime"), "hex", _has("EUI", "PDU")),
    Format("senet", _fields(serial="devEui", payload="pdu", port="port", time="txtime"), "hex", _has("devEui", "pdu")),
    Format(
        "ttn_v2",
        _fields(serial="hardware_serial", payload="payload_raw", port="port", time="metadata.time"),
        "base64",
        _has("hardware_serial"),
    ),
    Format(
        "helium",
        _fields(serial="dev_eui", payload="payload", port="port", time="reported_at"),
        "base64",
        _has("dev_eui"),
    ),
    Format(
        "chirpstack_v3_json",
        _fields(serial="devEUI", payload="data", port="fPort"),
        "base64",
        _is_base64_eui,
        serial_encoding="base64",
    ),
    Format("milesight", _fields(serial="devEUI", payload="data", port="fPort", time="time"), "base64", _is_milesight),
    Format("chirpstack_v3", _fields(serial="devEUI", payload="data", port="fPort"), "base64", _is_chirpstack_v3),
    Format(
        "sigfox",
        _fields(
            serial="device",
            payload="data",
            time="time",
            latitude="computedLocation.lat",
            longitude="computedLocation.lng",
        ),
        "hex",
        _has("device", "data"),
    ),
)
FORMATS_BY_ID = {fmt.id: fmt for fmt in FORMATS}


def detect_format(item: dict) -> Format:
    """The first format whose signature the item carries; the generic schema otherwise."""
    for fmt in FORMATS:
        if fmt.matches(item):
            return fmt
    return GENERIC
