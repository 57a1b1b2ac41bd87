"""Accepted uplinks become records; the request's outcome becomes a per-item receipt. Pure functions."""

from __future__ import annotations

import hashlib
import secrets

from inlet.core.uplink import Uplink
from inlet.core.values import FLAG_PAYLOAD, payload_to_hex
from inlet.core.variables import variables_of

DEVICE_NOT_FOUND = "device_not_found"


def new_group() -> str:
    """The group shared by every record of one request (TagoIO allows 100 characters; this is 24)."""
    return secrets.token_hex(12)


def request_fingerprint(key_hash: str, query: dict[str, str], body: bytes) -> str:
    """Identity of a request for deduplication: same key, same query (without the key), same body."""
    digest = hashlib.sha256(key_hash.encode())
    for name in sorted(query):
        digest.update(f"\0{name}={query[name]}".encode())
    digest.update(b"\0\0")
    digest.update(body)
    return digest.hexdigest()


def build_record(
    uplink: Uplink, tenant: str, group: str, received_at: str, encoding: str | None, expires_at: int | None
) -> dict:
    payload = uplink.payload
    flags = uplink.flags
    if payload is not None:
        payload, ok = payload_to_hex(payload, encoding)
        if not ok:
            flags = [*flags, FLAG_PAYLOAD]
    return {
        "id": f"{group}-{uplink.index}",
        "sk": f"{received_at}#{group}#{uplink.index:05d}",
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
    }


def record_variables(record: dict) -> list[dict]:
    """A record's variables in TagoIO's form (read-back records already carry them)."""
    if "variables" in record:
        return record["variables"]
    return variables_of(record.get("fields") or {}, record.get("location"))


def receipt(group: str, uplinks: list[Uplink], accepted_ids: dict[int, str], reasons: dict[int, str]) -> dict:
    items = []
    for uplink in uplinks:
        entry = {"index": uplink.index, "serial": uplink.serial}
        if uplink.index in accepted_ids:
            entry["status"] = "accepted"
            entry["id"] = accepted_ids[uplink.index]
        else:
            entry["status"] = "rejected"
            entry["reason"] = reasons[uplink.index]
        items.append(entry)
    return {
        "status": True,
        "group": group,
        "accepted": len(accepted_ids),
        "rejected": len(reasons),
        "items": items,
    }
