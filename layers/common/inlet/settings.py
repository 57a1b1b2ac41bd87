"""Runtime configuration: one frozen model, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


class ConfigurationError(RuntimeError):
    """A required environment variable is missing or malformed (a deployment bug, not a caller error)."""


@dataclass(frozen=True)
class Settings:
    keys_path: str  # SSM path that holds one SecureString per key, named by the key's SHA-256
    devices_table: str
    records_table: str
    dedup_table: str
    dedup_window_seconds: int = 600  # 0 turns deduplication of retried requests off
    retention_days: int = 0  # 0 keeps records forever; otherwise DynamoDB TTL removes them
    key_cache_seconds: int = 60  # revocation takes effect within this time
    key_miss_cache_seconds: int = 10
    device_cache_seconds: int = 300
    device_miss_cache_seconds: int = 10
    max_body_bytes: int = 6 * 1024 * 1024
    max_items: int = 2000
    lease_seconds: int = 30  # how long a claimed request blocks its duplicates (>= function timeout)
    delivery_queue_url: str = ""  # SQS queue of TagoIO deliveries (empty: TagoIO sink disabled)
    network_token_path: str = "/inlet/tagoio"
    edge_origin_secret: str = ""  # the header value CloudFront adds, given directly (the local stack, tests)
    edge_origin_secret_arn: str = ""  # with the edge front in AWS: the Secrets Manager secret holding that value
    connectors_table: str = ""  # versions of the devices' JavaScript connectors (empty: built-in connectors only)


_INT_FIELDS = {
    "DEDUP_WINDOW_SECONDS": "dedup_window_seconds",
    "RETENTION_DAYS": "retention_days",
    "KEY_CACHE_SECONDS": "key_cache_seconds",
    "KEY_MISS_CACHE_SECONDS": "key_miss_cache_seconds",
    "DEVICE_CACHE_SECONDS": "device_cache_seconds",
    "DEVICE_MISS_CACHE_SECONDS": "device_miss_cache_seconds",
    "MAX_BODY_BYTES": "max_body_bytes",
    "MAX_ITEMS": "max_items",
    "LEASE_SECONDS": "lease_seconds",
}
_REQUIRED = {
    "KEYS_PATH": "keys_path",
    "DEVICES_TABLE": "devices_table",
    "RECORDS_TABLE": "records_table",
    "DEDUP_TABLE": "dedup_table",
}
_OPTIONAL = {
    "DELIVERY_QUEUE_URL": "delivery_queue_url",
    "NETWORK_TOKEN_PATH": "network_token_path",
    "EDGE_ORIGIN_SECRET": "edge_origin_secret",
    "EDGE_ORIGIN_SECRET_ARN": "edge_origin_secret_arn",
    "CONNECTORS_TABLE": "connectors_table",
}


def settings_from(env: dict[str, str]) -> Settings:
    return _read(Settings, env, _REQUIRED, _OPTIONAL, _INT_FIELDS)


def _read(model: type, env: dict[str, str], required: dict, optional: dict, ints: dict):
    """Build ``model`` from the environment; a missing or malformed variable is a ConfigurationError naming it."""
    missing = [name for name in required if not env.get(name)]
    if missing:
        raise ConfigurationError(f"missing environment variables: {', '.join(missing)}")
    values: dict[str, object] = {field: env[name] for name, field in required.items()}
    values.update({field: env[name] for name, field in optional.items() if env.get(name)})
    for name, field in ints.items():
        if env.get(name):
            try:
                values[field] = int(env[name])
            except ValueError as exc:
                raise ConfigurationError(f"{name} must be an integer, got {env[name]!r}") from exc
    values["keys_path"] = str(values["keys_path"]).rstrip("/")
    return model(**values)


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    return settings_from(dict(os.environ))


@dataclass(frozen=True)
class DeliverySettings:
    """The TagoIO delivery worker's configuration (functions/deliver)."""

    keys_path: str
    delivery_queue_url: str  # the queue the worker consumes (to postpone a message after a failure)
    dead_letter_queue_url: str  # where deliveries TagoIO refuses for good are kept for `inlet replay`
    network_token_path: str = "/inlet/tagoio"
    key_cache_seconds: int = 60
    device_cache_seconds: int = 300  # TagoIO device tokens
    device_miss_cache_seconds: int = 10
    max_backoff_seconds: int = 900  # with the queue's maxReceiveCount, how long an outage is retried
    delivery_pool: int = 8  # parallel deliveries (devices) per batch
    claims_table: str = ""  # the dedup table: one worker per delivery part (empty: no claims)


_DELIVERY_REQUIRED = {
    "KEYS_PATH": "keys_path",
    "DELIVERY_QUEUE_URL": "delivery_queue_url",
    "DEAD_LETTER_QUEUE_URL": "dead_letter_queue_url",
}
_DELIVERY_INTS = {
    "KEY_CACHE_SECONDS": "key_cache_seconds",
    "DEVICE_CACHE_SECONDS": "device_cache_seconds",
    "DEVICE_MISS_CACHE_SECONDS": "device_miss_cache_seconds",
    "MAX_BACKOFF_SECONDS": "max_backoff_seconds",
    "DELIVERY_POOL": "delivery_pool",
}


def delivery_settings_from(env: dict[str, str]) -> DeliverySettings:
    optional = {"NETWORK_TOKEN_PATH": "network_token_path", "DEDUP_TABLE": "claims_table"}
    return _read(DeliverySettings, env, _DELIVERY_REQUIRED, optional, _DELIVERY_INTS)


@lru_cache(maxsize=1)
def load_delivery_settings() -> DeliverySettings:
    return delivery_settings_from(dict(os.environ))
