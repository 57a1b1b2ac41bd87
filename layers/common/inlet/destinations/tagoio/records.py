"""TagoIO's data rules, and an accepted Inlet record turned into the TagoIO records of its uplink. Pure functions.

Rules (TagoIO's docs, ``POST /data``): ``variable`` at most 100 characters, lower-case, none of ``* ? ! < > . - = $``
nor spaces; ``value`` a string, number or boolean of at most 6 kB; ``unit`` at most 25 characters; ``group`` at
most 100; ``metadata`` an object of at most 10 kB. Sizes are counted in UTF-8 bytes with kB = 1,000 (the strict
reading). Whatever can be made valid without losing information is fixed; the rest is left out and named in a warning
that the uplink's receipt shows: nothing is dropped silently.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

import orjson

from inlet.core.network_servers import FORMATS_BY_ID
from inlet.core.records import record_variables

MAX_VARIABLE = 100
MAX_VALUE_BYTES = 6_000
MAX_METADATA_BYTES = 10_000
MAX_GROUP = 100
MAX_UNIT = 25
MAX_EXACT_INTEGER = 2**53  # TagoIO stores numbers as doubles: larger integers travel as text to stay exact
_FORBIDDEN = re.compile(r"[*?!<>.\-=$\s]")
# TagoIO refuses a whole POST when a record's time is too far in the future (about a day) or older than the device's
# data retention. An uplink whose time is outside this window around its receive time is sent with TagoIO's default
# time (ingestion) and its own time in ``metadata.device_time``: kept, never refused. The window is narrower than
# TagoIO's so that clocks and retries cannot reach its edge; the past limit assumes a retention of at least 30 days.
MAX_AHEAD = timedelta(hours=1)
MAX_AGE = timedelta(days=30)
DEVICE_TIME = "device_time"


def variable_problem(name: object) -> str | None:
    if not isinstance(name, str) or not name:
        return "variable is missing"
    if len(name) > MAX_VARIABLE:
        return f"variable {name[:40]!r}... is longer than {MAX_VARIABLE} characters"
    if name != name.lower() or _FORBIDDEN.search(name):
        return f"variable {name!r} must be lower-case without * ? ! < > . - = $ or spaces"
    return None


def record_problem(record: dict) -> str | None:
    """Why TagoIO would refuse this record, or ``None`` when it is valid."""
    problem = variable_problem(record.get("variable"))
    if problem:
        return problem
    name, value = record["variable"], record.get("value")
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return f"{name}: value must be a string, number or boolean"
    if isinstance(value, str) and len(value.encode()) > MAX_VALUE_BYTES:
        return f"{name}: value is {len(value.encode())} bytes, more than {MAX_VALUE_BYTES}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{name}: value is not a finite number"
    for field, limit in (("unit", MAX_UNIT), ("group", MAX_GROUP)):
        text = record.get(field)
        if text is not None and (not isinstance(text, str) or len(text) > limit):
            return f"{name}: {field} must be a string of at most {limit} characters"
    metadata = record.get("metadata")
    if metadata is not None and (not isinstance(metadata, dict) or len(orjson.dumps(metadata)) > MAX_METADATA_BYTES):
        return f"{name}: metadata must be an object of at most {MAX_METADATA_BYTES} bytes"
    return None


def port_variable(format_id: str | None) -> str:
    """The one name TagoIO's own network integration for this LNS gives the port (tago-io/decoders, network/*): the
    LNS's field name in lower case (TagoIO lower-cases variables), e.g. ChirpStack ``fPort`` -> ``fport``, LORIOT and
    Helium ``port``; TTS ``f_port`` -> ``fport`` (lorawan-ttittn-v3 sets ``fport``). Inlet's generic schema and the
    Generic Endpoint's parser: ``port``. Sent once: each extra variable costs the profile's data quota."""
    known = FORMATS_BY_ID.get(format_id or "")
    path = known.fields.port if known else None
    name = _FORBIDDEN.sub("", path[-1].lower().replace("_", "")) if path else ""
    return name or "port"


def to_tagoio(record: dict) -> tuple[list[dict], list[str]]:
    """The TagoIO records of one accepted uplink (``payload`` as hex, the port once, then every variable), all with
    the request's group and the uplink's time, and the warnings for what could not be made valid."""
    out: list[dict] = []
    warnings: list[str] = []
    shared, device_time = _time_fields(record, warnings)
    for candidate in _candidates(record, warnings):
        if device_time:
            candidate = {**candidate, "metadata": {**(candidate.get("metadata") or {}), DEVICE_TIME: device_time}}
        fixed = _made_valid({**candidate, **shared}, warnings)
        if fixed is not None:
            out.append(fixed)
    if not out:
        warnings.append("tagoio_nothing_to_send")
    return out, warnings


def _time_fields(record: dict, warnings: list[str]) -> tuple[dict, str]:
    """The group and time every TagoIO record of the uplink shares, and the device time moved to metadata, if any."""
    shared = {"group": record["group"], "time": record["time"]}
    moment, received = _parse_time(record.get("time")), _parse_time(record.get("received_at"))
    if moment is None or received is None or received - MAX_AGE <= moment <= received + MAX_AHEAD:
        return shared, ""
    warnings.append(f"tagoio_time_moved: {record['time']} is outside what TagoIO takes, kept as metadata.device_time")
    return {"group": record["group"]}, str(record["time"])


def _parse_time(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _candidates(record: dict, warnings: list[str]) -> list[dict]:
    """Raw bytes and port first, in the names that decoders look for; an item field of the same name is renamed."""
    reserved: list[dict] = []
    if record.get("payload") is not None:
        reserved.append({"variable": "payload", "value": record["payload"]})
    if record.get("port") is not None:
        reserved.append({"variable": port_variable(record.get("format")), "value": record["port"]})
    given = record_variables(record)
    taken = {r["variable"] for r in reserved} | {v["variable"] for v in given}
    variables = []
    for variable in given:
        if variable["variable"] in {r["variable"] for r in reserved}:
            renamed = _free_name(variable["variable"], taken)
            warnings.append(f"tagoio_variable_renamed: {variable['variable']} -> {renamed}")
            taken.add(renamed)
            variable = {**variable, "variable": renamed}
        variables.append(variable)
    return reserved + variables


def _made_valid(candidate: dict, warnings: list[str]) -> dict | None:
    name = candidate["variable"]
    clean = _FORBIDDEN.sub("_", str(name).lower())[:MAX_VARIABLE]
    if clean != name:
        warnings.append(f"tagoio_variable_renamed: {name} -> {clean}")
        candidate["variable"] = name = clean
    value = candidate.get("value")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_EXACT_INTEGER:
        candidate["value"] = str(value)
        warnings.append(f"tagoio_number_as_text: {name}")
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        candidate["value"] = orjson.dumps(value).decode()
        warnings.append(f"tagoio_value_as_json_text: {name}")
    problem = record_problem(candidate)
    if problem:
        warnings.append(f"tagoio_left_out: {problem}")
        return None
    return candidate


def _free_name(name: str, taken: set[str]) -> str:
    counter = 2
    while f"{name[: MAX_VARIABLE - 4]}_{counter}" in taken:
        counter += 1
    return f"{name[: MAX_VARIABLE - 4]}_{counter}"
