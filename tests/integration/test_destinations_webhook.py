"""Webhook destinations end to end on moto: every accepted uplink arrives, however the receiver misbehaves first;
the delivery id is the same on every retry; signatures verify with the `standardwebhooks` package (PyPI, the
Standard Webhooks project's own Python library: an independent verifier); one failing destination does not delay
another."""

from __future__ import annotations

import json

import pytest
from inlet.adapters.keys import KeyStore
from inlet.destinations import Destination
from inlet.destinations.store import DestinationStore
from inlet_cli import destination_admin
from inlet_cli.local import env as local_env
from standardwebhooks import Webhook

from tests.destinations_harness import DestinationsStack, Receiver, bodies
from tests.helpers import http_event, invoke, restart_container

SERIALS = ("70B3D57ED0000001", "70B3D57ED0000002", "AA-BB-01")


@pytest.fixture
def stack(seeded, monkeypatch):
    return DestinationsStack(monkeypatch)


@pytest.fixture
def receivers():
    made = []

    def make(script=()):
        receiver = Receiver(list(script)).start()
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.stop()


def add_webhook(name: str, url: str, **options) -> str:
    keys = KeyStore(local_env.KEYS_PATH)
    store = DestinationStore(local_env.DESTINATIONS_PATH)
    destination = Destination(local_env.EVENTS_TENANT, name, "webhook")
    _, secret = destination_admin.add(keys, store, destination, {"url": url, "timeout": 1, **options}, deployed=False)
    restart_container()  # the uplink function sees the keys' new flag (as warm ones do within the key cache's 60 s)
    return secret


def send_uplinks(count: int, start: int = 0) -> list[str]:
    """``count`` uplinks, three a request; returns the accepted record ids."""
    ids = []
    for first in range(start, start + count, 3):
        items = [
            {"serial": SERIALS[i % len(SERIALS)], "payload": f"{i:04x}", "port": 1 + i % 3}
            for i in range(first, min(first + 3, start + count))
        ]
        status, body, _ = invoke(http_event(items))
        assert status == 200, body
        ids += [item["id"] for item in body["items"] if item["status"] == "accepted"]
    return ids


def test_a_receiver_that_fails_times_out_resets_and_throttles_gets_every_uplink(stack, receivers):
    receiver = receivers(["500", "timeout", "reset", "429", "500", "reset", "429"])
    secret = add_webhook("backend", receiver.url)
    accepted = send_uplinks(12)
    stack.pump()
    arrived = bodies(receiver.arrived())
    assert sorted({b["id"] for b in arrived}) == sorted(accepted)  # none missing, none made up
    ids_per_record: dict[str, set[str]] = {}
    for request in receiver.requests:  # every attempt, failed ones included
        body = json.loads(request.body)
        ids_per_record.setdefault(body["id"], set()).add(request.headers["webhook-id"])
        assert body["delivery_id"] == request.headers["webhook-id"]
    assert all(len(ids) == 1 for ids in ids_per_record.values())  # the same id on every retry
    assert len(receiver.requests) > len(accepted)  # the failures were met, and retried
    verifier = Webhook(secret)
    for request in receiver.requests:
        verified = verifier.verify(request.body, request.headers)
        assert verified["tenant"] == local_env.EVENTS_TENANT
    assert stack.dead_letters() == []


def test_a_failing_destination_does_not_delay_another(stack, receivers):
    healthy, failing = receivers(), receivers(["timeout"] * 50)
    add_webhook("healthy", healthy.url)
    add_webhook("failing", failing.url)
    accepted = send_uplinks(9)
    stack.deps.visibility = lambda seconds: seconds  # real backoff: the failing deliveries wait their turn
    rounds = stack.pump()
    # the healthy receiver has everything, while every delivery to the failing one is postponed; each receive round
    # cost the failing one a single timeout (its other deliveries of the round were held, not tried)
    assert sorted(b["id"] for b in bodies(healthy.arrived())) == sorted(accepted)
    assert len(failing.requests) <= rounds
    assert len(healthy.requests) == len(accepted)


def test_a_refused_delivery_is_dead_lettered_at_once_naming_its_destination(stack, receivers):
    receiver = receivers()
    add_webhook("gone", receiver.url.replace("/hook", "/missing"))
    receiver.script.extend(["ok"] * 0)
    original = receiver.server.RequestHandlerClass.do_POST

    def not_found(handler):
        handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        receiver.requests.append(None)
        handler.send_response(410)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    receiver.server.RequestHandlerClass.do_POST = not_found
    try:
        send_uplinks(2)
        stack.pump()
    finally:
        receiver.server.RequestHandlerClass.do_POST = original
    assert len(receiver.requests) == 2  # tried once each, never again
    kept = stack.dead_letters()
    assert len(kept) == 2
    attributes = kept[0]["MessageAttributes"]
    assert attributes["inlet_destination"]["StringValue"] == "gone"
    assert attributes["inlet_reason"]["StringValue"].startswith("webhook_410")


def test_bodies_are_what_openapi_documents_one_by_one_and_in_batches(stack, receivers):
    from openapi_schema_validator import OAS30Validator

    from tests.openapi_document import DOCUMENT, resolved

    schemas = DOCUMENT["components"]["schemas"]
    single, batch = (OAS30Validator(resolved(schemas[n])) for n in ("DestinationBody", "DestinationBatch"))
    one, grouped = receivers(), receivers()
    add_webhook("one", one.url)
    add_webhook("grouped", grouped.url)
    from inlet.destinations.store import DestinationStore as Store

    store = Store(local_env.DESTINATIONS_PATH)  # --batch as `inlet destinations add --batch 4` stores it
    destination, secrets = store.get(local_env.EVENTS_TENANT, "grouped")
    from dataclasses import replace

    store.put(replace(destination, batch=4), secrets, overwrite=True)
    accepted = send_uplinks(8)
    stack.pump()
    for body in bodies(one.arrived()):
        single.validate(body)
    requests = bodies(grouped.arrived())
    for body in requests:
        batch.validate(body)
    assert any(len(b["deliveries"]) > 1 for b in requests)
    assert sorted(d["id"] for b in requests for d in b["deliveries"]) == sorted(accepted)


def test_when_the_queue_fails_the_stream_batch_is_fanned_out_again(stack, receivers, monkeypatch):
    from inlet.adapters.deliveries import DeliveryQueue
    from inlet.errors import ServiceUnavailable
    from inlet_cli.local import destinations as local_destinations

    receiver = receivers()
    add_webhook("backend", receiver.url)
    accepted = send_uplinks(4)
    real_send = DeliveryQueue.send

    def down(self, bodies, attributes=None):
        raise ServiceUnavailable("Delivery queue unavailable, retry later")

    monkeypatch.setattr(DeliveryQueue, "send", down)
    with pytest.raises(ServiceUnavailable):
        local_destinations.pump_stream(stack.reader, stack.fan_out)
    monkeypatch.setattr(DeliveryQueue, "send", real_send)
    stack.pump()
    assert sorted(b["id"] for b in bodies(receiver.arrived())) == sorted(accepted)


def test_bodies_too_large_for_a_message_travel_as_a_pointer_to_the_stored_record(stack, receivers, monkeypatch):
    from inlet.destinations import messages

    monkeypatch.setattr(messages, "MAX_INLINE_BYTES", 10)
    receiver = receivers()
    add_webhook("backend", receiver.url)
    accepted = send_uplinks(3)
    stack.pump()
    arrived = bodies(receiver.arrived())
    assert sorted(b["id"] for b in arrived) == sorted(accepted)
    assert all(b["payload"] is not None and b["serial"] and b["delivery_id"].startswith("msg_") for b in arrived)
