"""The uplink use case: authenticate, validate, deduplicate, resolve devices, store, answer."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from inlet.adapters.dedup import Claim, DedupStore
from inlet.adapters.devices import Device, DeviceStore
from inlet.adapters.keys import KeyStore
from inlet.adapters.records import RecordStore
from inlet.core.device_events import build_event, event_serial
from inlet.core.edge_origin import require_edge_origin
from inlet.core.keys import KeyConfig
from inlet.core.messages import Message, classify_message
from inlet.core.records import (
    DEVICE_NOT_FOUND,
    INVALID_SERIAL,
    NotStorable,
    Rejection,
    build_record,
    encode_document,
    new_group,
    receipt,
    request_fingerprint,
)
from inlet.core.rejections import nothing_accepted
from inlet.core.request import HttpRequest, authorization_key, check_size, item_query, parse_items
from inlet.core.serials import serial_problem
from inlet.core.uplink import Uplink, map_item
from inlet.core.values import format_time
from inlet.errors import BadRequest, InletError
from inlet.service.decoding import NO_STORED_CONNECTORS, ConnectorSource, decode_records
from inlet.settings import Settings


class DeviceDirectory(Protocol):
    """Where a key's devices are resolved: Inlet's devices table, or TagoIO for keys that forward there."""

    def get_many(self, tenant: str, serials: set[str]) -> dict[str, Device | None]: ...

    def provision(self, devices: list[Device]) -> None: ...


class Sink(Protocol):
    """Where accepted records go. ``refusal`` says, before anything is written, why a record cannot be taken at
    all; ``put_many`` returns only once the records are durable (or raises ServiceUnavailable), with the warnings
    of records it could not take whole (record id -> reasons), if any."""

    def refusal(self, record: dict) -> Rejection | None: ...

    def put_many(self, records: list[dict]) -> dict[str, list[str]] | None: ...


@dataclass
class Dependencies:
    settings: Settings
    keys: KeyStore
    devices: DeviceStore
    records: RecordStore
    dedup: DedupStore
    # Hooks for keys whose sink is not DynamoDB (TagoIO): given the key, the directory and sinks to use.
    directory_for: Callable[[KeyConfig], DeviceDirectory] | None = None
    sinks_for: Callable[[KeyConfig], list[Sink]] | None = None
    connectors: ConnectorSource | None = None  # stored JavaScript connectors (None: built-in connectors only)

    def directory(self, config: KeyConfig) -> DeviceDirectory:
        return self.directory_for(config) if self.directory_for else self.devices

    def sinks(self, config: KeyConfig) -> list[Sink]:
        return self.sinks_for(config) if self.sinks_for else [self.records]


@dataclass
class Outcome:
    status: int
    body: dict
    replayed: bool = False
    key_id: str = ""
    tenant: str = ""
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    ignored_by_type: dict[str, int] = field(default_factory=dict)


def ingest(request: HttpRequest, deps: Dependencies, now_ms: int | None = None) -> Outcome:
    settings = deps.settings
    require_edge_origin(request.headers, settings.edge_origin_secret)
    key = authorization_key(request)
    check_size(request, settings.max_body_bytes)
    config = deps.keys.authenticate(key)
    items = parse_items(request, settings.max_items)
    query = item_query(request)
    mapping = config.field_map()
    messages = [classify_message(item, query) for item in items]
    uplinks = [map_item(index, item, query, mapping) for index, item in enumerate(items)]
    _require_serials([u for u, m in zip(uplinks, messages, strict=True) if m.is_uplink])

    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    claim = _claim(deps, config, request, query, now_ms)
    if claim and claim.replay:
        return Outcome(200, claim.replay, replayed=True, key_id=config.id, tenant=config.tenant)
    group, received_ms = (claim.group, claim.received_ms) if claim else (new_group(), now_ms)
    with _settled(claim, deps.dedup) as settle:
        outcome = _store(uplinks, messages, items, config, deps, group, received_ms)
        settle(outcome.body)
    return outcome


@contextmanager
def _settled(claim: Claim | None, dedup: DedupStore) -> Iterator[Callable[[dict], None]]:
    """Whatever happens after the claim, it ends settled: completed with the answer, released after a 4xx (never
    replayed), or failed after anything else (a 503, a bug, an interrupt), so that the sender's retry resumes at
    once instead of meeting 409s until the lease runs out."""
    answer: list[dict] = []
    try:
        yield answer.append
    except InletError as error:
        if claim and error.status < 500:
            dedup.release(claim)
        elif claim:
            dedup.fail(claim)
        raise
    except BaseException:
        if claim:
            dedup.fail(claim)
        raise
    if claim and answer:
        dedup.complete(claim, answer[0])


def _require_serials(uplinks: list[Uplink]) -> None:
    missing = [u.index for u in uplinks if not u.serial]
    if not missing:
        return
    if len(uplinks) == 1:
        raise BadRequest("Missing serial", indexes=missing)
    shown = ", ".join(map(str, missing[:20])) + (", ..." if len(missing) > 20 else "")
    raise BadRequest(f"Missing serial at items {shown}; nothing was stored", indexes=missing)


def _claim(deps: Dependencies, config: KeyConfig, request: HttpRequest, query: dict, now_ms: int) -> Claim | None:
    if deps.dedup.window <= 0:
        return None
    fingerprint = request_fingerprint(config.key_hash, query, request.body)
    return deps.dedup.claim(fingerprint, new_group(), now_ms)


def _store(
    uplinks: list[Uplink], messages: list[Message], items: list[dict], config: KeyConfig, deps: Dependencies,
    group: str, received_ms: int,
) -> Outcome:  # fmt: skip
    rejected: dict[int, Rejection] = {}
    ignored = _not_uplinks(uplinks, messages)
    valid = _valid_serials([u for u in uplinks if u.index not in ignored], rejected)
    sinks = deps.sinks(config)
    keepers = _keepers(uplinks, messages) if deps.records in sinks else []
    devices = _resolve_devices(valid, config, deps, received_ms, also={u.serial for u in keepers})
    stamp = _Stamp.of(received_ms, deps.settings.retention_days)
    built = {}
    for uplink in valid:
        device = devices.get(uplink.serial)
        if device is None:
            rejected[uplink.index] = Rejection(DEVICE_NOT_FOUND)
            continue
        encoding = _encoding(config, device, uplink)
        built[uplink.index] = build_record(uplink, config.tenant, group, stamp.received_at, encoding, stamp.expires_at)
    decode_records(list(built.values()), devices, deps.connectors or NO_STORED_CONNECTORS)
    records, accepted = [], {}
    for index, record in built.items():  # checked once decoded: decoded values count towards the item's size
        refusal = _refusal(record, sinks)
        if refusal:
            rejected[index] = refusal
            continue
        records.append(record)
        accepted[index] = record["id"]
    events = _device_events(keepers, messages, items, devices, config, deps, group, stamp)
    body = receipt(group, uplinks, accepted, rejected, ignored, {e["index"]: e["id"] for e in events})
    if not records and not ignored:
        raise nothing_accepted(rejected, body["items"])
    for sink in sinks:
        written = records + events if sink is deps.records else records
        if written:
            _add_warnings(body, sink.put_many(written))
    return Outcome(
        200, body, key_id=config.id, tenant=config.tenant,
        rejected_by_reason=dict(Counter(r.reason for r in rejected.values())),
        ignored_by_type=dict(Counter(ignored.values())),
    )  # fmt: skip


@dataclass(frozen=True)
class _Stamp:
    """The request's server time, as records carry it, and their expiry (DynamoDB TTL) when retention is on."""

    received_at: str
    expires_at: int | None

    @classmethod
    def of(cls, received_ms: int, retention_days: int) -> _Stamp:
        received_at = format_time(datetime.fromtimestamp(received_ms / 1000, UTC))
        expires_at = received_ms // 1000 + retention_days * 86400 if retention_days > 0 else None
        return cls(received_at, expires_at)


def _not_uplinks(uplinks: list[Uplink], messages: list[Message]) -> dict[int, str]:
    """index -> type of the items that are not uplinks; their receipt shows the device they name, if any."""
    ignored = {}
    for uplink, message in zip(uplinks, messages, strict=True):
        if not message.is_uplink:
            ignored[uplink.index] = message.type
            uplink.serial = event_serial(message, uplink.serial)
    return ignored


def _keepers(uplinks: list[Uplink], messages: list[Message]) -> list[Uplink]:
    """The non-uplinks that carry device state and name a device. Only keys that store records in Inlet's table
    keep them (a TagoIO-only key has no such table: its events are answered ``ignored`` and not kept)."""
    return [u for u, m in zip(uplinks, messages, strict=True) if m.keep and u.serial]


def _device_events(keepers, messages, items, devices, config, deps, group, stamp: _Stamp) -> list[dict]:
    """Device events of the keepers whose device is known (checked like records before anything is written)."""
    events = []
    for uplink in keepers:
        if devices.get(uplink.serial) is None:
            continue
        message, item = messages[uplink.index], items[uplink.index]
        event = build_event(
            message, item, config.tenant, uplink.serial, group, uplink.index, stamp.received_at, stamp.expires_at
        )
        if _refusal(event, [deps.records]) is None:
            events.append({**event, "index": uplink.index})
    return events


def _valid_serials(uplinks: list[Uplink], rejected: dict[int, Rejection]) -> list[Uplink]:
    """The uplinks whose serial follows the serial rule; the others are rejected before any device lookup (a
    serial over DynamoDB's key limit would fail the lookup of the whole request)."""
    valid = []
    for uplink in uplinks:
        problem = serial_problem(uplink.serial)
        if problem:
            rejected[uplink.index] = Rejection(INVALID_SERIAL, problem)
        else:
            valid.append(uplink)
    return valid


def _refusal(record: dict, sinks: list[Sink]) -> Rejection | None:
    """Why the record cannot be stored (encoded and checked by every sink before anything is written)."""
    try:
        encode_document(record)
    except NotStorable as exc:
        return exc.rejection
    for sink in sinks:
        refusal = sink.refusal(record)
        if refusal:
            return refusal
    return None


def _add_warnings(body: dict, warnings: dict[str, list[str]] | None) -> None:
    """A sink may report what of an accepted record it could not take (TagoIO's limits): shown on the item."""
    if not warnings:
        return
    for item in body["items"]:
        notes = warnings.get(item.get("id", ""))
        if notes:
            item.setdefault("warnings", []).extend(notes)


def _resolve_devices(
    uplinks: list[Uplink], config: KeyConfig, deps: Dependencies, now_ms: int, also: set[str] = frozenset()
) -> dict:
    """The devices of the uplinks' serials (unknown ones provisioned when the key says so) and of ``also`` (device
    events: looked up in the same call, never provisioned)."""
    serials = {u.serial for u in uplinks}
    if not serials and not also:
        return {}
    directory = deps.directory(config)
    devices = directory.get_many(config.tenant, serials | also)
    unknown = sorted(s for s in serials if devices.get(s) is None)
    if unknown and config.unknown_devices == "provision":
        created_at = format_time(datetime.fromtimestamp(now_ms / 1000, UTC))
        fresh = [Device(config.tenant, serial, created_at=created_at) for serial in unknown]
        directory.provision(fresh)
        devices.update({d.serial: d for d in fresh})
    return devices


def _encoding(config: KeyConfig, device: Device, uplink: Uplink) -> str | None:
    """Key setting first, then the device's payload type, then what the detected format says."""
    if config.payload_encoding != "auto":
        return config.payload_encoding
    return device.payload_encoding or uplink.payload_encoding
