"""Decode the accepted uplinks of a request with each device's connector; a decode never rejects an uplink.

Called by the ingest use case once the records are built and their devices resolved. ``generic-sensor`` leaves a
record as it is; ``cayenne-lpp`` is decoded in Python; any other connector is a stored JavaScript version run by
the engine, which is imported here on the first such device only (the cold start of a deployment without
JavaScript connectors does not pay for it). Records are decoded grouped by connector and device, so that the
engine's context changes device as rarely as possible.
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

from inlet.adapters.aws import SDK_ERRORS
from inlet.core.decoding.cayenne import CayenneError, decode_cayenne
from inlet.core.decoding.contracts import payload_bytes, tagoio_input_of, ts013_input
from inlet.core.decoding.outcome import Decoding, apply_decoding
from inlet.core.decoding.references import (
    BUILTIN_VERSION,
    CAYENNE_LPP,
    GENERIC_SENSOR,
    KIND_TAGOIO,
    Connector,
    ConnectorRef,
    InvalidReference,
    parse_reference,
)


class ConnectorSource(Protocol):
    def get(self, ref: ConnectorRef) -> Connector | None: ...


class _NoStoredConnectors:
    """A deployment without a connectors table: only the built-in connectors exist."""

    def get(self, ref: ConnectorRef) -> None:
        return None


NO_STORED_CONNECTORS = _NoStoredConnectors()


def decode_records(
    records: list[dict], devices: dict, connectors: ConnectorSource, console: dict[str, list[str]] | None = None
) -> None:
    """Add ``decoded`` / ``decoder`` (and the flag ``decode_failed``) to every record whose device has a connector.

    ``devices`` maps a record's ``serial`` to its device (anything with ``connector``); ``connectors`` is the
    connector store (cached per warm container). ``console``, when given (the request log is on), receives each
    script's console lines by record id; they are never stored in the record.
    """
    planned = []
    for record in records:
        device = devices.get(record.get("serial"))
        text = getattr(device, "connector", None) or GENERIC_SENSOR
        if text != GENERIC_SENSOR:
            planned.append((text, record.get("serial") or "", record, device))
    planned.sort(key=lambda p: (p[0], p[1]))
    for text, _, record, device in planned:
        decoding = decode_one(record, device, text, connectors, logs=console is not None)
        if decoding is not None:
            apply_decoding(record, decoding)
            if console is not None and decoding.logs:
                console[record["id"]] = decoding.logs


def decode_one(
    record: dict, device: object, text: str, connectors: ConnectorSource, logs: bool = False
) -> Decoding | None:
    """The decode of one record with the connector ``text`` names (``None``: generic-sensor, nothing to do)."""
    try:
        ref = parse_reference(text)
    except InvalidReference as exc:
        return Decoding.failure(text, f"invalid connector: {exc}")
    if ref.name == GENERIC_SENSOR:
        return None
    if ref.name == CAYENNE_LPP:
        return _cayenne(record)
    try:
        connector = connectors.get(ref)
    except SDK_ERRORS as exc:
        return Decoding.failure(str(ref), f"connector store unavailable ({type(exc).__name__}); the payload is kept")
    if connector is None:
        return Decoding.failure(str(ref), f"connector {ref} does not exist")
    return _run_script(connector, record, device, logs)


def _cayenne(record: dict) -> Decoding:
    label = f"{CAYENNE_LPP}@{BUILTIN_VERSION}"
    payload = payload_bytes(record)
    if payload is None:
        return Decoding.failure(label, "no hex payload to decode")
    try:
        data, warnings = decode_cayenne(payload)
    except CayenneError as exc:
        return Decoding.failure(label, str(exc))
    return Decoding(label, decoded=data, warnings=warnings)


def _run_script(connector: Connector, record: dict, device: object, logs: bool = False) -> Decoding:
    tenant, serial = record.get("tenant") or "", record.get("serial") or ""
    if connector.kind == KIND_TAGOIO:
        info = {"id": serial, "params": _params(device), "tags": []}
        return script_engine().decode(connector, tenant, serial, tagoio_input_of(record), info, logs=logs)
    payload = payload_bytes(record)
    if payload is None:
        return Decoding.failure(connector.label, "no hex payload to decode")
    script_input = ts013_input(payload, record.get("port"), record.get("time"))
    return script_engine().decode(connector, tenant, serial, script_input, logs=logs)


def _params(device: object) -> list[dict]:
    """TagoIO's ``device.params``: ``[{"key", "value"}]``, from the device's parameters when it has some."""
    params = getattr(device, "params", None) or {}
    if isinstance(params, dict):
        return [{"key": k, "value": v} for k, v in params.items()]
    return list(params)


@cache
def script_engine():
    """One engine per warm container; the import of QuickJS happens here, on the first JavaScript connector."""
    from inlet.adapters.javascript.engine import ScriptEngine

    return ScriptEngine()
