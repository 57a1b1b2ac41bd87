"""The uplink function's side of forwarding to TagoIO: the directory and the sinks of each key, by its ``sink``.

- ``dynamodb`` (default): Inlet's devices table, and the records table.
- ``tagoio``: devices resolved through TagoIO, records queued for delivery (``TagoSink``).
- ``both``: devices resolved through TagoIO; records written to the records table and queued for delivery.

``TagoSink.put_many`` turns records into TagoIO records (checked against TagoIO's rules), one delivery per device of
the request (more when over the size budget), and returns once SQS holds them all: the uplink's 2xx means durable.
"""

from __future__ import annotations

from inlet.adapters.deliveries import DeliveryQueue
from inlet.adapters.devices import DeviceStore
from inlet.adapters.records import RecordStore
from inlet.adapters.secrets import NetworkTokens
from inlet.core.keys import KeyConfig
from inlet.core.records import Rejection
from inlet.destinations.tagoio.api import TagoApi
from inlet.destinations.tagoio.delivery import pack
from inlet.destinations.tagoio.devices import DeviceTokens, TagoDirectory, lookup_refusal
from inlet.destinations.tagoio.records import to_tagoio
from inlet.destinations.tagoio.settings import FORWARDING_SINKS
from inlet.errors import ServiceUnavailable

UPLINK_TIMEOUTS = (3.05, 5.0)  # connect, read: a device lookup must fit in the uplink function's 15 s


class TagoSink:
    def __init__(self, queue: DeliveryQueue, key_hash: str) -> None:
        self._queue = queue
        self._key_hash = key_hash

    def refusal(self, record: dict) -> Rejection | None:
        """Only a device TagoIO gave no usable answer for is refused: what breaks TagoIO's limits is left out of the
        delivery and listed as a warning instead."""
        return lookup_refusal(record["serial"])

    def put_many(self, records: list[dict]) -> dict[str, list[str]]:
        """Queue every record's TagoIO records; return the warnings of records TagoIO could not take whole."""
        warnings: dict[str, list[str]] = {}
        by_serial: dict[str, list[dict]] = {}
        for record in records:
            converted, notes = to_tagoio(record)
            if notes:
                warnings[record["id"]] = notes
            by_serial.setdefault(record["serial"], []).extend(converted)
        if not records:
            return warnings
        group, received_at = records[0]["group"], records[0]["received_at"]
        deliveries = [
            delivery
            for serial, converted in by_serial.items()
            if converted
            for delivery in pack(self._key_hash, serial, group, received_at, converted)
        ]
        self._queue.send([d.to_body() for d in deliveries])
        return warnings


class Forwarding:
    """Per-container state shared by every request: API sessions, token caches, the queue client."""

    def __init__(self, queue_url: str, network_tokens: NetworkTokens, tokens: DeviceTokens, queue=None) -> None:
        self._queue = queue or (DeliveryQueue(queue_url) if queue_url else None)
        self._network_tokens = network_tokens
        self.tokens = tokens
        self._apis: dict[str, TagoApi] = {}

    def api(self, url: str) -> TagoApi:
        if url not in self._apis:
            self._apis[url] = TagoApi(url, timeouts=UPLINK_TIMEOUTS)
        return self._apis[url]

    def directory_for(self, config: KeyConfig, devices: DeviceStore):
        if config.sink not in FORWARDING_SINKS:
            return devices
        settings = self._settings(config)
        network_token_param = settings["network_token_param"]
        return TagoDirectory(
            self.api(settings["api_url"]),
            self.tokens,
            lambda: self._network_tokens.get(network_token_param),
            settings["authorization"],
        )

    def sinks_for(self, config: KeyConfig, records: RecordStore) -> list:
        if config.sink not in FORWARDING_SINKS:
            return [records]
        self._settings(config)
        if self._queue is None:
            raise ServiceUnavailable(
                "TagoIO forwarding is not configured (DELIVERY_QUEUE_URL is empty)", retry_after=60
            )
        tago = TagoSink(self._queue, config.key_hash)
        return [records, tago] if config.sink == "both" else [tago]

    @staticmethod
    def _settings(config: KeyConfig) -> dict:
        settings = config.tagoio or {}
        if not all(settings.get(name) for name in ("api_url", "network_token_param", "authorization")):
            raise ServiceUnavailable(f"key {config.id} forwards to TagoIO but has no TagoIO settings", retry_after=60)
        return settings
