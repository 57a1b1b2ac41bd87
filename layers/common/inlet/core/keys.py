"""Authorization keys: generation, hashing, and the configuration stored for each key (never the key itself)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import asdict, dataclass, field

from inlet.core.mapping import FieldMap, parse_mapping
from inlet.destinations.tagoio.settings import validate_tagoio_settings

KEY_PATTERN = re.compile(r"^at[0-9a-f]{32}$")  # TagoIO's shape: "at" + 128 random bits in hex
# Anything that may be a key inside other text (an Inlet key or a TagoIO authorization), in any case (serials are
# upper-cased): masked wherever text a person or a log sees could hold one.
KEY_SHAPED = re.compile(r"at[0-9a-f]{32}", re.IGNORECASE)
# The tenant rule: 1-64 characters of lower-case letters, digits, '_' and '-', starting with a letter or a digit.
# One spelling per tenant, so that `--tenant Demo` is refused instead of answering with demo's empty neighbour.
TENANT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
TENANT_RULE = "1-64 characters of lower-case letters, digits, '_' or '-', starting with a letter or a digit"
# What an uplink of a serial the tenant has no device for gets: `reject` (the item rejected device_not_found; 404 when
# nothing of the request is stored), `accept` (a 2xx, the item ignored device_not_found and noted in the unknown-device
# log: a network server never sees a failure) or `provision` (the device created on first sight).
UNKNOWN_DEVICE_POLICIES = ("reject", "accept", "provision")
ACCEPT_UNKNOWN = "accept"
SINKS = ("dynamodb", "tagoio", "both")
PAYLOAD_ENCODINGS = ("auto", "hex", "base64")


def tenant_problem(tenant: str) -> str | None:
    """Why ``tenant`` is not a tenant name (the wrong case says which spelling is), or None."""
    if TENANT_PATTERN.match(tenant):
        return None
    if TENANT_PATTERN.match(tenant.lower()):
        return f"tenant names are lower-case: {tenant!r} is not one; did you mean {tenant.lower()!r}?"
    return f"tenant {tenant[:64]!r} breaks the rule: {TENANT_RULE}"


def generate_key() -> str:
    return "at" + secrets.token_hex(16)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def is_well_formed(key: str) -> bool:
    return bool(KEY_PATTERN.match(key))


@dataclass(frozen=True)
class KeyConfig:
    tenant: str
    key_hash: str
    name: str = ""
    mapping: str = ""
    unknown_devices: str = "reject"
    payload_encoding: str = "auto"
    sink: str = "dynamodb"
    tagoio: dict = field(default_factory=dict)
    created_at: str = ""
    revoked_at: str | None = None
    log_until: int = 0  # epoch seconds: the endpoint logs this key's requests until then (see core/request_log)
    destinations: bool = False  # some destination takes this key's uplinks: its items are flagged for the fan-out

    @property
    def id(self) -> str:
        """A public handle for the key (a prefix of its hash): safe to log and to show."""
        return self.key_hash[:16]

    def logs_requests(self, now_s: float) -> bool:
        until = self.log_until
        return isinstance(until, (int, float)) and not isinstance(until, bool) and now_s < until

    def field_map(self) -> FieldMap | None:
        return parse_mapping(self.mapping)

    def matches(self, presented_hash: str) -> bool:
        return hmac.compare_digest(self.key_hash, presented_hash)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> KeyConfig:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def validate_key_config(config: KeyConfig) -> None:
    """Reject a configuration the endpoint could not honour (used by the CLI before anything is stored)."""
    problem = tenant_problem(config.tenant)
    if problem:
        raise ValueError(problem)
    if config.unknown_devices not in UNKNOWN_DEVICE_POLICIES:
        raise ValueError(f"unknown-devices must be one of {', '.join(UNKNOWN_DEVICE_POLICIES)}")
    if config.sink not in SINKS:
        raise ValueError(f"sink must be one of {', '.join(SINKS)}")
    if config.payload_encoding not in PAYLOAD_ENCODINGS:
        raise ValueError(f"payload encoding must be one of {', '.join(PAYLOAD_ENCODINGS)}")
    parse_mapping(config.mapping)  # raises BadRequest with the offending segment
    validate_tagoio_settings(config.sink, config.tagoio)
    if config.sink != "dynamodb" and config.unknown_devices == "provision":
        raise ValueError("unknown-devices=provision needs sink dynamodb: TagoIO devices are created in TagoIO")
