"""The key's "Additional Parameter": which field of the caller's JSON is the serial, payload, port, time, location.

``serial=devaddr;payload=payload_raw;port=fport`` maps each target to a dot path (``deviceInfo.devEui``,
``rxInfo.0.rssi``). Paths are parsed once per key (the key store caches the parsed rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from inlet.errors import BadRequest

Path = tuple[str, ...]
TARGETS = ("serial", "payload", "port", "time", "latitude", "longitude")


@dataclass(frozen=True)
class FieldMap:
    """Where each target field lives in an item. ``None`` means "not mapped"."""

    serial: Path | None = None
    payload: Path | None = None
    port: Path | None = None
    time: Path | None = None
    latitude: Path | None = None
    longitude: Path | None = None

    def paths(self) -> list[Path]:
        return [p for p in (self.serial, self.payload, self.port, self.time, self.latitude, self.longitude) if p]


@lru_cache(maxsize=256)  # parsed once per key configuration, not once per request
def parse_mapping(text: str | None) -> FieldMap | None:
    """Parse an Additional Parameter. Empty means auto-detect (``None``). Unknown targets are an error."""
    if not text or not text.strip():
        return None
    fields: dict[str, Path] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue  # tolerates a trailing ';' and blank segments
        target, sep, path = (s.strip() for s in part.partition("="))
        target = target.lower()
        segments = split_path(path)
        if not sep or not segments or target not in TARGETS:  # "serial=." names no field at all
            raise BadRequest(
                f"Invalid Additional Parameter segment {part!r}: expected one of {', '.join(TARGETS)}=path"
            )
        fields[target] = segments
    return FieldMap(**fields) if fields else None


def split_path(path: str) -> Path:
    return tuple(segment for segment in path.strip().split(".") if segment != "")


def get_path(obj: object, path: Path) -> object:
    """Follow a dot path through objects and arrays (numeric segments index arrays). Missing -> ``None``."""
    for segment in path:
        if type(obj) is dict:  # parsed JSON: exact types, and `type() is` is the cheapest test per uplink
            obj = obj.get(segment)
        elif type(obj) is list and _is_index(segment) and int(segment) < len(obj):
            obj = obj[int(segment)]
        else:
            return None
        if obj is None:
            return None
    return obj


def _is_index(segment: str) -> bool:
    """ASCII digits only: ``int()`` would also read "²"-like digits (and fail) or thousands of digits (and refuse)."""
    return segment.isascii() and segment.isdigit() and len(segment) < 10
