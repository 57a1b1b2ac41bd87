"""Milesight UG6x gateways' embedded network server: ChirpStack v3's shape, with the gateway's ``mac`` in ``rxInfo``;
its notifications (ACK, error, ``online`` / ``offline`` with ``gatewaySN``) are recognised with ChirpStack v3's
vocabulary (``chirpstack``), which names them ``milesight``."""

from __future__ import annotations

from inlet.core.network_servers.base import Format, fields
from inlet.core.network_servers.chirpstack import MILESIGHT_ID, V3_RADIO, is_chirpstack_v3


def _is_milesight(item: dict) -> bool:
    rx = item.get("rxInfo")
    return is_chirpstack_v3(item) and isinstance(rx, list) and bool(rx) and isinstance(rx[0], dict) and "mac" in rx[0]


MILESIGHT = Format(
    MILESIGHT_ID,
    fields(serial="devEUI", payload="data", port="fPort", time="time"),
    "base64",
    _is_milesight,
    server_time=True,
    radio=V3_RADIO,
    page="milesight.md",
    recognised_by="ChirpStack v3 shape with `rxInfo[0].mac`",
)
