"""Netmore's raw data push: a JSON array of ``{t, n, u, v}`` items, the uplink in ``v`` (hex payload, the port and
radio figures as decimal strings). Uplinks only."""

from __future__ import annotations

from inlet.core.network_servers.base import Format, Place, fields, nested_has

NETMORE = Format(
    "netmore",
    fields(
        serial="v.devEui",
        payload="v.payload",
        port="v.fPort",
        time="v.timestamp",
        latitude="v.latitude",
        longitude="v.longitude",
    ),
    "hex",
    nested_has("v", "devEui"),
    server_time=True,
    radio=(Place("v_"), Place("v_gateways_#_")),
    page="netmore.md",
    recognised_by="`v.devEui`",
    title="one array item",
)
