"""The destination functions' configuration (functions/destinations), read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from inlet.settings import ConfigurationError


@dataclass(frozen=True)
class DestinationSettings:
    destinations_path: str  # SSM path of the destinations (one SecureString each)
    queue_url: str  # the Destinations queue (fan-out writes it, the delivery function postpones in it)
    dead_letter_queue_url: str
    health_table: str = ""  # the dedup table (empty: no health kept)
    records_table: str = ""  # read for deliveries whose body was too large for a message
    event_bus: str = ""  # the stack's own bus (eventbridge's default)
    iot_endpoint: str = ""  # the account's iot:Data-ATS endpoint (empty: looked up once per container)
    retry_seconds: int = 86_400  # how long a failing delivery is retried before it is dead-lettered
    max_backoff_seconds: int = 900
    deployed: bool = True  # False on the local stack: loopback webhook receivers allowed
    cache_seconds: int = 60
    pool: int = 8  # destinations delivered in parallel per batch


def destination_settings_from(env: dict[str, str]) -> DestinationSettings:
    required = ("DESTINATIONS_PATH", "DESTINATIONS_QUEUE_URL", "DESTINATIONS_DLQ_URL")
    missing = [name for name in required if not env.get(name)]
    if missing:
        raise ConfigurationError(f"missing environment variables: {', '.join(missing)}")
    try:
        retry_hours = float(env.get("DESTINATION_RETRY_HOURS") or 24)
        max_backoff = int(env.get("DESTINATION_MAX_BACKOFF_SECONDS") or 900)
    except ValueError as exc:
        raise ConfigurationError(f"DESTINATION_RETRY_HOURS / DESTINATION_MAX_BACKOFF_SECONDS: {exc}") from exc
    return DestinationSettings(
        destinations_path=env["DESTINATIONS_PATH"],
        queue_url=env["DESTINATIONS_QUEUE_URL"],
        dead_letter_queue_url=env["DESTINATIONS_DLQ_URL"],
        health_table=env.get("DEDUP_TABLE", ""),
        records_table=env.get("RECORDS_TABLE", ""),
        event_bus=env.get("EVENT_BUS_NAME", ""),
        iot_endpoint=env.get("IOT_DATA_ENDPOINT", ""),
        retry_seconds=int(retry_hours * 3600),
        max_backoff_seconds=max_backoff,
        deployed=env.get("DESTINATIONS_PRIVATE_ADDRESSES", "") != "allow-loopback",
    )


@lru_cache(maxsize=1)
def load_destination_settings() -> DestinationSettings:
    return destination_settings_from(dict(os.environ))
