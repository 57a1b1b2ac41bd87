"""ChirpStack v4 and v3 HTTP integrations (and v3's Protobuf-JSON marshaler): every event of an application goes to
one URL with ``?event=<type>`` (v4: ``chirpstack/src/integration/http.rs``); older v3 versions used one URL per event,
where the shape decides. Base64 payloads. Milesight gateways speak v3's shape (``milesight``)."""

from __future__ import annotations

from inlet.core.network_servers.base import Format, Message, Place, fields, nested, nested_has

V4, V3, V3_JSON = "chirpstack_v4", "chirpstack_v3", "chirpstack_v3_json"
MILESIGHT_ID = "milesight"
# type -> keep, for v4 and v3 alike
CHIRPSTACK_EVENTS = {"join": False, "status": True, "ack": False, "txack": False, "log": False,
                     "location": True, "integration": True, "error": False}  # fmt: skip
_UPLINK_V4, _UPLINK_V3 = Message("uplink", V4), Message("uplink", V3)


def event_query(item: dict, query: dict[str, str]) -> Message | None:
    """A ChirpStack body posted with ``?event=``: the query names the message (v4, and v3 from its HTTP integration)."""
    if "event" not in query or not ("deviceInfo" in item or "devEUI" in item):
        return None
    v4 = "deviceInfo" in item
    keep = CHIRPSTACK_EVENTS.get(query["event"])
    if keep is None:  # "up", or a value ChirpStack does not document: an uplink
        return _UPLINK_V4 if v4 else _UPLINK_V3
    serial = nested(item, "deviceInfo", "devEui") if v4 else item.get("devEUI")
    return Message(query["event"], V4 if v4 else V3, keep, serial)


def _v4(item: dict) -> Message | None:
    info = item["deviceInfo"]
    if not isinstance(info, dict):
        return None
    if "data" in item:  # only uplink events carry data: the common case, answered at once
        return _UPLINK_V4
    kind = shape(item) or ("txack" if "downlinkId" in item else None)
    if kind is None and "queueItemId" in item:
        kind = "ack"
    return Message(kind, V4, CHIRPSTACK_EVENTS[kind], info.get("devEui")) if kind else None


def _v3(item: dict) -> Message | None:
    """ChirpStack v3 events (and Milesight's embedded network server, which speaks the same) without ``?event=``."""
    if "applicationID" not in item:
        return None
    if "data" in item:  # only uplink events carry data
        return _UPLINK_V3
    fmt = MILESIGHT_ID if "gatewaySN" in item else V3
    status = item.get("status")
    if fmt == MILESIGHT_ID and (status == "online" or status == "offline"):  # Milesight connectivity
        return Message(status, fmt, True, item["devEUI"])
    kind = shape(item)
    if kind is None and isinstance(item.get("error"), str):
        kind = "error"
    if kind is None and "gatewayID" in item and "txInfo" in item and "rxInfo" not in item:
        kind = "txack"
    return Message(kind, fmt, CHIRPSTACK_EVENTS[kind], item["devEUI"]) if kind else None


def shape(item: dict) -> str | None:
    """The event shapes ChirpStack v3 and v4 share (integration.proto of each): keys no uplink event has."""
    if "margin" in item or "batteryLevel" in item or "externalPowerSource" in item or "batteryLevelUnavailable" in item:
        return "status"
    if "acknowledged" in item:
        return "ack"
    if "description" in item and ("level" in item or "code" in item):
        return "log"
    if "integrationName" in item and "eventType" in item:
        return "integration"
    if isinstance(item.get("location"), dict) and "data" not in item and "fPort" not in item:
        return "location"
    if "devAddr" in item and "fCnt" not in item and "fPort" not in item and "data" not in item:
        return "join"  # an uplink event carries fCnt, fPort or data; a join none of them
    return None


def is_chirpstack_v3(item: dict) -> bool:
    return "devEUI" in item and ("data" in item or "fPort" in item or "applicationID" in item)


def _is_base64_eui(item: dict) -> bool:
    eui = item.get("devEUI")
    return is_chirpstack_v3(item) and isinstance(eui, str) and len(eui) == 12 and eui.endswith("=")


V3_RADIO = (Place("rxinfo_#_", snr=("lorasnr", "snr")),)
V3_FIELDS = fields(serial="devEUI", payload="data", port="fPort")

CHIRPSTACK_V4 = Format(
    V4,
    fields(serial="deviceInfo.devEui", payload="data", port="fPort", time="time"),
    "base64",
    nested_has("deviceInfo", "devEui"),
    server_time=True,
    radio=(Place("rxinfo_#_"),),
    messages=(("deviceInfo", _v4),),
    page="chirpstack.md",
    recognised_by="`deviceInfo.devEui`",
)
CHIRPSTACK_V3_JSON = Format(
    V3_JSON,
    V3_FIELDS,
    "base64",
    _is_base64_eui,
    serial_encoding="base64",
    radio=V3_RADIO,
    page="chirpstack.md",
    recognised_by="`devEUI` is 12-char base64 (ends `=`), + `data`/`fPort`/`applicationID`",
    title="Protobuf-JSON marshaler",
)
CHIRPSTACK_V3 = Format(
    V3,
    V3_FIELDS,
    "base64",
    is_chirpstack_v3,
    radio=V3_RADIO,
    messages=(("devEUI", _v3),),
    page="chirpstack.md",
    recognised_by="`devEUI` + `data`/`fPort`/`applicationID`",
)
