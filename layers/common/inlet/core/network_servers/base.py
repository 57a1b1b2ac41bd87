"""What Inlet knows about one network server's webhook format, in one object: how to recognise its uplinks, where
their fields are, the other messages it posts to the same URL, where its radio figures are, and whether its uplinks
carry the network server's own time. ``inlet.core.network_servers`` holds one per format, in detection order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inlet.core.mapping import FieldMap, split_path

Matcher = Callable[[dict], bool]


@dataclass(frozen=True, slots=True)
class Message:
    """What a network server posted: an uplink, or one of its other messages (``Format.messages``)."""

    type: str  # "uplink", or the non-uplink type its format's page lists
    format: str  # the id of the format whose vocabulary recognised it; "" for an uplink nothing names
    keep: bool = False  # the message carries device state worth keeping as a device event
    serial: object = None  # the device identifier as found in a non-uplink (raw); None if it has none

    @property
    def is_uplink(self) -> bool:
        return self.type == "uplink"


UPLINK = Message("uplink", "")
# A recogniser answers what an item carrying its top-level key is, or None when the item is not its format's.
Recogniser = Callable[[dict], Message | None]


@dataclass(frozen=True, slots=True)
class Place:
    """Where readings are among a stored record's variables (full-path names, ``inlet.core.variables``)."""

    prefix: str  # variable name before the reading's own name; "#" is a list index
    rssi: tuple[str, ...] = ("rssi",)  # names tried in order
    snr: tuple[str, ...] = ("snr",)


TOP = Place("")


@dataclass(frozen=True)
class Format:
    id: str
    fields: FieldMap
    payload_encoding: str | None  # "hex", "base64" or None (unknown: hex is kept, anything else is flagged)
    matches: Matcher
    serial_encoding: str = "text"  # "base64": the serial is the base64 of the EUI bytes (ChirpStack v3 JSON)
    query_names: tuple[tuple[str, str], ...] = ()  # extra query-string names per target (ThingPark's LrnDevEui)
    # Its uplinks' time field is the network server's (or its gateways') time of the uplink, not a device's clock:
    # a single uplink can then be deduplicated by its record's own key (``inlet.core.retry_keys``).
    server_time: bool = False
    radio: tuple[Place, ...] = ()  # where its RSSI and SNR are, tried in order (``inlet.core.link_health``)
    # Its other messages: (top-level key, recogniser), tried for an item that has the key (``classify_message``):
    # ``messages`` under a key its uplinks carry too (the recogniser answers for its uplinks as well), tried before
    # ``other_messages``, under keys only its other messages carry.
    messages: tuple[tuple[str, Recogniser], ...] = ()
    other_messages: tuple[tuple[str, Recogniser], ...] = ()
    page: str = ""  # its page under docs/network-servers/
    recognised_by: str = ""  # its detection signature, in words (Markdown), for the documentation
    title: str = ""  # what people call it, when its id does not say


def fields(**paths: str) -> FieldMap:
    return FieldMap(**{target: split_path(path) for target, path in paths.items()})


def has(first: str, second: str | None = None) -> Matcher:
    if second is None:
        return lambda item: first in item
    return lambda item: first in item and second in item


def nested_has(parent: str, key: str) -> Matcher:
    return lambda item: isinstance(item.get(parent), dict) and key in item[parent]


def nested(item: dict, parent: str, key: str) -> object:
    value = item.get(parent)
    return value.get(key) if isinstance(value, dict) else None
