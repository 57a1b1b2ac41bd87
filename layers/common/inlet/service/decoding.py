"""Decode the accepted uplinks of a request with each device's connector; a decode never rejects an uplink.

Called by the ingest use case once the records are built and their devices resolved. ``generic-sensor`` leaves a
record as it is, and so does a device resolved through TagoIO (its connector in TagoIO decodes what is forwarded);
``cayenne-lpp`` is decoded in Python; any other connector is a stored JavaScript version run by the engine, which
is imported here on the first such device only (the cold start of a deployment without JavaScript connectors does
not pay for it). The records of one connector and tenant go to the engine as one batch,
ordered by device, so that the engine's context changes device as rarely as possible.

Decoding has a budget per request: at most half the invocation's time left, and never the time storing the records
and answering need (an AWS call's longest attempt and the answer's margin, see adapters/time_budget.py). The
uplinks it leaves no time for are stored undecoded, flagged ``decode_deferred`` (docs/decoder-sandbox.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Protocol

from inlet.adapters.aws import SDK_ERRORS
from inlet.adapters.time_budget import ANSWER_MARGIN_SECONDS, ATTEMPT_WITH_BACKOFF_SECONDS, share_of_time_left
from inlet.core.decoding.cayenne import CayenneError, decode_cayenne
from inlet.core.decoding.contracts import payload_bytes, ts013_input
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
from inlet.core.decoding.tagoio_columns import tagoio_columns_of


class ConnectorSource(Protocol):
    def get(self, ref: ConnectorRef) -> Connector | None: ...


class _NoStoredConnectors:
    """A deployment without a connectors table: only the built-in connectors exist."""

    def get(self, ref: ConnectorRef) -> None:
        return None


NO_STORED_CONNECTORS = _NoStoredConnectors()
DECODE_SHARE = 0.5  # of the invocation's time left when decoding starts
DECODE_RESERVE_SECONDS = ATTEMPT_WITH_BACKOFF_SECONDS + ANSWER_MARGIN_SECONDS  # kept for storing and answering


def decode_records(
    records: list[dict], devices: dict, connectors: ConnectorSource, console: dict[str, list[str]] | None = None
) -> None:
    """Add ``decoded`` / ``decoder`` (and the flag ``decode_failed``) to every record whose device has a connector.

    ``devices`` maps a record's ``serial`` to its device (anything with ``connector``); ``connectors`` is the
    connector store (cached per warm container). ``console``, when given (the request log is on), receives each
    script's console lines by record id; they are never stored in the record.
    """
    time_left = share_of_time_left(DECODE_SHARE, DECODE_RESERVE_SECONDS)
    groups: dict[str, list[tuple[dict, object]]] = {}
    for record in records:
        device = devices.get(record.get("serial"))
        text = getattr(device, "connector", None) or GENERIC_SENSOR
        if text != GENERIC_SENSOR:
            groups.setdefault(text, []).append((record, device))
    for text, members in groups.items():
        members.sort(key=lambda member: (member[0].get("tenant") or "", member[0].get("serial") or ""))
        decodings = decode_group(text, members, connectors, console, time_left)
        for (record, _), decoding in zip(members, decodings, strict=True):
            if decoding is not None:
                apply_decoding(record, decoding)
                if console is not None and decoding.logs:
                    console[record["id"]] = decoding.logs


def decode_group(
    text: str,
    members: list[tuple[dict, object]],
    connectors: ConnectorSource,
    console: dict | None = None,
    time_left: Callable[[], float] | None = None,
) -> list:
    """The decodes of records whose devices name the same connector (``None``: generic-sensor, nothing to do)."""
    try:
        ref = parse_reference(text)
    except InvalidReference as exc:
        return [Decoding.failure(text, f"invalid connector: {exc}") for _ in members]
    if ref.name == GENERIC_SENSOR:
        return [None for _ in members]
    if ref.name == CAYENNE_LPP:
        return [_cayenne(record) for record, _ in members]
    try:
        connector = connectors.get(ref)
    except SDK_ERRORS as exc:
        reason = f"connector store unavailable ({type(exc).__name__}); the payload is kept"
        return [Decoding.failure(str(ref), reason) for _ in members]
    if connector is None:
        return [Decoding.failure(str(ref), f"connector {ref} does not exist") for _ in members]
    return _run_scripts(connector, members, logs=console is not None, time_left=time_left)


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


def _run_scripts(
    connector: Connector,
    members: list[tuple[dict, object]],
    logs: bool = False,
    time_left: Callable[[], float] | None = None,
) -> list[Decoding]:
    """Every record's script input, then one engine batch per tenant (two tenants never share a context).
    ``logs`` (the request log is on): one call per uplink instead, so that each keeps its own console lines."""
    from inlet.adapters.javascript.engine import Job

    results: list[Decoding | None] = [None] * len(members)
    batches: dict[str, list[tuple[int, Job]]] = {}
    info, info_of = {}, None
    for index, (record, device) in enumerate(members):
        tenant, serial = record.get("tenant") or "", record.get("serial") or ""
        if connector.kind == KIND_TAGOIO:
            if device is not info_of:  # the members come device by device: one info per device
                info, info_of = {"id": serial, "params": _params(device), "tags": []}, device
            batches.setdefault(tenant, []).append((index, Job(serial, tagoio_columns_of(record), info)))
            continue
        payload = payload_bytes(record)
        if payload is None:
            results[index] = Decoding.failure(connector.label, "no hex payload to decode")
            continue
        script_input = ts013_input(payload, record.get("port"), record.get("time"))
        batches.setdefault(tenant, []).append((index, Job(serial, script_input)))
    for tenant, batch in batches.items():
        decodings = _decodings(connector, tenant, [job for _, job in batch], logs, time_left)
        for (index, _), decoding in zip(batch, decodings, strict=True):
            results[index] = decoding
    return results  # type: ignore[return-value]  # every record has its Decoding


def _decodings(
    connector: Connector, tenant: str, jobs: list, logs: bool, time_left: Callable[[], float] | None
) -> list[Decoding]:
    engine = script_engine()
    if not logs:
        return engine.decode_many(connector, tenant, jobs, keep_input=True, time_left=time_left)
    return [
        engine.decode(
            connector,
            tenant,
            job.device,
            job.script_input,
            job.device_info,
            logs=True,
            keep_input=True,
            time_left=time_left,
        )
        for job in jobs
    ]


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
