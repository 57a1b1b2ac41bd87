"""Which destinations take a stored item: the tenant's, of the item's key (or every key), through the filter. Pure.

``filter``: ``serials`` (exact, upper-case), ``serial_prefix``, ``ports`` (numbers), ``types`` (``uplink``,
``device_event``; default: uplinks only).
"""

from __future__ import annotations

from inlet.destinations.body import DEVICE_EVENT, UPLINK
from inlet.destinations.kind import Destination


def takes(destination: Destination, key_id: str, serial: str, port: object, item_type: str) -> bool:
    if destination.keys and key_id not in destination.keys:
        return False
    wanted = destination.filter
    if item_type not in (wanted.get("types") or [UPLINK]):
        return False
    if wanted.get("serials") and serial not in wanted["serials"]:
        return False
    if wanted.get("serial_prefix") and not serial.startswith(wanted["serial_prefix"]):
        return False
    return not (wanted.get("ports") and port not in wanted["ports"])


def parse_filter(text: str) -> dict:
    """``serial=A,B;serial_prefix=70B3;port=1,2;type=uplink,device_event`` as the stored filter."""
    result: dict = {}
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        name, _, value = part.partition("=")
        values = [v.strip() for v in value.split(",") if v.strip()]
        name = name.strip()
        if not values:
            raise ValueError(f"filter {name!r} has no value")
        if name == "serial":
            result["serials"] = [v.upper() for v in values]
        elif name == "serial_prefix":
            result["serial_prefix"] = values[0].upper()
        elif name == "port":
            try:
                result["ports"] = [int(v) for v in values]
            except ValueError:
                raise ValueError("filter port takes numbers") from None
        elif name == "type":
            if set(values) - {UPLINK, DEVICE_EVENT}:
                raise ValueError(f"filter type is {UPLINK} or {DEVICE_EVENT}")
            result["types"] = values
        else:
            raise ValueError(f"unknown filter {name!r}: serial, serial_prefix, port or type")
    return result
