"""Kerlink Wanesy Management Center pushes: ``dataUp`` (uplinks, hex with ``encodingType`` HEXA) and
``dataDownEvent`` (downlink status, DataDownEventDto)."""

from __future__ import annotations

from inlet.core.network_servers.base import Format, Message, Place, fields, nested, nested_has

ID = "kerlink_wanesy"


def _recognise(item: dict) -> Message | None:
    if "status" in item or "event" in item:
        return Message("data_down_event", ID, False, nested(item, "endDevice", "devEui"))
    return None


KERLINK_WANESY = Format(
    ID,
    fields(serial="endDevice.devEui", payload="payload", port="fPort", time="recvTime"),
    "hex",
    nested_has("endDevice", "devEui"),
    server_time=True,
    radio=(Place("gwinfo_#_"),),
    other_messages=(("dataDownId", _recognise),),
    page="kerlink.md",
    recognised_by="`endDevice.devEui`",
)
