"""Build the use case's dependencies once per container, from the settings (clients are created lazily)."""

from __future__ import annotations

from functools import lru_cache

from inlet.adapters.dedup import DedupStore
from inlet.adapters.devices import DeviceStore
from inlet.adapters.keys import KeyStore
from inlet.adapters.records import RecordStore
from inlet.adapters.secrets import NetworkTokens
from inlet.service.forwarding import Forwarding
from inlet.service.ingest import Dependencies
from inlet.service.tagoio_devices import DeviceTokens
from inlet.settings import Settings, load_settings


def build_dependencies(settings: Settings) -> Dependencies:
    devices = DeviceStore(settings.devices_table, settings.device_cache_seconds, settings.device_miss_cache_seconds)
    records = RecordStore(settings.records_table)
    # Keys with sink tagoio/both resolve devices through TagoIO and queue their records for delivery.
    tokens = DeviceTokens(settings.device_cache_seconds, settings.device_miss_cache_seconds)
    forwarding = Forwarding(settings.delivery_queue_url, NetworkTokens(settings.network_token_path), tokens)
    return Dependencies(
        settings=settings,
        keys=KeyStore(settings.keys_path, settings.key_cache_seconds, settings.key_miss_cache_seconds),
        devices=devices,
        records=records,
        dedup=DedupStore(settings.dedup_table, settings.dedup_window_seconds, settings.lease_seconds),
        directory_for=lambda config: forwarding.directory_for(config, devices),
        sinks_for=lambda config: forwarding.sinks_for(config, records),
    )


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    """The warm container's dependencies (caches and clients survive between invocations)."""
    return build_dependencies(load_settings())
