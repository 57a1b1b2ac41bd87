"""The Things Stack v3 (TTN, TTI) webhooks: one top-level key next to ``end_device_ids`` names the message
(ApplicationUp's oneof, lorawan-stack ``api/ttn/lorawan/v3/messages.proto``); base64 payloads."""

from __future__ import annotations

from inlet.core.network_servers.base import Format, Message, Place, fields, has, nested

ID = "tts_v3"
# type -> keep. uplink_normalized comes besides the uplink_message of the same uplink: storing it too would
# duplicate the uplink.
TTS_MESSAGES = {"join_accept": False, "downlink_ack": False, "downlink_nack": False, "downlink_sent": False,
                "downlink_failed": False, "downlink_queued": False, "downlink_queue_invalidated": False,
                "location_solved": True, "service_data": True,
                "uplink_normalized": False}  # fmt: skip
_UPLINK = Message("uplink", ID)


def _recognise(item: dict) -> Message | None:
    if "uplink_message" in item:
        return _UPLINK
    for key, keep in TTS_MESSAGES.items():
        if key in item:
            return Message(key, ID, keep, nested(item, "end_device_ids", "dev_eui"))
    return None


TTS_V3 = Format(
    ID,
    fields(
        serial="end_device_ids.dev_eui",
        payload="uplink_message.frm_payload",
        port="uplink_message.f_port",
        time="uplink_message.received_at",
    ),
    "base64",
    has("end_device_ids", "uplink_message"),
    server_time=True,
    radio=(Place("uplink_message_rx_metadata_#_", rssi=("rssi", "channel_rssi")),),
    messages=(("end_device_ids", _recognise),),
    page="the-things-stack.md",
    recognised_by="`end_device_ids` + `uplink_message`",
    title="The Things Stack v3",
)
