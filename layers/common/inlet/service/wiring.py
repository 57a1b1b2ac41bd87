"""Build the use case's dependencies once per container, from the settings (clients are created lazily)."""

from __future__ import annotations

from functools import lru_cache

from inlet.adapters.connectors import ConnectorStore
from inlet.adapters.dedup import DedupStore
from inlet.adapters.devices import DeviceStore
from inlet.adapters.edge_secret import EdgeOriginSecret
from inlet.adapters.keys import KeyStore
from inlet.adapters.records import RecordStore
from inlet.adapters.request_log import RequestLogStore
from inlet.adapters.unknown_devices import UnknownDeviceLog
from inlet.core.keys import KeyConfig
from inlet.destinations.tagoio.settings import FORWARDING_SINKS
from inlet.service.ingest import Dependencies
from inlet.settings import Settings, load_settings


def build_dependencies(settings: Settings) -> Dependencies:
    devices = DeviceStore(settings.devices_table, settings.device_cache_seconds, settings.device_miss_cache_seconds)
    records = RecordStore(settings.records_table)
    forwarding = lru_cache(maxsize=1)(lambda: _forwarding(settings))  # one per container, built on first use

    # Keys with sink tagoio/both resolve devices through TagoIO and queue their records for delivery. That code (and
    # requests) is loaded by the first such key only: DynamoDB-only deployments never pay for it at cold start.
    def directory_for(config: KeyConfig):
        if config.sink not in FORWARDING_SINKS:
            return devices
        return forwarding().directory_for(config, devices)

    def sinks_for(config: KeyConfig):
        if config.sink not in FORWARDING_SINKS:
            return [records]
        return forwarding().sinks_for(config, records)

    return Dependencies(
        settings=settings,
        keys=KeyStore(settings.keys_path, settings.key_cache_seconds, settings.key_miss_cache_seconds),
        devices=devices,
        records=records,
        dedup=DedupStore(settings.dedup_table, settings.dedup_window_seconds, settings.lease_seconds),
        directory_for=directory_for,
        sinks_for=sinks_for,
        connectors=ConnectorStore(settings.connectors_table) if settings.connectors_table else None,
        request_log=RequestLogStore(settings.records_table),  # a partition per tenant of the Records table
        unknown_devices=UnknownDeviceLog(settings.records_table),  # and another one
        edge_secret=EdgeOriginSecret(settings.edge_origin_secret_arn) if settings.edge_origin_secret_arn else None,
    )


def _forwarding(settings: Settings):
    from inlet.adapters.secrets import NetworkTokens
    from inlet.destinations.tagoio.devices import DeviceTokens
    from inlet.destinations.tagoio.forwarding import Forwarding

    tokens = DeviceTokens(settings.device_cache_seconds, settings.device_miss_cache_seconds)
    return Forwarding(settings.delivery_queue_url, NetworkTokens(settings.network_token_path), tokens)


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    """The warm container's dependencies (caches and clients survive between invocations)."""
    return build_dependencies(load_settings())
