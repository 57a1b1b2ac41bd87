"""Decode the accepted uplinks of a request with each device's connector; a decode never rejects an uplink.

Called by the ingest use case once the records are built and their devices resolved, and by the CLI (``inlet
decode``, re-decoding, diffs) for records it builds or reads. ``generic-sensor`` leaves a record as it is, and so
does a device resolved through TagoIO (its connector in TagoIO decodes what is forwarded). Any other connector is
decoded by the codec of its kind (``inlet.codecs``): built-in ones in Python, stored ones as JavaScript run by the
engine, which is imported here on the first such connector only (the cold start of a deployment without JavaScript
connectors does not pay for it). The records of one connector and tenant go to the engine as one batch, ordered by
device, so that the engine's context changes device as rarely as possible.

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
from inlet.codecs import UnknownKind, builtin_connector, codec_for
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import (
    GENERIC_SENSOR,
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
DECODE_SHARE = 0.5  # of the invocation's time left when decoding starts
DECODE_RESERVE_SECONDS = ATTEMPT_WITH_BACKOFF_SECONDS + ANSWER_MARGIN_SECONDS  # kept for storing and answering
TimeLeft = Callable[[], float]  # the seconds left to the request's decoding


def decode_records(
    records: list[dict], devices: dict, connectors: ConnectorSource, console: dict[str, list[str]] | None = None
) -> list[Decoding | None]:
    """Each record's decoding by its device's connector, by place (``None``: generic-sensor or no device, nothing
    to decode); the records are left as they are (``core.records.record_of`` makes the stored record of each).

    ``devices`` maps a record's ``serial`` to its device (anything with ``connector``); ``connectors`` is the
    connector store (cached per warm container). ``console``, when given (the request log is on), receives each
    script's console lines by record id; they are never stored in the record.
    """
    time_left = share_of_time_left(DECODE_SHARE, DECODE_RESERVE_SECONDS)
    results: list[Decoding | None] = [None] * len(records)
    groups: dict[str, list[tuple[int, dict, object]]] = {}
    for at, record in enumerate(records):
        device = devices.get(record.get("serial"))
        text = getattr(device, "connector", None) or GENERIC_SENSOR
        if text != GENERIC_SENSOR:
            groups.setdefault(text, []).append((at, record, device))
    for text, places in groups.items():
        places.sort(key=lambda place: (place[1].get("tenant") or "", place[1].get("serial") or ""))
        members = [(record, device) for _, record, device in places]
        decodings = decode_group(text, members, connectors, console, time_left)
        for (at, record, _), decoding in zip(places, decodings, strict=True):
            results[at] = decoding
            if decoding is not None and console is not None and decoding.logs:
                console[record["id"]] = decoding.logs
    return results


def decode_group(
    text: str,
    members: list[tuple[dict, object]],
    connectors: ConnectorSource,
    console: dict | None = None,
    time_left: TimeLeft | None = None,
) -> list:
    """The decodes of records whose devices name the same connector (``None``: generic-sensor, nothing to do)."""
    try:
        ref = parse_reference(text)
    except InvalidReference as exc:
        return [Decoding.failure(text, f"invalid connector: {exc}") for _ in members]
    if ref.name == GENERIC_SENSOR:
        return [None for _ in members]
    try:
        connector = resolve(ref, connectors)
    except SDK_ERRORS as exc:
        reason = f"connector store unavailable ({type(exc).__name__}); the payload is kept"
        return [Decoding.failure(str(ref), reason) for _ in members]
    if connector is None:
        return [Decoding.failure(str(ref), f"connector {ref} does not exist") for _ in members]
    return decode_with(connector, members, logs=console is not None, time_left=time_left)


def resolve(ref: ConnectorRef, connectors: ConnectorSource) -> Connector | None:
    """The connector ``ref`` names: built in, or the stored version (``None``: there is none)."""
    return builtin_connector(ref) if ref.builtin else connectors.get(ref)


def decode_with(
    connector: Connector,
    members: list[tuple[dict, object]],
    logs: bool = False,
    engine=None,
    keep_input: bool = True,
    time_left: TimeLeft | None = None,
) -> list[Decoding]:
    """Each record decoded by ``connector`` (``members``: record and device, a device's records together).

    ``engine``: the script engine to use (the warm container's by default); ``keep_input`` (ingest): a TagoIO
    result keeps its input records by place (``core/decoding/kept_input``), else it is the list itself.
    ``time_left``: the request's decode budget (none outside an invocation)."""
    try:
        codec = codec_for(connector.kind)
    except UnknownKind as exc:
        return [Decoding.failure(connector.label, str(exc)) for _ in members]
    if not codec.scripted:
        return [codec.decode(record, connector.label) for record, _ in members]
    return _run_scripts(codec, connector, members, engine or script_engine(), logs, keep_input, time_left)


def _run_scripts(
    codec, connector: Connector, members: list, engine, logs: bool, keep_input: bool, time_left: TimeLeft | None
) -> list[Decoding]:
    """Every record's script input, then one engine batch per tenant (two tenants never share a context).
    ``logs`` (the request log is on): one call per uplink instead, so that each keeps its own console lines."""
    from inlet.adapters.javascript.engine import Job

    results: list[Decoding | None] = [None] * len(members)
    batches: dict[str, list[tuple[int, Job]]] = {}
    info, info_of = None, object()
    for index, (record, device) in enumerate(members):
        tenant, serial = record.get("tenant") or "", record.get("serial") or ""
        script_input = codec.script_input(record)
        if isinstance(script_input, str):  # the reason it has none
            results[index] = Decoding.failure(connector.label, script_input)
            continue
        if device is not info_of:  # the members come device by device: one info per device
            info, info_of = codec.device_info(serial, device), device
        batches.setdefault(tenant, []).append((index, Job(serial, script_input, info)))
    for tenant, batch in batches.items():
        jobs = [job for _, job in batch]
        for (index, _), decoding in zip(
            batch, _decodings(engine, connector, tenant, jobs, logs, keep_input, time_left), strict=True
        ):
            results[index] = decoding
    return results  # type: ignore[return-value]  # every record has its Decoding


def _decodings(
    engine, connector: Connector, tenant: str, jobs: list, logs: bool, keep_input: bool, time_left: TimeLeft | None
) -> list[Decoding]:
    if not logs:
        return engine.decode_many(connector, tenant, jobs, keep_input=keep_input, time_left=time_left)
    return [
        engine.decode(
            connector,
            tenant,
            job.device,
            job.script_input,
            job.device_info,
            logs=True,
            keep_input=keep_input,
            time_left=time_left,
        )
        for job in jobs
    ]


@cache
def script_engine():
    """One engine per warm container; the import of QuickJS happens here, on the first JavaScript connector."""
    from inlet.adapters.javascript.engine import ScriptEngine

    return ScriptEngine()
