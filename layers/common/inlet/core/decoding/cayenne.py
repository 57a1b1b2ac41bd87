"""Cayenne Low Power Payload, with the extended types 100-142 (ElectronicCats' CayenneLPP), decoded in Python.

A payload is a sequence of ``channel, type, value`` fields; values are big-endian integers scaled by the type's
resolution. Each field becomes ``<name>_<channel>`` in the data object (the names The Things Stack uses where it
has one): ``temperature_1: 27.2``, ``gps_3: {latitude, longitude, altitude}``, ``accelerometer_2: {x, y, z}``.
"""

from __future__ import annotations

from typing import NamedTuple


class CayenneError(ValueError):
    """The payload is not valid Cayenne LPP (the message says where)."""


class LppType(NamedTuple):
    name: str
    sizes: tuple[int, ...]  # bytes of each component
    scales: tuple[int, ...]  # each component is its integer divided by its scale
    signed: bool
    components: tuple[str, ...] = ()  # names of a multi-component value


def _one(name: str, size: int, scale: int = 1, signed: bool = False) -> LppType:
    return LppType(name, (size,), (scale,), signed)


_XYZ = ("x", "y", "z")
TYPES: dict[int, LppType] = {
    0: _one("digital_in", 1),
    1: _one("digital_out", 1),
    2: _one("analog_in", 2, 100, signed=True),
    3: _one("analog_out", 2, 100, signed=True),
    100: _one("generic_sensor", 4),
    101: _one("luminosity", 2),
    102: _one("presence", 1),
    103: _one("temperature", 2, 10, signed=True),
    104: _one("relative_humidity", 1, 2),
    113: LppType("accelerometer", (2, 2, 2), (1000, 1000, 1000), True, _XYZ),
    115: _one("barometric_pressure", 2, 10),
    116: _one("voltage", 2, 100),
    117: _one("current", 2, 1000),
    118: _one("frequency", 4),
    120: _one("percentage", 1),
    121: _one("altitude", 2, signed=True),
    122: _one("load", 3, 1000, signed=True),
    125: _one("concentration", 2),
    128: _one("power", 2),
    130: _one("distance", 4, 1000),
    131: _one("energy", 4, 1000),
    132: _one("direction", 2),
    133: _one("unixtime", 4),
    134: LppType("gyrometer", (2, 2, 2), (100, 100, 100), True, _XYZ),
    135: LppType("colour", (1, 1, 1), (1, 1, 1), False, ("r", "g", "b")),
    136: LppType("gps", (3, 3, 3), (10000, 10000, 100), True, ("latitude", "longitude", "altitude")),
    142: _one("switch", 1),
}


def decode_cayenne(payload: bytes) -> tuple[dict, list[str]]:
    """``(data, warnings)``; a CayenneError for an unknown type or a truncated field."""
    data: dict = {}
    warnings: list[str] = []
    position = 0
    while position < len(payload):
        if position + 2 > len(payload):
            raise CayenneError(f"truncated field at byte {position}: a channel and a type need 2 bytes")
        channel, kind = payload[position], payload[position + 1]
        lpp = TYPES.get(kind)
        if lpp is None:
            raise CayenneError(f"unknown Cayenne LPP type {kind} at byte {position + 1}")
        numbers = [
            _scaled(v, scale) for v, scale in zip(_integers(payload, position + 2, lpp), lpp.scales, strict=True)
        ]
        key = f"{lpp.name}_{channel}"
        if key in data:
            warnings.append(f"{key} appears more than once; the last value is kept")
        data[key] = dict(zip(lpp.components, numbers, strict=True)) if lpp.components else numbers[0]
        position += 2 + sum(lpp.sizes)
    return data, warnings


def _integers(payload: bytes, start: int, lpp: LppType) -> list[int]:
    needed = sum(lpp.sizes)
    if start + needed > len(payload):
        raise CayenneError(f"truncated {lpp.name} value at byte {start}: it needs {needed} bytes")
    values, position = [], start
    for size in lpp.sizes:
        values.append(int.from_bytes(payload[position : position + size], "big", signed=lpp.signed))
        position += size
    return values


def _scaled(value: int, scale: int) -> int | float:
    return value if scale == 1 else value / scale
