"""Items of a request that are not uplinks: their receipt entries, and the device events kept for those that carry
device state (see ``inlet.core.network_servers`` and ``inlet.core.device_events``)."""

from __future__ import annotations

from inlet.core.device_events import build_event, event_serial
from inlet.core.ingest_item import IngestItem


def not_uplinks(items: list[IngestItem]) -> None:
    """Marks the items that are not uplinks ``ignored`` as their type; their receipt shows the device they name, if
    any."""
    for item in items:
        if not item.message.is_uplink:
            item.ignored_as = item.message.type
            item.uplink.serial = event_serial(item.message, item.uplink.serial)


def keepers_of(items: list[IngestItem]) -> list[IngestItem]:
    """The non-uplinks that carry device state and name a device. Only keys that store records in Inlet's table
    keep them (a TagoIO-only key has no such table: its events are answered ``ignored`` and not kept)."""
    return [item for item in items if item.message.keep and item.serial]


def device_events(
    keepers: list[IngestItem], devices: dict, tenant: str, group: str, stamp, key_id: str | None = None
) -> list[dict]:
    """Device events of the keepers whose device is known (the caller checks them like records before writing)."""
    events = []
    for item in keepers:
        if devices.get(item.serial) is None:
            continue
        event = build_event(
            item.message, item.sent, tenant, item.serial, group, item.index, stamp.received_at, stamp.expires_at
        )
        events.append({**event, "index": item.index, "key_id": key_id})
    return events
