"""The Things Network v2's HTTP integration (the network is shut down; archives and bridges still replay its body):
base64 payloads, uplinks only."""

from __future__ import annotations

from inlet.core.network_servers.base import Format, Place, fields, has

TTN_V2 = Format(
    "ttn_v2",
    fields(serial="hardware_serial", payload="payload_raw", port="port", time="metadata.time"),
    "base64",
    has("hardware_serial"),
    server_time=True,
    radio=(Place("metadata_gateways_#_"),),
    page="ttn-v2.md",
    recognised_by="`hardware_serial`",
)
