"""Senet notification targets (default fields ``devEui``, ``pdu``, ``port``) and the older SenRa HTTP format
(``EUI``, ``PDU``, ``Port``): hex payloads, uplinks only."""

from __future__ import annotations

from inlet.core.network_servers.base import TOP, Format, fields, has

SENET_LEGACY = Format(
    "senet_legacy",
    fields(serial="EUI", payload="PDU", port="Port", time="TXTime"),
    "hex",
    has("EUI", "PDU"),
    server_time=True,
    radio=(TOP,),
    page="senet.md",
    recognised_by="`EUI` + `PDU`",
)
SENET = Format(
    "senet",
    fields(serial="devEui", payload="pdu", port="port", time="txtime"),
    "hex",
    has("devEui", "pdu"),
    server_time=True,
    radio=(TOP,),
    page="senet.md",
    recognised_by="`devEui` + `pdu`",
)
