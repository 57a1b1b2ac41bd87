"""The local TagoIO's state and its checks of TagoIO's documented contract (written from the docs, independently of
``inlet.destinations.tagoio.records``, so that a test against this server is a test of Inlet against the contract,
not of Inlet against itself).

- Records: ``variable`` required, <= 100 characters, converted to lower case ("Variables are always converted to
  lowercase", sending-data.md), none of ``* ? ! < > . - = $`` nor whitespace; ``value``
  string, number, boolean or null, a string <= 6,000 bytes; ``unit`` <= 25; ``group`` (or ``serie``) <= 100;
  ``metadata`` an object <= 10,000 bytes of JSON; ``time`` ISO 8601 or Unix time; ``location`` ``{lat, lng}`` or a
  GeoJSON Point; no other field. A body of more than 200,000 bytes is refused. One bad record refuses the whole POST.
- Rate limit: per profile (authorization), per route, per calendar minute (250, TagoIO's Free plan, unless changed).
"""

from __future__ import annotations

import json
import math
import time
from datetime import UTC, datetime

MAX_BODY = 200_000
FIELDS = {"variable", "value", "unit", "group", "serie", "time", "location", "metadata"}
FORBIDDEN = set("*?!<>.-=$")


def record_error(record: object) -> str | None:
    if not isinstance(record, dict):
        return "Each data must be an object"
    unknown = set(record) - FIELDS
    if unknown:
        return f"Unknown field(s): {', '.join(sorted(unknown))}"
    variable = record.get("variable")
    if not isinstance(variable, str) or not variable:
        return "Variable is required"
    if len(variable) > 100 or any(c in FORBIDDEN or c.isspace() for c in variable):
        return f"Invalid variable name: {variable[:120]}"
    return _value_error(record.get("value")) or _extras_error(record)


def _value_error(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if math.isfinite(value) else "Value must be a finite number"
    if isinstance(value, str):
        return None if len(value.encode()) <= 6_000 else "Value exceeds 6 kB"
    return "Value must be a string, number or boolean"


def _extras_error(record: dict) -> str | None:
    for name, limit in (("unit", 25), ("group", 100), ("serie", 100)):
        if name in record and (not isinstance(record[name], str) or len(record[name]) > limit):
            return f"{name} must be a string of at most {limit} characters"
    metadata = record.get("metadata")
    if metadata is not None and (not isinstance(metadata, dict) or len(json.dumps(metadata).encode()) > 10_000):
        return "Metadata must be an object of at most 10 kB"
    if "time" in record and not _is_time(record["time"]):
        return "Invalid time"
    if "location" in record and not _is_location(record["location"]):
        return "Invalid location"
    return None


def _is_time(value: object) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_location(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    if value.get("type") == "Point":
        coordinates = value.get("coordinates")
        return isinstance(coordinates, list) and len(coordinates) == 2 and _lat_lng(coordinates[1], coordinates[0])
    return _lat_lng(value.get("lat"), value.get("lng"))


def _lat_lng(lat: object, lng: object) -> bool:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lng))
    return numbers and -90 <= lat <= 90 and -180 <= lng <= 180  # type: ignore[operator]


def parse_body(raw: bytes) -> tuple[list[dict] | None, str]:
    """The records of a POST /data body (variables in lower case), or ``None`` and why it is refused."""
    if len(raw) > MAX_BODY:
        return None, "Payload too large (limit 200 kB)"
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        return None, "Invalid JSON"
    records = [_lower_case(record) for record in (data if isinstance(data, list) else [data])]
    if not records:
        return None, "No data to add"
    for index, record in enumerate(records):
        error = record_error(record)
        if error:
            return None, f"{error} (data {index})"
    return records, ""


def _lower_case(record: object) -> object:
    if isinstance(record, dict) and isinstance(record.get("variable"), str):
        return {**record, "variable": record["variable"].lower()}
    return record


def time_error(records: list[dict], max_future_seconds: int, retention_seconds: int) -> str | None:
    """Why TagoIO would refuse these records' times: too far in the future, or older than the device's retention."""
    now = time.time()
    for index, record in enumerate(records):
        moment = _epoch(record.get("time"))
        if moment is None:
            continue
        if moment > now + max_future_seconds:
            return f"Time is too far in the future (data {index})"
        if retention_seconds and moment < now - retention_seconds:
            return f"Time is older than the device's data retention (data {index})"
    return None


def _epoch(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value / 1000 if value > 10**11 else float(value)  # milliseconds or seconds
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    return None
