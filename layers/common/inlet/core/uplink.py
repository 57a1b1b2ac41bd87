"""Map one item of a request to an uplink: serial, payload, port, time, location and the remaining variables."""

from __future__ import annotations

from dataclasses import dataclass, field

from inlet.core.consumed import without_paths
from inlet.core.mapping import FieldMap, Path, get_path
from inlet.core.network_servers import Format, detect_format
from inlet.core.values import FLAG_PORT, FLAG_TIME, canonical_serial, iso_time, normalise_port
from inlet.core.variables import coordinates, variables_of


@dataclass(slots=True)
class Uplink:
    index: int
    format: str
    serial: str | None
    payload: object  # as sent; converted to hex once the device's encoding is known
    payload_encoding: str | None  # what the detected format says
    port: object
    time: str | None
    fields: dict  # every other field of the item, as sent (the consumed ones removed)
    location: dict | None = None  # {"lat", "lng"} from the mapped latitude/longitude
    flags: list[str] = field(default_factory=list)

    @property
    def variables(self) -> list[dict]:
        """The other fields as TagoIO variables (``{"variable", "value"}``, plus ``location``)."""
        return variables_of(self.fields, self.location)


def map_item(index: int, item: dict, query: dict[str, str], mapping: FieldMap | None) -> Uplink:
    fmt = detect_format(item)
    fields = _merge(fmt.fields, mapping)
    consumed: list[Path] = []
    flags: list[str] = []

    # the format's serial encoding (base64 EUI) describes its own serial field, not one the key's mapping chose
    serial_encoding = fmt.serial_encoding if fields.serial == fmt.fields.serial else "text"
    serial = canonical_serial(_take(item, query, fields.serial, fmt, "serial", consumed), serial_encoding)
    payload = _take(item, query, fields.payload, fmt, "payload", consumed)
    port = _take(item, query, fields.port, fmt, "port", consumed)
    if port is not None:
        port, ok = normalise_port(port)
        if not ok:
            flags.append(FLAG_PORT)
    time = _mapped_time(item, query, fields.time, consumed, flags)

    location = _mapped_location(item, query, fields, consumed)
    others = without_paths(item, consumed)
    return Uplink(index, fmt.id, serial, payload, fmt.payload_encoding, port, time, others, location, flags)


def _merge(detected: FieldMap, mapping: FieldMap | None) -> FieldMap:
    """Targets named by the key's mapping win; the others keep the detected format's paths."""
    if mapping is None:
        return detected
    return FieldMap(*(m or d for m, d in zip(_astuple(mapping), _astuple(detected), strict=False)))


def _astuple(fields: FieldMap) -> tuple:
    return (fields.serial, fields.payload, fields.port, fields.time, fields.latitude, fields.longitude)


def _take(item: dict, query: dict, path: Path | None, fmt: Format, target: str, consumed: list[Path]) -> object:
    """Read a target from the item (and mark it consumed), else from the query string."""
    if path is None:
        return None
    value = get_path(item, path)
    if value is not None:
        consumed.append(path)
        return value
    if not query:
        return None
    value = query.get(".".join(path))
    if value is None:
        value = next((query.get(name) for t, name in fmt.query_names if t == target and name in query), None)
    return value


def _mapped_time(item: dict, query: dict, path: Path | None, consumed: list[Path], flags: list[str]) -> str | None:
    if path is None:
        return None
    raw = get_path(item, path)
    if raw is None:
        raw = query.get(".".join(path)) if query else None
        return iso_time(raw) if raw is not None else None
    parsed = iso_time(raw)
    if parsed is None:
        flags.append(FLAG_TIME)  # kept as a variable below, nothing is lost
    else:
        consumed.append(path)
    return parsed


def _mapped_location(item: dict, query: dict, fields: FieldMap, consumed: list[Path]) -> dict | None:
    if fields.latitude is None or fields.longitude is None:
        return None
    lat, lng = get_path(item, fields.latitude), get_path(item, fields.longitude)
    in_item = lat is not None and lng is not None
    if not in_item and query:
        lat, lng = query.get(".".join(fields.latitude)), query.get(".".join(fields.longitude))
    location = coordinates(lat, lng)
    if location and in_item:
        consumed.extend((fields.latitude, fields.longitude))
    return location
