"""What a script is given and what it must give back, for both kinds of connector.

``ts013`` (LoRa Alliance TS013, Payload Codec API): ``decodeUplink({bytes, fPort, recvTime})`` returns
``{data, warnings?, errors?}``; the legacy ``Decoder(bytes, port)`` (TTN v2) and ``Decode(fPort, bytes, variables)``
(ChirpStack v3) return the data object itself. ``tagoio``: the script reads and changes or reassigns the global
``payload``, a list of TagoIO records; what ``payload`` holds at the end is the result.
"""

from __future__ import annotations

import orjson

from inlet.core.values import FLAG_PAYLOAD

MAX_DECODED_BYTES = 100 * 1024  # a record must stay far below DynamoDB's 400 KB item limit, whatever a script does
MAX_MESSAGES = 20  # errors or warnings kept per uplink
MAX_MESSAGE_CHARS = 500
# Levels of objects and arrays in a decoded value: a record holds it one level down, and DynamoDB refuses an item
# nested deeper than 32 levels ("Item too deep"), whatever the value's size.
MAX_DECODED_DEPTH = 24


class ContractViolation(ValueError):
    """The script ran but returned something its contract does not allow (the message says what)."""


def payload_bytes(record: dict) -> bytes | None:
    """The uplink's payload as bytes, or ``None`` when it has none or it is not hex (flagged at ingest)."""
    payload = record.get("payload")
    if not isinstance(payload, str) or FLAG_PAYLOAD in (record.get("flags") or ()):
        return None
    try:
        return bytes.fromhex(payload)
    except ValueError:
        return None


def ts013_input(payload: bytes, port: object, recv_time: str | None) -> dict:
    """The codec's ``input``; ``recvTime`` travels as ISO text and the engine makes it a ``Date``."""
    return {"bytes": list(payload), "fPort": port if isinstance(port, int) else None, "recvTime": recv_time}


def tagoio_input(payload_text: str | None, port: object, extra: list[dict] | None = None, **common: object) -> list:
    """TagoIO's ``payload`` list: the payload (hex), ``port`` and ``fport`` (connectors read either), then ``extra``.

    ``common`` (``group``, ``time``) is set on every record, as TagoIO's network layer does before a connector runs.
    """
    records = []
    if payload_text is not None:
        records.append({"variable": "payload", "value": payload_text})
    if port is not None:
        records += [{"variable": "port", "value": port}, {"variable": "fport", "value": port}]
    records += extra or []
    if common:
        records = [{**record, **{k: v for k, v in common.items() if v is not None}} for record in records]
    return records


def read_ts013(result: object, routine: str) -> tuple[object, list[str], list[str]]:
    """``(data, errors, warnings)`` of a codec's answer; a ContractViolation when the answer has the wrong shape."""
    if routine != "decodeUplink":
        result = {"data": result}  # the legacy forms return the data object itself
    if not isinstance(result, dict):
        raise ContractViolation(f"{routine} must return an object, got {json_type(result)}")
    errors = messages(result.get("errors"), "errors")
    warnings = messages(result.get("warnings"), "warnings")
    data = result.get("data")
    if errors:
        return data, errors, warnings
    if not isinstance(data, dict):
        raise ContractViolation(f"{routine} must return data as an object, got {json_type(data)}")
    check_depth(data, MAX_DECODED_DEPTH)
    return data, errors, warnings


def read_normalized(result: object) -> tuple[object, list[str]]:
    """``(data, notes)`` of ``normalizeUplink``'s answer (The Things Stack's Device Repository: ``{data, warnings?,
    errors?}``, ``data`` an object or a list of objects, one per measurement). Its errors and warnings become notes
    (the decode itself succeeded: they never fail it); ``data`` is ``None`` when it has errors or the wrong shape."""
    if not isinstance(result, dict):
        return None, [f"normalizeUplink: must return an object, got {json_type(result)}"]
    try:
        errors = messages(result.get("errors"), "errors")
        warnings = messages(result.get("warnings"), "warnings")
    except ContractViolation as violation:
        return None, [f"normalizeUplink: {violation}"]
    notes = [f"normalizeUplink: {text}" for text in errors + warnings]
    data = result.get("data")
    if errors:
        return None, notes
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        return None, [*notes, f"normalizeUplink: data must be an object or a list of objects, got {json_type(data)}"]
    try:
        check_depth(data, MAX_DECODED_DEPTH)
    except ContractViolation as violation:
        return None, [*notes, f"normalizeUplink: {violation}"]
    return data, notes


def read_tagoio(payload: object) -> list[dict]:
    """What the parser left in ``payload``: a list of TagoIO records, each an object with a ``variable`` name."""
    if isinstance(payload, dict):
        payload = [payload]  # TagoIO accepts one record as well as a list
    if not isinstance(payload, list):
        raise ContractViolation(f"payload must be a list of TagoIO records, got {json_type(payload)}")
    for index, record in enumerate(payload):
        check_tagoio_record(index, record)
    check_depth(payload, MAX_DECODED_DEPTH)
    return payload


def check_tagoio_record(index: int, record: object) -> None:
    """One record of a parser's result: an object with a ``variable`` name (``index``: its place, for the message)."""
    if not isinstance(record, dict):
        raise ContractViolation(f"payload item {index} must be an object, got {json_type(record)}")
    variable = record.get("variable")
    if not isinstance(variable, str) or not variable:
        raise ContractViolation(f"payload item {index} has no variable name")


def messages(value: object, what: str) -> list[str]:
    """``errors`` / ``warnings`` as a list of strings (bounded); a codec returning one string is forgiven."""
    if value is None or (type(value) is list and not value):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ContractViolation(f"{what} must be a list of strings, got {json_type(value)}")
    texts = [text if isinstance(text, str) else _json_text(text) for text in value[:MAX_MESSAGES]]
    return [text[:MAX_MESSAGE_CHARS] for text in texts]


def _json_text(value: object) -> str:
    """A message that is no string, as the script would print it: its JSON (a value too deep: its type)."""
    try:
        return orjson.dumps(value).decode()
    except (orjson.JSONEncodeError, TypeError):
        return json_type(value)


def bounded_reason(text: str) -> str:
    """A failure's reason as a record keeps it: at most MAX_MESSAGE_CHARS, whatever the script threw."""
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 3] + "..."


def check_depth(value: object, most: int) -> None:
    """Refuse a value with objects or arrays nested deeper than ``most`` levels (walked level by level, without
    recursion: a decoded value is seldom more than two levels deep, and this runs for every uplink)."""
    level, depth = ([value] if type(value) in _CONTAINERS else []), 0
    while level:
        depth += 1
        if depth > most:
            raise ContractViolation(f"the decoded output is nested deeper than {most} levels")
        deeper = []
        for item in level:
            for child in item.values() if type(item) is dict else item:
                if type(child) in _CONTAINERS:
                    deeper.append(child)
        level = deeper


_CONTAINERS = (dict, list)  # what orjson reads JSON objects and arrays as


def json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
