"""LORIOT application outputs: ``cmd`` ``rx`` (basic) or ``gw`` (with gateway details) are uplinks, ``tx`` / ``txd``
are about downlinks (docs.loriot.io); hex payloads (``encdata`` alone when LORIOT has no AppSKey)."""

from __future__ import annotations

from inlet.core.network_servers.base import TOP, Format, Message, Place, fields, has

ID = "loriot"
LORIOT_COMMANDS = {"tx": False, "txd": False}  # cmd -> keep; "rx" and "gw" are uplinks
_UPLINK = Message("uplink", ID)


def _recognise(item: dict) -> Message | None:
    cmd = item.get("cmd")
    if cmd == "rx" or cmd == "gw":
        return _UPLINK
    if isinstance(cmd, str) and cmd in LORIOT_COMMANDS:
        return Message(cmd, ID, LORIOT_COMMANDS[cmd], item["EUI"])
    return None  # another cmd is not documented: an uplink, as LORIOT detection has always treated it


LORIOT = Format(
    ID,
    fields(serial="EUI", payload="data", port="port", time="ts"),
    "hex",
    has("EUI", "cmd"),
    server_time=True,
    radio=(TOP, Place("gws_#_")),
    messages=(("EUI", _recognise),),
    page="loriot.md",
    recognised_by="`EUI` + `cmd`",
)
