"""ThingPark (Actility: the LRC's application servers, ThingPark X IoT Flow): the top-level key names the message
(``actility/tpx-iot-flow-doc``); hex payloads. The tunnel may add ``?LrnDevEui=`` / ``?LrnFPort=`` to the URL."""

from __future__ import annotations

from collections.abc import Callable

from inlet.core.network_servers.base import Format, Message, Place, fields, has, nested

ID = "actility"
# top-level key -> (type, keep)
THINGPARK_MESSAGES = {"DevEUI_location": ("location", True), "DevEUI_notification": ("notification", True),
                      "DevEUI_alarm": ("alarm", True), "DevEUI_downlink_Sent": ("downlink_sent", False),
                      "DevEUI_downlink_Rejected": ("downlink_rejected", False),
                      "DevEUI_multicast_summary": ("multicast_summary", False),
                      "BS_alarm": ("base_station_alarm", False)}  # fmt: skip
_UPLINK = Message("uplink", ID)


def _message(key: str) -> Callable[[dict], Message]:
    kind, keep = THINGPARK_MESSAGES[key]
    device_key = None if key == "BS_alarm" else key  # a base station alarm names no device
    return lambda item: Message(kind, ID, keep, nested(item, device_key, "DevEUI") if device_key else None)


ACTILITY = Format(
    ID,
    fields(
        serial="DevEUI_uplink.DevEUI",
        payload="DevEUI_uplink.payload_hex",
        port="DevEUI_uplink.FPort",
        time="DevEUI_uplink.Time",
    ),
    "hex",
    has("DevEUI_uplink"),
    query_names=(("serial", "LrnDevEui"), ("port", "LrnFPort")),
    server_time=True,
    radio=(
        Place("deveui_uplink_", rssi=("lrrrssi",), snr=("lrrsnr",)),
        Place("deveui_uplink_lrrs_lrr_#_", rssi=("lrrrssi",), snr=("lrrsnr",)),
    ),
    messages=(("DevEUI_uplink", lambda item: _UPLINK),),
    other_messages=tuple((key, _message(key)) for key in THINGPARK_MESSAGES),
    page="thingpark.md",
    recognised_by="`DevEUI_uplink`",
    title="ThingPark",
)
