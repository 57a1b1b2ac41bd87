"""How well a device is heard: the RSSI and SNR of an uplink, read from its stored record, per network server.

Every network server puts the radio metadata somewhere else: one reading at the top level (LORIOT, Senet, Everynet,
ThingPark's best base station) or one per receiving gateway in a list (The Things Stack's ``rx_metadata``,
ChirpStack's ``rxInfo``, Helium's ``hotspots``, Sigfox's ``duplicates``). With several gateways the device's link is
its strongest reception (highest RSSI), and the SNR is that same gateway's, never a mix of two gateways.

Records are read back with their variables (full-path names, see ``inlet.core.variables``), so the places below are
variable names, ``#`` standing for a list index. Nothing here is written on the ingest path: the records answer it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from inlet.core.network_servers import FORMATS
from inlet.core.network_servers.base import Place


@dataclass(frozen=True, slots=True)
class Signal:
    rssi: float | None  # dBm
    snr: float | None  # dB
    gateways: int  # receptions that carried a reading


# format id -> where its readings are (``Format.radio``, one object per network server)
PLACES: dict[str, tuple[Place, ...]] = {fmt.id: fmt.radio for fmt in FORMATS}
NO_SIGNAL = Signal(None, None, 0)


def signal_of(record: dict) -> Signal:
    """The strongest reception of a stored record (``format`` and ``variables``), or ``NO_SIGNAL``."""
    values = {v.get("variable"): v.get("value") for v in record.get("variables") or () if isinstance(v, dict)}
    for place in PLACES.get(record.get("format") or "", ()):
        readings = _readings(place, values)
        if readings:
            rssi, snr = max(readings, key=_strength)
            return Signal(rssi, snr, len(readings))
    return NO_SIGNAL


def _readings(place: Place, values: dict) -> list[tuple[float | None, float | None]]:
    """``(rssi, snr)`` of each reception at this place that has at least one of them."""
    prefixes = _indexed_prefixes(place.prefix, values) if "#" in place.prefix else [place.prefix]
    readings = []
    for prefix in prefixes:
        rssi, snr = _first(values, prefix, place.rssi), _first(values, prefix, place.snr)
        if rssi is not None or snr is not None:
            readings.append((rssi, snr))
    return readings


def _indexed_prefixes(pattern: str, values: dict) -> list[str]:
    """The prefixes that exist for ``pattern`` (``rxinfo_#_`` -> ``rxinfo_0_``, ``rxinfo_1_``…), in index order."""
    head, tail = pattern.split("#", 1)
    found = re.compile(re.escape(head) + r"(\d+)" + re.escape(tail))
    indexes = {int(m.group(1)) for name in values if isinstance(name, str) and (m := found.match(name))}
    return [f"{head}{i}{tail}" for i in sorted(indexes)]


def _first(values: dict, prefix: str, names: tuple[str, ...]) -> float | None:
    for name in names:
        number = _number(values.get(prefix + name))
        if number is not None:
            return number
    return None


def _number(value: object) -> float | None:
    """A finite number, also from a decimal string (ThingPark's ``"-80.000000"``, Netmore's ``"-97"``)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _strength(reading: tuple[float | None, float | None]) -> tuple[float, float]:
    rssi, snr = reading
    return (-math.inf if rssi is None else rssi, -math.inf if snr is None else snr)
