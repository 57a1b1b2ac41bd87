"""What a network server posted: an uplink, or one of the other messages it sends to the same URL.

Network servers post joins, downlink receipts, logs, device status and locations to the URL that gets their uplinks.
Only uplinks may become uplink records; every other message is answered with a 2xx (so that the network server never
retries it nor disables the integration) and, where it carries device state, kept as a device event.

Recognition fails open: a message is a non-uplink only when a network server's own vocabulary says so (a documented
type key, ``cmd``, ``type`` or ``?event=`` value, or a documented event shape); everything else is an uplink, so an
unknown shape is stored rather than lost. Looser signatures are used only for messages that are kept, never for
those that are dropped. Every check is a top-level dict lookup: this runs for each item of 2,000-item batches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Message:
    type: str  # "uplink", or the non-uplink type listed in the tables below (docs/network-servers/)
    network: str  # whose vocabulary recognised it ("chirpstack", "tts", ...); "" for an uplink nothing names
    keep: bool = False  # the message carries device state worth keeping as a device event
    serial: object = None  # the device identifier as found in a non-uplink (raw); None if it has none

    @property
    def is_uplink(self) -> bool:
        return self.type == "uplink"


UPLINK = Message("uplink", "")

# type -> keep. ChirpStack v4 (chirpstack/src/integration/http.rs) and v3 post every event with ?event=<type>.
CHIRPSTACK_EVENTS = {"join": False, "status": True, "ack": False, "txack": False, "log": False,
                     "location": True, "integration": True, "error": False}  # fmt: skip
# The Things Stack v3: ApplicationUp's oneof, one top-level key (api/ttn/lorawan/v3/messages.proto).
# uplink_normalized comes besides the uplink_message of the same uplink: storing it too would duplicate the uplink.
TTS_MESSAGES = {"join_accept": False, "downlink_ack": False, "downlink_nack": False, "downlink_sent": False,
                "downlink_failed": False, "downlink_queued": False, "downlink_queue_invalidated": False,
                "location_solved": True, "service_data": True,
                "uplink_normalized": False}  # fmt: skip
# ThingPark (actility/tpx-iot-flow-doc): the top-level key names the message; key -> (type, keep).
THINGPARK_MESSAGES = {"DevEUI_location": ("location", True), "DevEUI_notification": ("notification", True),
                      "DevEUI_alarm": ("alarm", True), "DevEUI_downlink_Sent": ("downlink_sent", False),
                      "DevEUI_downlink_Rejected": ("downlink_rejected", False),
                      "DevEUI_multicast_summary": ("multicast_summary", False),
                      "BS_alarm": ("base_station_alarm", False)}  # fmt: skip
LORIOT_COMMANDS = {"tx": False, "txd": False}  # "rx" and "gw" are uplinks
# Everynet Data API "type" (ns.docs.everynet.io, Messages and types); "status" is the older name of status_response.
EVERYNET_TYPES = {"downlink": False, "downlink_request": False, "downlink_response": False, "downlink_claim": False,
                  "join_request": False, "join_response": False, "status_request": False, "status_response": True,
                  "status": True, "error": False, "warning": False, "info": False}  # fmt: skip
SIGFOX_DEVICE_KEYS = ("device", "devices")  # Sigfox's own ERROR example names it "devices"


def classify_message(item: dict, query: dict[str, str]) -> Message:
    """What ``item`` is; ``query`` is the request's query string without the key (ChirpStack's ``?event=``)."""
    if "serial" in item:  # the generic schema is a sender's own shape, never a network server's event
        return UPLINK
    if query and "event" in query and ("deviceInfo" in item or "devEUI" in item):
        return _chirpstack_event(query["event"], item)
    for key, recognise in _SIGNATURES:
        if key in item:
            message = recognise(item)
            if message is not None:
                return message
    return UPLINK


def _chirpstack_event(event: str, item: dict) -> Message:
    keep = CHIRPSTACK_EVENTS.get(event)
    if keep is None:  # "up", or a value ChirpStack does not document: an uplink
        return _CHIRPSTACK_UPLINK
    return Message(event, "chirpstack", keep, _chirpstack_serial(item))


def _tts(item: dict) -> Message | None:
    if "uplink_message" in item:
        return _TTS_UPLINK
    for key, keep in TTS_MESSAGES.items():
        if key in item:
            return Message(key, "tts", keep, _nested(item, "end_device_ids", "dev_eui"))
    return None


def _chirpstack_v4(item: dict) -> Message | None:
    info = item["deviceInfo"]
    if not isinstance(info, dict):
        return None
    if "data" in item:  # only uplink events carry data: the common case, answered at once
        return UPLINK
    kind = _chirpstack_shape(item) or ("txack" if "downlinkId" in item else None)
    if kind is None and "queueItemId" in item:
        kind = "ack"
    return Message(kind, "chirpstack", CHIRPSTACK_EVENTS[kind], info.get("devEui")) if kind else None


def _chirpstack_v3(item: dict) -> Message | None:
    """ChirpStack v3 events (and Milesight's embedded network server, which speaks the same) without ``?event=``."""
    if "applicationID" not in item:
        return None
    if "data" in item:  # only uplink events carry data
        return UPLINK
    network = "milesight" if "gatewaySN" in item else "chirpstack"
    status = item.get("status")
    if network == "milesight" and (status == "online" or status == "offline"):  # Milesight connectivity
        return Message(status, network, True, item["devEUI"])
    kind = _chirpstack_shape(item)
    if kind is None and isinstance(item.get("error"), str):
        kind = "error"
    if kind is None and "gatewayID" in item and "txInfo" in item and "rxInfo" not in item:
        kind = "txack"
    return Message(kind, network, CHIRPSTACK_EVENTS[kind], item["devEUI"]) if kind else None


def _chirpstack_shape(item: dict) -> str | None:
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


def _loriot(item: dict) -> Message | None:
    cmd = item.get("cmd")
    if cmd == "rx" or cmd == "gw":
        return _LORIOT_UPLINK
    if isinstance(cmd, str) and cmd in LORIOT_COMMANDS:
        return Message(cmd, "loriot", LORIOT_COMMANDS[cmd], item["EUI"])
    return None  # another cmd is not documented: an uplink, as LORIOT detection has always treated it


def _everynet(item: dict) -> Message | None:
    meta, kind = item["meta"], item.get("type")
    if not isinstance(meta, dict) or "device" not in meta or not isinstance(kind, str):
        return None
    if "network" not in meta and "packet_hash" not in meta:  # every Everynet meta names its network or packet
        return None
    if kind == "uplink":
        return _EVERYNET_UPLINK
    keep = EVERYNET_TYPES.get(kind)
    return None if keep is None else Message(kind, "everynet", keep, meta["device"])


def _helium(item: dict) -> Message | None:
    # helium/router router_device_channels_worker.erl: joins go to integrations as type "join" (uplinks: "uplink")
    if item.get("type") == "join" and "app_eui" in item:
        return Message("join", "helium", False, item["dev_eui"])
    return None


def _thingpark(key: str) -> Callable[[dict], Message]:
    kind, keep = THINGPARK_MESSAGES[key]
    device_key = None if key == "BS_alarm" else key  # a base station alarm names no device
    return lambda item: Message(kind, "thingpark", keep, _nested(item, device_key, "DevEUI") if device_key else None)


def _kerlink(item: dict) -> Message | None:
    # Kerlink WMC pushes downlink status (DataDownEventDto) to its dataDownEvent route
    if "status" in item or "event" in item:
        return Message("data_down_event", "kerlink", False, _nested(item, "endDevice", "devEui"))
    return None


def _sigfox(item: dict) -> Message | None:
    """Sigfox SERVICE callbacks, when the body template names its fields after Sigfox's variables."""
    if "data" in item:
        return None  # a DATA callback: an uplink
    serial = item.get("device", item.get("devices"))
    if "infoCode" in item and "downlinkAck" in item:
        return Message("ack", "sigfox", False, serial)
    if "batt" in item and "temp" in item:
        return Message("status", "sigfox", True, serial)
    if "radius" in item and "lat" in item and "lng" in item:
        return Message("location", "sigfox", True, serial)
    if "severity" in item and "info" in item:
        return Message("error", "sigfox", True, serial)
    return None


def _chirpstack_serial(item: dict) -> object:
    return _nested(item, "deviceInfo", "devEui") if "deviceInfo" in item else item.get("devEUI")


def _nested(item: dict, parent: str, key: str) -> object:
    value = item.get(parent)
    return value.get(key) if isinstance(value, dict) else None


_TTS_UPLINK = Message("uplink", "tts")
_CHIRPSTACK_UPLINK = Message("uplink", "chirpstack")
_LORIOT_UPLINK = Message("uplink", "loriot")
_EVERYNET_UPLINK = Message("uplink", "everynet")
_THINGPARK_UPLINK = Message("uplink", "thingpark")
# (top-level key, recogniser) in the order they are tried; a recogniser answers None when the item is not its own.
_SIGNATURES: tuple[tuple[str, Callable[[dict], Message | None]], ...] = (
    ("end_device_ids", _tts),
    ("DevEUI_uplink", lambda item: _THINGPARK_UPLINK),
    ("deviceInfo", _chirpstack_v4),
    ("EUI", _loriot),
    ("devEUI", _chirpstack_v3),
    ("meta", _everynet),
    ("dev_eui", _helium),
    *((key, _thingpark(key)) for key in THINGPARK_MESSAGES),
    ("dataDownId", _kerlink),
    *((key, _sigfox) for key in SIGFOX_DEVICE_KEYS),
)
