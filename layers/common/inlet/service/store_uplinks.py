"""Storing the items of an authenticated, claimed request: resolve devices, build, decode and check every record,
then write them (and the device events) to the key's sinks. Nothing is written before every record is checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from inlet.adapters.devices import Device
from inlet.adapters.record_items import DELIVER
from inlet.core.decoding.outcome import FLAG_DECODE_FAILED
from inlet.core.ingest_item import IngestItem, ignored_by_type, receipt_of, rejected_by_reason
from inlet.core.keys import ACCEPT_UNKNOWN, KeyConfig
from inlet.core.records import (
    DEVICE_NOT_FOUND,
    INVALID_SERIAL,
    NotStorable,
    Rejection,
    build_record,
    encode_document,
    record_of,
)
from inlet.core.rejections import nothing_accepted
from inlet.core.serials import serial_problem
from inlet.core.unknown_devices import counts_of
from inlet.core.uplink import Uplink
from inlet.core.values import format_time
from inlet.service.decoding import NO_STORED_CONNECTORS, decode_records
from inlet.service.dependencies import Dependencies, Outcome, Sink
from inlet.service.store_events import device_events, keepers_of, not_uplinks

if TYPE_CHECKING:
    from inlet.service.request_log import RequestTrace


def store_uplinks(
    items: list[IngestItem], config: KeyConfig, deps: Dependencies, group: str, received_ms: int,
    key_time: str | None = None, trace: RequestTrace | None = None,
) -> Outcome:  # fmt: skip
    """``key_time``: the request is one uplink deduplicated by its record's own write (``core.retry_keys``)."""
    not_uplinks(items)
    valid = _valid_serials([item for item in items if item.ignored_as is None])
    sinks = deps.sinks(config)
    keepers = keepers_of(items) if deps.records in sinks else []
    devices = _resolve_devices(valid, config, deps, received_ms, also={item.serial for item in keepers})
    stamp = Stamp.of(received_ms, deps.settings.retention_days)
    built = _records(valid, devices, config, deps, group, stamp, key_time, trace)
    for item in built:  # checked once decoded: decoded values count towards the item's size
        item.rejection = _refusal(item.record, sinks)
        item.accepted = item.rejection is None
    records = [item.record for item in built if item.accepted]
    candidates = device_events(keepers, devices, config.tenant, group, stamp, config.id)
    _flag_for_destinations(config, candidates)
    events = [event for event in candidates if _refusal(event, [deps.records]) is None]
    body = receipt_of(items, group, {e["index"]: e["id"] for e in events})
    _add_warnings(body, decode_warnings(records))
    if not records and not any(item.ignored_as for item in items):
        raise nothing_accepted({i.index: i.rejection for i in items if i.rejection}, body["items"])
    replayed = key_time is not None and bool(records) and not deps.records.put_first(records[0], received_ms // 1000)
    for sink in sinks if key_time is None else ():
        written = records + events if sink is deps.records else records
        if written:
            _add_warnings(body, sink.put_many(written))
    unknown = [item.serial for item in valid if item.ignored_as == DEVICE_NOT_FOUND]
    if unknown and deps.unknown_devices is not None:  # after the writes: the answer is decided, a note cannot fail it
        deps.unknown_devices.put(config.tenant, config.id, counts_of(unknown), received_ms)
    return Outcome(
        200, body, replayed=replayed, key_id=config.id, tenant=config.tenant,
        rejected_by_reason=rejected_by_reason(items), ignored_by_type=ignored_by_type(items),
    )  # fmt: skip


def _flag_for_destinations(config: KeyConfig, records) -> None:
    """Device events of a key with destinations carry its id, as its uplinks' records do (``_destination_marks``)."""
    if config.destinations:
        for record in records:
            record[DELIVER] = config.id


def _records(
    valid: list[IngestItem], devices: dict, config: KeyConfig, deps: Dependencies, group: str, stamp: Stamp,
    key_time: str | None, trace: RequestTrace | None,
) -> list[IngestItem]:  # fmt: skip
    """The items with a device, each given its record once: built for its device, decoded by its connector, marked
    for the key's destinations (``core.records.record_of``)."""
    built = [
        (item, base)
        for item in valid
        if (base := _built(item, devices.get(item.serial), config, group, stamp, key_time))
    ]
    console = trace.console if trace is not None else None
    connectors = deps.connectors or NO_STORED_CONNECTORS
    decodings = decode_records([base for _, base in built], devices, connectors, console)
    marks = _destination_marks(config)
    for (item, base), decoding in zip(built, decodings, strict=True):
        item.decoding = decoding
        item.record = record_of(base, decoding, marks)
    if trace is not None:
        trace.records = {item.index: item.record for item, _ in built}
    return [item for item, _ in built]


def _destination_marks(config: KeyConfig) -> dict | None:
    """Records of a key with destinations carry its id (before their size is checked): the stream's filter passes
    them to the destinations' fan-out (docs/destinations.md)."""
    return {DELIVER: config.id} if config.destinations else None


def _built(
    item: IngestItem, device: Device | None, config: KeyConfig, group: str, stamp: Stamp, key_time
) -> dict | None:
    """The record built for the item's device, as its decoder reads it; an unknown device is answered as the key
    says (``_unknown_device``) and has none."""
    if device is None:
        _unknown_device(item, config)
        return None
    encoding = _encoding(config, device, item.uplink)
    return build_record(
        item.uplink, config.tenant, group, stamp.received_at, encoding, stamp.expires_at, key_time, config.id
    )


@dataclass(frozen=True)
class Stamp:
    """The request's server time, as records carry it, and their expiry (DynamoDB TTL) when retention is on."""

    received_at: str
    expires_at: int | None

    @classmethod
    def of(cls, received_ms: int, retention_days: int) -> Stamp:
        received_at = format_time(datetime.fromtimestamp(received_ms / 1000, UTC))
        expires_at = received_ms // 1000 + retention_days * 86400 if retention_days > 0 else None
        return cls(received_at, expires_at)


def _unknown_device(item: IngestItem, config: KeyConfig) -> None:
    """An uplink of a serial the tenant has no device for: ignored (and noted) when the key accepts unknown devices,
    rejected otherwise."""
    if config.unknown_devices == ACCEPT_UNKNOWN:
        item.ignored_as = DEVICE_NOT_FOUND
    else:
        item.rejection = Rejection(DEVICE_NOT_FOUND)


def _valid_serials(items: list[IngestItem]) -> list[IngestItem]:
    """The uplinks whose serial follows the serial rule; the others are rejected before any device lookup (a
    serial over DynamoDB's key limit would fail the lookup of the whole request)."""
    valid = []
    for item in items:
        problem = serial_problem(item.serial)
        if problem:
            item.rejection = Rejection(INVALID_SERIAL, problem)
        else:
            valid.append(item)
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


def decode_warnings(records: list[dict]) -> dict[str, list[str]]:
    """``decode_failed: <reason>`` for each accepted record whose decode failed (the record is stored all the same,
    its payload kept: the answer says so, instead of a bare ``accepted``)."""
    return {
        record["id"]: [f"{FLAG_DECODE_FAILED}: {'; '.join(record['decoder'].get('errors') or ['no reason given'])}"]
        for record in records
        if FLAG_DECODE_FAILED in (record.get("flags") or ()) and record.get("decoder")
    }


def _add_warnings(body: dict, warnings: dict[str, list[str]] | None) -> None:
    """A sink may report what of an accepted record it could not take (TagoIO's limits): shown on the item."""
    if not warnings:
        return
    for item in body["items"]:
        notes = warnings.get(item.get("id", ""))
        if notes:
            item.setdefault("warnings", []).extend(notes)


def _resolve_devices(
    items: list[IngestItem], config: KeyConfig, deps: Dependencies, now_ms: int, also: set[str] = frozenset()
) -> dict:
    """The devices of the uplinks' serials (unknown ones provisioned when the key says so) and of ``also`` (device
    events: looked up in the same call, never provisioned)."""
    serials = {item.serial for item in items}
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
