"""Accepted uplinks become records; the request's outcome becomes a per-item receipt. Pure functions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import orjson

from inlet.core.decoding.kept_input import RUNS_FIELD
from inlet.core.decoding.outcome import Decoding, decoded_fields, decoded_variables
from inlet.core.uplink import Uplink
from inlet.core.values import FLAG_PAYLOAD, payload_to_hex
from inlet.core.variables import variables_of

# Why an item of a request was not stored (the receipt's ``reason``).
DEVICE_NOT_FOUND = "device_not_found"
INVALID_SERIAL = "invalid_serial"
ITEM_TOO_LARGE = "item_too_large"
ITEM_TOO_DEEP = "item_too_deep"
ITEM_NOT_STORABLE = "item_not_storable"
IGNORED = "ignored"

# Fields of a record kept in its JSON document when they have a value. The others are in the storage key: tenant
# and serial, received_at (unless the key starts with another time), group and index (so the id). Nothing is
# stored twice: smaller items cost fewer write units.
DOCUMENT_FIELDS = (
    "time", "port", "payload", "fields", "location", "flags", "format", "event", "decoded", RUNS_FIELD, "decoder",
    "normalized", "key_id",
)  # fmt: skip
MAX_DOCUMENT_DEPTH = 250  # orjson writes at most ~254 levels of nesting (it reads 1,024)


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why one item was not stored: a ``reason`` code for programs and a ``message`` for people."""

    reason: str
    message: str = ""


class NotStorable(Exception):
    def __init__(self, rejection: Rejection) -> None:
        super().__init__(rejection.message)
        self.rejection = rejection


def new_group() -> str:
    """The group shared by every record of one request (TagoIO allows 100 characters; this is 24)."""
    return secrets.token_hex(12)


def request_fingerprint(key_hash: str, query: dict[str, str], body: bytes) -> str:
    """Identity of a request for deduplication: same key, same query (without the key), same body.

    Every part is length-prefixed, so no choice of names, values or body can make two different requests hash the
    same input (``x=y&z`` vs ``x&y=z``, a NUL inside a value). Lone surrogates (direct invocations) are kept as sent.
    """
    digest = hashlib.sha256(key_hash.encode())
    digest.update(len(query).to_bytes(4, "big"))
    for name in sorted(query):
        _update_framed(digest, name.encode("utf-8", "surrogatepass"))
        _update_framed(digest, str(query[name]).encode("utf-8", "surrogatepass"))
    _update_framed(digest, body)
    return digest.hexdigest()


def _update_framed(digest, part: bytes) -> None:
    digest.update(len(part).to_bytes(8, "big"))
    digest.update(part)


def build_record(
    uplink: Uplink,
    tenant: str,
    group: str,
    received_at: str,
    encoding: str | None,
    expires_at: int | None,
    key_time: str | None = None,
    key_id: str | None = None,
) -> dict:
    """``key_time``: the time the storage key starts with when it is not the server time (``core.retry_keys``).
    ``key_id``: the public id of the key that sent it (``KeyConfig.id``), kept so that the lake can say it."""
    payload = uplink.payload
    flags = uplink.flags
    if payload is not None:
        payload, ok = payload_to_hex(payload, encoding)
        if not ok:
            flags = [*flags, FLAG_PAYLOAD]
    return {
        "id": f"{group}-{uplink.index}",
        "sk": f"{key_time or received_at}#{group}#{uplink.index:05d}",
        "tenant": tenant,
        "serial": uplink.serial,
        "group": group,
        "received_at": received_at,
        "time": uplink.time or received_at,
        "port": uplink.port,
        "payload": payload,
        "fields": uplink.fields,  # the other fields as sent: record_variables() gives the TagoIO variables
        "location": uplink.location,
        "flags": flags,
        "format": uplink.format,
        "expires_at": expires_at,
        "key_id": key_id,
    }


def record_of(built: dict, decoding: Decoding | None, marks: dict | None = None) -> dict:
    """The record as stored, made once: the record ``build_record`` gave (the decoder's input), its decode's result
    (``None``: nothing to decode, e.g. generic-sensor) and ``marks`` (fields the service adds, e.g. the key whose
    destinations take it). A new dict: the built record is left as it was."""
    if decoding is None and not marks:
        return built
    fields = decoded_fields(decoding, built.get("flags")) if decoding is not None else {}
    return {**built, **fields, **(marks or {})}


def encode_document(record: dict) -> bytes:
    """The record's stored JSON document, encoded once and kept on the record (``record["document"]``).

    Every record is encoded before the first write of a request, so an item that cannot be stored is rejected on its
    own and nothing of the request has been written yet.
    """
    document = {k: value for k in DOCUMENT_FIELDS if (value := record.get(k)) or value == 0}
    received_at = record.get("received_at")
    if received_at and not record.get("sk", "").startswith(received_at):
        document["received_at"] = received_at  # the key starts with another time (core.retry_keys)
    try:
        encoded = orjson.dumps(document)
    except orjson.JSONEncodeError as exc:
        raise NotStorable(_why_not_encodable(document, exc)) from None
    record["document"] = encoded
    return encoded


def _why_not_encodable(document: dict, exc: Exception) -> Rejection:
    depth = nesting_depth(document)
    if depth > MAX_DOCUMENT_DEPTH:
        return Rejection(ITEM_TOO_DEEP, f"item is nested {depth} levels deep, the limit is {MAX_DOCUMENT_DEPTH}")
    return Rejection(ITEM_NOT_STORABLE, f"item cannot be stored as JSON: {exc}")


def nesting_depth(value: object) -> int:
    """How many containers deep ``value`` goes (iterative: a deep item must not exhaust Python's stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if type(node) is dict else node if type(node) is list else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if type(child) in (dict, list))
    return deepest


def record_variables(record: dict) -> list[dict]:
    """A record's variables in TagoIO's form (read-back records already carry them): its other fields, then its
    decoded values, then a normalized output's (``normalized_air_temperature``). A TagoIO payload parser's result (a
    list) replaces them instead, as in TagoIO, where the list the parser leaves is the data: it already holds
    whatever of its input the parser kept."""
    if "variables" in record:
        return record["variables"]
    if isinstance(record.get("decoded"), list) or RUNS_FIELD in record:
        return decoded_variables(record)
    variables = variables_of(record.get("fields") or {}, record.get("location")) + decoded_variables(record)
    if record.get("normalized") is not None:  # a codec's normalizeUplink: its names under normalized_
        variables += variables_of({"normalized": record["normalized"]})
    return variables


def receipt(
    group: str,
    uplinks: list[Uplink],
    accepted_ids: dict[int, str],
    rejected: dict[int, Rejection],
    ignored: dict[int, str] | None = None,
    kept: dict[int, str] | None = None,
) -> dict:
    """The per-item answer. ``ignored``: index -> the type of each item that is not an uplink; ``kept``: index ->
    the id of the device event stored for it (not an uplink record)."""
    ignored, kept = ignored or {}, kept or {}
    items = []
    for uplink in uplinks:
        entry = {"index": uplink.index, "serial": uplink.serial}
        if uplink.index in accepted_ids:
            entry["status"] = "accepted"
            entry["id"] = accepted_ids[uplink.index]
        elif uplink.index in ignored:
            entry["status"] = IGNORED
            entry["reason"] = ignored[uplink.index]
            if uplink.index in kept:
                entry["stored_as"] = "device_event"
                entry["id"] = kept[uplink.index]
        else:
            rejection = rejected[uplink.index]
            entry["status"] = "rejected"
            entry["reason"] = rejection.reason
            if rejection.message:
                entry["message"] = rejection.message
        items.append(entry)
    body = {"status": True, "group": group, "accepted": len(accepted_ids), "rejected": len(rejected)}
    if ignored:
        body["ignored"] = len(ignored)
    body["items"] = items
    return body
