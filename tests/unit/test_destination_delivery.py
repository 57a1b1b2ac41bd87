"""The delivery function's decisions, without AWS: retry windows, held destinations, unknown kinds, dead letters."""

from __future__ import annotations

import time

import pytest
from inlet.destinations import DELIVERED, RETRY, Answer, Destination, Kind
from inlet.destinations.messages import to_message
from inlet.destinations.settings import DestinationSettings
from inlet.service import destination_delivery
from inlet.service.destination_delivery import DestinationDependencies, deliver_destinations

pytestmark = pytest.mark.unit


class Store:
    def __init__(self, *destinations: Destination) -> None:
        self.destinations = list(destinations)

    def of_tenant(self, tenant: str):
        return [d for d in self.destinations if d.tenant == tenant]

    def secrets(self, tenant: str, name: str):
        return []


class Queue:
    def __init__(self) -> None:
        self.deferred, self.kept = [], []

    def defer(self, receipt: str, seconds: int) -> bool:
        self.deferred.append((receipt, seconds))
        return True

    def keep(self, body: str, reason: str, attributes=None) -> None:
        self.kept.append((reason, attributes))


class Health:
    def count(self, *args, **kwargs) -> None: ...

    def outcome(self, *args, **kwargs) -> None: ...


def deps(*destinations: Destination) -> DestinationDependencies:
    return DestinationDependencies(
        settings=DestinationSettings("/p", "q", "dlq", retry_seconds=86_400),
        destinations=Store(*destinations), queue=Queue(), dead_letters=Queue(), health=Health(),
        client=lambda *args: None, jitter=lambda: 0.0,
    )  # fmt: skip


def message(n: int, destination: str = "d", sent_s: float | None = None, receives: int = 1) -> dict:
    body = to_message("t", destination, f"msg_{n:032x}", {"version": 1, "id": str(n)}, {})
    sent_ms = int((sent_s if sent_s is not None else time.time()) * 1000)
    attributes = {"SentTimestamp": str(sent_ms), "ApproximateReceiveCount": str(receives)}
    return {"messageId": str(n), "receiptHandle": f"r{n}", "body": body, "attributes": attributes}


def fake_kind(monkeypatch, answer: Answer, sent: list) -> None:
    def send(destination, deliveries, context):
        sent.extend(d.id for d in deliveries)
        return [answer] * len(deliveries)

    kind = Kind("fake", "a stand-in", lambda options, deployed: {}, send)
    monkeypatch.setattr(destination_delivery, "kind_of", lambda name: kind)


def test_a_throttling_receiver_is_asked_once_per_batch_the_rest_held(monkeypatch):
    sent: list = []
    fake_kind(monkeypatch, Answer(RETRY, "webhook_429", retry_after=30), sent)
    d = deps(Destination("t", "d", "fake"))
    settled = deliver_destinations([message(n) for n in range(5)], d)
    assert len(sent) == 1
    assert [s.answer.reason.startswith("held") for s in settled] == [False, True, True, True, True]
    assert d.queue.deferred[0] == ("r0", 30)  # the receiver's Retry-After


def test_past_the_retry_window_a_failing_delivery_is_dead_lettered_with_its_last_reason(monkeypatch):
    fake_kind(monkeypatch, Answer(RETRY, "webhook_503"), [])
    d = deps(Destination("t", "d", "fake"))
    [late] = deliver_destinations([message(1, sent_s=time.time() - 86_401, receives=90)], d)
    assert late.answer.status == "refused" and late.answer.reason == "retries_exhausted after 24 h: webhook_503"
    reason, attributes = d.dead_letters.kept[0]
    assert reason == late.answer.reason
    assert attributes["inlet_destination"]["StringValue"] == "d" and attributes["inlet_tenant"]["StringValue"] == "t"


def test_a_kind_this_stack_does_not_know_waits_in_the_queue():
    d = deps(Destination("t", "d", "carrier-pigeon"))
    [waiting] = deliver_destinations([message(1)], d)
    assert waiting.answer.status == RETRY and waiting.answer.reason.startswith("unknown_kind")
    assert d.dead_letters.kept == []


def test_a_removed_destination_and_a_malformed_message_are_dead_lettered_not_dropped():
    d = deps()
    bad = {**message(2), "body": "{not json"}
    settled = deliver_destinations([message(1, destination="gone"), bad], d)
    assert sorted(s.answer.reason.split(":")[0] for s in settled) == [
        "destination_removed",
        "malformed delivery message",
    ]
    assert len(d.dead_letters.kept) == 2


def test_a_kinds_bug_is_retried_not_lost(monkeypatch):
    def broken(destination, deliveries, context):
        raise KeyError("oops")

    kind = Kind("fake", "broken", lambda options, deployed: {}, broken)
    monkeypatch.setattr(destination_delivery, "kind_of", lambda name: kind)
    [outcome] = deliver_destinations([message(1)], deps(Destination("t", "d", "fake")))
    assert outcome.answer == Answer(RETRY, "fake_error: KeyError")


def test_destinations_of_a_batch_are_delivered_each_on_its_own(monkeypatch):
    sent: list = []
    fake_kind(monkeypatch, Answer(DELIVERED), sent)
    d = deps(Destination("t", "a", "fake"), Destination("t", "b", "fake"))
    settled = deliver_destinations([message(1, "a"), message(2, "b"), message(3, "a")], d)
    assert sorted(sent) == sorted(f"msg_{n:032x}" for n in (1, 2, 3))
    assert {s.destination for s in settled} == {"a", "b"} and d.queue.deferred == []
