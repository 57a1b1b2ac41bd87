"""Helium Console's HTTP integration: uplinks, and joins as ``type`` ``join`` (helium/router
``router_device_channels_worker.erl``); base64 payloads."""

from __future__ import annotations

from inlet.core.network_servers.base import Format, Message, Place, fields, has

ID = "helium"


def _recognise(item: dict) -> Message | None:
    if item.get("type") == "join" and "app_eui" in item:
        return Message("join", ID, False, item["dev_eui"])
    return None


HELIUM = Format(
    ID,
    fields(serial="dev_eui", payload="payload", port="port", time="reported_at"),
    "base64",
    has("dev_eui"),
    server_time=True,
    radio=(Place("hotspots_#_"),),
    messages=(("dev_eui", _recognise),),
    page="helium.md",
    recognised_by="`dev_eui`",
)
