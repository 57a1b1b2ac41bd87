"""Messages that are not uplinks but carry device state (battery, link margin, a solved location, a notification):
kept as *device events*, beside the device's uplinks and never mixed with them.

A device event is stored like a record (same table, same item layout, same checks), under the device's events
partition, so that "the latest uplinks" stays one Query that never meets an event.
"""

from __future__ import annotations

from inlet.core.network_servers import Message
from inlet.core.serials import serial_problem
from inlet.core.values import canonical_serial

EVENTS_SUFFIX = "#events"  # appended to the device's partition key; '#' is outside the tenant and serial rules


def build_event(
    message: Message, item: dict, tenant: str, serial: str, group: str, index: int, received_at: str, expires_at
) -> dict:
    """A device event in the record form the record store writes (the item kept whole, as sent)."""
    return {
        "id": f"{group}-{index}",
        "sk": f"{received_at}#{group}#{index:05d}",
        "tenant": tenant,
        "serial": serial,
        "partition_suffix": EVENTS_SUFFIX,
        "group": group,
        "received_at": received_at,
        "time": received_at,
        "event": message.type,
        "format": message.format,
        "fields": item,
        "expires_at": expires_at,
    }


def event_serial(message: Message, mapped: str | None) -> str | None:
    """The device a non-uplink names: its own identifier when it has one, else what the mapping found; ``None``
    when neither follows the serial rule. ChirpStack v3's JSON marshaler sends the DevEUI as base64 (12 characters
    ending in '='), decoded as its uplinks are."""
    raw = message.serial
    if raw is None:
        serial = mapped
    else:
        base64 = isinstance(raw, str) and len(raw) == 12 and raw.endswith("=")
        serial = canonical_serial(raw, "base64" if base64 else "text")
    return serial if serial and not serial_problem(serial) else None
