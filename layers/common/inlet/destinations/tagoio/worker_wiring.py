"""Build the delivery worker's dependencies once per container (clients are created lazily, caches stay warm)."""

from __future__ import annotations

from functools import lru_cache

from inlet.adapters.deliveries import DeliveryQueue
from inlet.adapters.keys import KeyStore
from inlet.adapters.secrets import NetworkTokens
from inlet.destinations.tagoio.claims import DeliveryClaims
from inlet.destinations.tagoio.devices import DeviceTokens
from inlet.destinations.tagoio.worker import DeliveryDependencies
from inlet.settings import DeliverySettings, load_delivery_settings


def build_delivery_dependencies(settings: DeliverySettings, sqs=None, ssm=None, dynamodb=None) -> DeliveryDependencies:
    return DeliveryDependencies(
        settings=settings,
        keys=KeyStore(settings.keys_path, settings.key_cache_seconds, ssm=ssm),
        network_tokens=NetworkTokens(settings.network_token_path, ssm=ssm),
        tokens=DeviceTokens(settings.device_cache_seconds, settings.device_miss_cache_seconds),
        queue=DeliveryQueue(settings.delivery_queue_url, sqs=sqs),
        dead_letters=DeliveryQueue(settings.dead_letter_queue_url, sqs=sqs),
        claims=DeliveryClaims(settings.claims_table, dynamodb=dynamodb) if settings.claims_table else None,
    )


@lru_cache(maxsize=1)
def delivery_dependencies() -> DeliveryDependencies:
    return build_delivery_dependencies(load_delivery_settings())
