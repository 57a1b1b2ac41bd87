"""One lake row from one stored record (uplink or device event), as JSON-ready values in the schema's columns.

The input is a record as the Records table gives it back (``inlet.adapters.record_items.from_item``): the live path
(DynamoDB Streams), the backfill and the local stack all build rows from what was stored, so they agree.
Timestamps are ISO-8601 UTC text with milliseconds (``2026-01-02T03:04:05.678Z``), a form Firehose's OpenX JSON
deserializer and DuckDB both read as a timestamp.
"""

from __future__ import annotations

import math

import orjson

from inlet.core.decoding.outcome import FLAG_DECODE_FAILED, decoded_variables
from inlet.core.lake.radio import frame_counter_of, gateways_of
from inlet.core.lake.schema import SCHEMA_VERSION, TABLES
from inlet.core.link_health import signal_of

MAX_DECODED_VALUES = 256  # numeric values kept in the map per row (the JSON text keeps them all)
# Where a network server puts what its own payload decoder returned (variable-name prefixes), used when Inlet did
# not decode the uplink: TTS payload formatters, ChirpStack codecs, Helium functions, TTN v2 payload functions.
NETWORK_DECODED = {
    "tts_v3": "uplink_message_decoded_payload_",
    "chirpstack_v4": "object_",
    "chirpstack_v3": "object_",
    "helium": "decoded_payload_",
    "ttn_v2": "payload_fields_",
}
# A flat (generic) item's other fields are its values, except what describes the radio or the message.
GENERIC_NOT_VALUES = frozenset(
    {"rssi", "snr", "fcnt", "f_cnt", "counter", "frame_counter", "gateway", "gateway_id", "time", "location"}
)


def lake_row(record: dict) -> dict:
    """The row of a stored record, with its partition (``tenant``, ``day``) and ``table`` for routing."""
    values = {v.get("variable"): v.get("value") for v in record.get("variables") or () if isinstance(v, dict)}
    network = record.get("format") or ""
    signal = signal_of(record)
    decoder = record.get("decoder") or {}
    numbers, decoded_json, decoded_by = decoded_values(record, network, values)
    flags = list(record.get("flags") or [])
    event = record.get("event")
    latitude, longitude = _location(record.get("variables") or ())
    return {
        "table": "device_events" if event else "uplinks",
        "tenant": record["tenant"],
        "day": record["received_at"][:10],
        "id": record["id"],
        "serial": record["serial"],
        "time": record.get("time") or record["received_at"],
        "received_at": record["received_at"],
        "port": _port(record.get("port")),
        "payload": record.get("payload"),
        "network": network or None,
        "rssi": signal.rssi,
        "snr": signal.snr,
        "gateways": gateways_of(network, values),
        "frame_counter": frame_counter_of(network, values),
        "key_id": record.get("key_id"),
        "decoded": numbers,
        "decoded_json": decoded_json,
        "decoder": decoder.get("connector") or decoded_by,
        "decode_failed": FLAG_DECODE_FAILED in flags,
        "decode_error": "; ".join(str(e) for e in decoder.get("errors") or ()) or None,
        "flags": flags,
        "latitude": latitude,
        "longitude": longitude,
        "event": event,
        "event_json": _json(values) if event else None,
        "schema_version": SCHEMA_VERSION,
    }


def prefix_of(row: dict) -> str:
    """Where a row lands: ``uplinks/tenant=T/day=D`` (or ``device_events/...``), as Firehose's prefix writes it."""
    return f"{TABLES[row['table']]}/tenant={row['tenant']}/day={row['day']}"


def decoded_values(record: dict, network: str, values: dict) -> tuple[dict[str, float], str | None, str | None]:
    """``(numbers, JSON text, who decoded)``: Inlet's decoder's result; else the network server's own decoded
    payload (``network:<format>``); else, for a flat item, its other fields (``fields``)."""
    if record.get("decoded") is not None or record.get("event"):
        return numeric_values(record), _json(record.get("decoded")), None
    prefix = NETWORK_DECODED.get(network)
    if prefix:
        found = {name[len(prefix) :]: value for name, value in values.items() if name.startswith(prefix)}
        return _numbers(found), _json(found), f"network:{network}" if found else None
    if network == "generic":
        found = {n: v for n, v in values.items() if n not in GENERIC_NOT_VALUES and not n.startswith("gateways_")}
        numbers = _numbers(found)
        return numbers, _json(found), "fields" if numbers else None
    return {}, None, None


def _numbers(found: dict) -> dict[str, float]:
    numbers = {name: float(value) for name, value in found.items() if _finite(value)}
    return dict(list(numbers.items())[:MAX_DECODED_VALUES])


def numeric_values(record: dict) -> dict[str, float]:
    """The decoded values that are finite numbers, by their full-path name (``battery_voltage``): what makes
    ``decoded['temperature']`` work without JSON functions. Booleans and numeric strings stay in the JSON text."""
    numbers: dict[str, float] = {}
    for variable in decoded_variables(record):
        if not isinstance(variable, dict) or len(numbers) >= MAX_DECODED_VALUES:
            continue
        name, value = variable.get("variable"), variable.get("value")
        if isinstance(name, str) and _finite(value) and name not in numbers:
            numbers[name] = float(value)
    return numbers


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _port(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31 else None


def _location(variables) -> tuple[float | None, float | None]:
    for variable in variables:
        point = variable.get("location") if isinstance(variable, dict) else None
        if isinstance(point, dict) and _finite(point.get("lat")) and _finite(point.get("lng")):
            return float(point["lat"]), float(point["lng"])
    return None, None


def _json(value: object) -> str | None:
    if value is None or value == {}:
        return None
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return None
