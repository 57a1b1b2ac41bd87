"""Everynet's Data API messages: ``type`` plus a ``meta`` object naming the device and its network or packet
(ns.docs.everynet.io, Messages and types); base64 payloads."""

from __future__ import annotations

from inlet.core.network_servers.base import Format, Message, Place, fields

ID = "everynet"
# type -> keep; "status" is the older name of status_response
EVERYNET_TYPES = {"downlink": False, "downlink_request": False, "downlink_response": False, "downlink_claim": False,
                  "join_request": False, "join_response": False, "status_request": False, "status_response": True,
                  "status": True, "error": False, "warning": False, "info": False}  # fmt: skip
_UPLINK = Message("uplink", ID)


def _matches(item: dict) -> bool:
    meta = item.get("meta")
    return item.get("type") == "uplink" and isinstance(meta, dict) and "device" in meta and "params" in item


def _recognise(item: dict) -> Message | None:
    meta, kind = item["meta"], item.get("type")
    if not isinstance(meta, dict) or "device" not in meta or not isinstance(kind, str):
        return None
    if "network" not in meta and "packet_hash" not in meta:  # every Everynet meta names its network or packet
        return None
    if kind == "uplink":
        return _UPLINK
    keep = EVERYNET_TYPES.get(kind)
    return None if keep is None else Message(kind, ID, keep, meta["device"])


EVERYNET = Format(
    ID,
    fields(serial="meta.device", payload="params.payload", port="params.port", time="params.rx_time"),
    "base64",
    _matches,
    server_time=True,
    radio=(Place("params_radio_hardware_"),),
    messages=(("meta", _recognise),),
    page="everynet.md",
    recognised_by='`type:"uplink"` + `meta.device` + `params`',
)
