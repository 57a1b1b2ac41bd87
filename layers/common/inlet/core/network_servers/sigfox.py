"""Sigfox custom callbacks: a body the user writes from Sigfox's variables. DATA callbacks (with ``data``) are uplinks;
SERVICE callbacks are recognised when the template names its fields after Sigfox's variables (support.sigfox.com).
Hex payloads, no port."""

from __future__ import annotations

from inlet.core.network_servers.base import TOP, Format, Message, Place, fields, has

ID = "sigfox"
SIGFOX_DEVICE_KEYS = ("device", "devices")  # Sigfox's own ERROR example names it "devices"


def _recognise(item: dict) -> Message | None:
    if "data" in item:
        return None  # a DATA callback: an uplink
    serial = item.get("device", item.get("devices"))
    if "infoCode" in item and "downlinkAck" in item:
        return Message("ack", ID, False, serial)
    if "batt" in item and "temp" in item:
        return Message("status", ID, True, serial)
    if "radius" in item and "lat" in item and "lng" in item:
        return Message("location", ID, True, serial)
    if "severity" in item and "info" in item:
        return Message("error", ID, True, serial)
    return None


SIGFOX = Format(
    ID,
    fields(
        serial="device",
        payload="data",
        time="time",
        latitude="computedLocation.lat",
        longitude="computedLocation.lng",
    ),
    "hex",
    has("device", "data"),
    server_time=True,
    radio=(TOP, Place("duplicates_#_")),  # custom callbacks may send {rssi}/{snr}; DATA_ADVANCED lists stations
    other_messages=tuple((key, _recognise) for key in SIGFOX_DEVICE_KEYS),  # a DATA callback is an uplink
    page="sigfox.md",
    recognised_by="`device` + `data`",
)
