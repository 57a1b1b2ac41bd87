"""Build the destination functions' dependencies once per container (clients lazily, caches warm)."""

from __future__ import annotations

from functools import lru_cache

from inlet.adapters import aws
from inlet.adapters.deliveries import DeliveryQueue
from inlet.adapters.records import RecordStore
from inlet.destinations.health import Health
from inlet.destinations.outcomes import DeliveryOutcomes
from inlet.destinations.settings import DestinationSettings, load_destination_settings
from inlet.destinations.store import DestinationStore


def build(settings: DestinationSettings, client=None):
    from inlet.service.destination_delivery import DestinationDependencies

    make = client or _clients(settings)
    store = DestinationStore(settings.destinations_path, settings.cache_seconds, ssm=make("ssm"))

    records = RecordStore(settings.records_table, dynamodb=make("dynamodb")) if settings.records_table else None

    def load_item(device: str, sk: str) -> dict | None:
        return records.get(device, sk) if records else None

    return DestinationDependencies(
        settings=settings,
        destinations=store,
        queue=DeliveryQueue(settings.queue_url, sqs=make("sqs")),
        dead_letters=DeliveryQueue(settings.dead_letter_queue_url, sqs=make("sqs")),
        health=Health(settings.health_table, dynamodb=make("dynamodb")),
        client=make,
        load_item=load_item,
        outcomes=DeliveryOutcomes(settings.health_table, dynamodb=make("dynamodb")),
    )


def build_fan_out(settings: DestinationSettings, client=None):
    from inlet.service.fan_out import FanOutDependencies

    make = client or _clients(settings)
    return FanOutDependencies(
        destinations=DestinationStore(settings.destinations_path, settings.cache_seconds, ssm=make("ssm")),
        queue=DeliveryQueue(settings.queue_url, sqs=make("sqs")),
        health=Health(settings.health_table, dynamodb=make("dynamodb")),
    )


def _clients(settings: DestinationSettings):
    """The shared lazy clients; ``iot-data`` talks to the endpoint its destination names (the account's
    ``iot:Data-ATS`` endpoint, found by `inlet destinations add`), or the emulator's (``IOT_DATA_ENDPOINT``)."""

    def make(service: str, endpoint: str = ""):
        if service != "iot-data":
            return aws.client(service)
        return _iot_data(settings.iot_endpoint or endpoint)

    return make


@lru_cache(maxsize=16)
def _iot_data(endpoint: str):
    import boto3

    if endpoint and not endpoint.startswith(("https://", "http://")):
        endpoint = f"https://{endpoint}"
    return boto3.client("iot-data", endpoint_url=endpoint or None)


@lru_cache(maxsize=1)
def delivery_dependencies():
    return build(load_destination_settings())


@lru_cache(maxsize=1)
def fan_out_dependencies():
    return build_fan_out(load_destination_settings())
