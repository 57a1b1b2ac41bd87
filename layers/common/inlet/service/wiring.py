"""Build the use case's dependencies once per container, from the settings (clients are created lazily)."""

from __future__ import annotations

from functools import lru_cache

from inlet.adapters.dedup import DedupStore
from inlet.adapters.devices import DeviceStore
from inlet.adapters.keys import KeyStore
from inlet.adapters.records import RecordStore
from inlet.service.ingest import Dependencies
from inlet.settings import Settings, load_settings


def build_dependencies(settings: Settings) -> Dependencies:
    return Dependencies(
        settings=settings,
        keys=KeyStore(settings.keys_path, settings.key_cache_seconds, settings.key_miss_cache_seconds),
        devices=DeviceStore(settings.devices_table, settings.device_cache_seconds, settings.device_miss_cache_seconds),
        records=RecordStore(settings.records_table),
        dedup=DedupStore(settings.dedup_table, settings.dedup_window_seconds, settings.lease_seconds),
    )


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    """The warm container's dependencies (caches and clients survive between invocations)."""
    return build_dependencies(load_settings())
