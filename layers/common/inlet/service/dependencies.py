"""What the uplink use case works with (its stores and hooks) and what it answers (its outcome)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from inlet.adapters.dedup import DedupStore
from inlet.adapters.devices import Device, DeviceStore
from inlet.adapters.edge_secret import EdgeOriginSecret
from inlet.adapters.keys import KeyStore
from inlet.adapters.records import RecordStore
from inlet.adapters.request_log import RequestLogStore
from inlet.adapters.unknown_devices import UnknownDeviceLog
from inlet.core.keys import KeyConfig
from inlet.core.records import Rejection
from inlet.service.decoding import ConnectorSource
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
    request_log: RequestLogStore | None = None  # where keys with logging on log their requests (None: nowhere)
    unknown_devices: UnknownDeviceLog | None = None  # serials keys with unknown_devices=accept met (None: unnoted)
    edge_secret: EdgeOriginSecret | None = None  # the edge front's origin secret in Secrets Manager (None: not used)

    def edge_origin_values(self) -> tuple[str, ...]:
        """The header values that prove a request came through the edge front (empty: no edge front)."""
        if self.edge_secret is not None:
            return self.edge_secret.values()
        return (self.settings.edge_origin_secret,) if self.settings.edge_origin_secret else ()

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
