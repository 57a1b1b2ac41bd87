"""Items of a request that are not uplinks: their receipt entries, and the device events kept for those that carry
device state (see ``inlet.core.messages`` and ``inlet.core.device_events``)."""

from __future__ import annotations

from inlet.core.device_events import build_event, event_serial
from inlet.core.messages import Message
from inlet.core.uplink import Uplink


def not_uplinks(uplinks: list[Uplink], messages: list[Message]) -> dict[int, str]:
    """index -> type of the items that are not uplinks; their receipt shows the device they name, if any."""
    ignored = {}
    for uplink, message in zip(uplinks, messages, strict=True):
        if not message.is_uplink:
            ignored[uplink.index] = message.type
            uplink.serial = event_serial(message, uplink.serial)
    return ignored


def keepers_of(uplinks: list[Uplink], messages: list[Message]) -> list[Uplink]:
    """The non-uplinks that carry device state and name a device. Only keys that store records in Inlet's table
    keep them (a TagoIO-only key has no such table: its events are answered ``ignored`` and not kept)."""
    return [u for u, m in zip(uplinks, messages, strict=True) if m.keep and u.serial]


def device_events(
    keepers: list[Uplink],
    messages: list[Message],
    items: list[dict],
    devices: dict,
    tenant: str,
    group: str,
    stamp,
    key_id: str | None = None,
) -> list[dict]:
    """Device events of the keepers whose device is known (the caller checks them like records before writing)."""
    events = []
    for uplink in keepers:
        if devices.get(uplink.serial) is None:
            continue
        message, item = messages[uplink.index], items[uplink.index]
        event = build_event(
            message, item, tenant, uplink.serial, group, uplink.index, stamp.received_at, stamp.expires_at
        )
        events.append({**event, "index": uplink.index, "key_id": key_id})
    return events
