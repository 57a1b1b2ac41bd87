"""The delivery function's use case: send a batch of queued deliveries, each destination on its own, and settle them.

Per message: delivered -> done; refused for good -> the dead-letter queue with the reason (then done); may succeed
later -> postponed by backoff (or the receiver's Retry-After) and reported as failed (partial batch response), until
the retry window since it was first queued is over: then dead-lettered with the last reason. A destination that
timed out or could not be reached is not tried again within the batch: its other messages are postponed at once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from inlet.adapters.deliveries import DeliveryQueue
from inlet.destinations import (
    DELIVERED,
    REFUSED,
    RETRY,
    Answer,
    Context,
    Delivery,
    Destination,
    UnknownKind,
    kind_of,
)
from inlet.destinations.health import Health, hour_of
from inlet.destinations.messages import from_message
from inlet.destinations.outcomes import DeliveryOutcomes, of_settled
from inlet.destinations.retries import backoff_seconds, exhausted
from inlet.destinations.settings import DestinationSettings
from inlet.destinations.store import DestinationStore
from inlet.errors import ServiceUnavailable

# The receiver is down or asks to slow down: the destination's other deliveries of the batch are held, not tried.
UNREACHABLE = ("webhook_timeout", "webhook_unreachable", "webhook_dns", "webhook_429")
DESTINATION = "inlet_destination"
TENANT = "inlet_tenant"


@dataclass
class DestinationDependencies:
    settings: DestinationSettings
    destinations: DestinationStore
    queue: DeliveryQueue
    dead_letters: DeliveryQueue
    health: Health
    client: Callable[[str], object]  # boto3 client factory for the kinds
    load_item: Callable[[str, str], dict | None] = lambda device, sk: None  # oversized bodies
    jitter: Callable[[], float] = random.random
    clock: Callable[[], float] = time.time
    visibility: Callable[[int], int] = lambda seconds: seconds  # tests shrink the waits, never the decisions
    outcomes: DeliveryOutcomes | None = None  # each uplink's outcome per destination, for the inspector


@dataclass(frozen=True)
class Queued:
    id: str
    receipt: str
    text: str
    attempt: int
    first_queued_s: float

    @classmethod
    def from_record(cls, record: dict, now: float) -> Queued:
        attributes = record.get("attributes") or {}
        sent_ms = attributes.get("SentTimestamp")
        return cls(
            record["messageId"],
            record["receiptHandle"],
            record["body"],
            int(attributes.get("ApproximateReceiveCount") or 1),
            int(sent_ms) / 1000 if sent_ms else now,
        )


@dataclass(frozen=True)
class Settled:
    message: Queued
    tenant: str
    destination: str
    answer: Answer
    delay: int = 0
    kind: str = ""


def deliver_destinations(records: list[dict], deps: DestinationDependencies) -> list[Settled]:
    now = deps.clock()
    groups: dict[tuple[str, str], list[tuple[Queued, dict]]] = {}
    settled: list[Settled] = []
    parsed: dict[str, dict] = {}
    for record in records:
        message = Queued.from_record(record, now)
        try:
            data = from_message(message.text)
        except ValueError as exc:
            settled.append(_settle(message, "", "", Answer(REFUSED, str(exc)), deps))
            continue
        groups.setdefault((data["tenant"], data["destination"]), []).append((message, data))
        parsed[message.id] = data
    if len(groups) <= 1:
        results = [_destination(group, messages, deps) for group, messages in groups.items()]
    else:
        with ThreadPoolExecutor(max_workers=min(deps.settings.pool, len(groups))) as pool:
            results = list(pool.map(lambda g: _destination(g, groups[g], deps), groups))
    for (tenant, name), answers, kind in results:
        settled.extend(_settle(message, tenant, name, answer, deps, kind) for message, answer in answers)
        _record_health(tenant, name, [s for s in settled if s.destination == name and s.tenant == tenant], deps)
    if deps.outcomes:
        deps.outcomes.record(of_settled(settled, parsed))
    return settled


def _destination(group: tuple[str, str], messages: list[tuple[Queued, dict]], deps: DestinationDependencies):
    tenant, name = group
    try:
        known = deps.destinations.of_tenant(tenant)
    except ServiceUnavailable as error:
        return group, [(m, Answer(RETRY, error.message)) for m, _ in messages], ""
    destination = next((d for d in known if d.name == name), None)
    if destination is None:
        return group, [(m, Answer(REFUSED, "destination_removed")) for m, _ in messages], ""
    try:
        kind = kind_of(destination.kind)
    except UnknownKind as error:  # written by a newer CLI than this stack: waits for the upgrade, then dead letters
        return group, [(m, Answer(RETRY, f"unknown_kind: {error}")) for m, _ in messages], destination.kind
    size = max(1, min(destination.batch, kind.max_batch))
    answers: list[tuple[Queued, Answer]] = []
    held = ""
    for start in range(0, len(messages), size):
        chunk = messages[start : start + size]
        if held:
            answers.extend((m, Answer(RETRY, f"held: {held} earlier in this batch")) for m, _ in chunk)
            continue
        replies = _send(kind, destination, chunk, deps)
        answers.extend(zip([m for m, _ in chunk], replies, strict=True))
        held = next((a.reason for a in replies if a.status == RETRY and a.reason.startswith(UNREACHABLE)), "")
    return group, answers, destination.kind


def _send(kind, destination: Destination, chunk: list[tuple[Queued, dict]], deps) -> list[Answer]:
    deliveries = []
    for message, data in chunk:
        try:
            body = data.get("body") or _stored_body(data, deps)
        except ServiceUnavailable:
            body = None
        if body is None:
            return [Answer(RETRY, "record_unavailable: the stored record could not be read")] * len(chunk)
        deliveries.append(Delivery(data["id"], body, message.attempt))
    try:
        replies = kind.send(destination, deliveries, _context_of(destination, deps))
    except Exception as exc:  # a kind's bug must not lose the deliveries: they are retried and show the reason
        return [Answer(RETRY, f"{kind.name}_error: {type(exc).__name__}")] * len(chunk)
    if len(replies) != len(chunk):
        return [Answer(RETRY, f"{kind.name}_error: {len(replies)} answers for {len(chunk)}")] * len(chunk)
    return replies


def _context_of(destination: Destination, deps: DestinationDependencies) -> Context:
    return Context(
        secrets=lambda: deps.destinations.secrets(destination.tenant, destination.name),
        client=deps.client,
        deployed=deps.settings.deployed,
        stack_bus=deps.settings.event_bus,
    )


def _stored_body(data: dict, deps: DestinationDependencies) -> dict | None:
    from inlet.destinations.body import item_body

    pointer = data.get("item") or {}
    item = deps.load_item(pointer.get("device", ""), pointer.get("sk", ""))
    return item_body(item, data["destination"], pointer.get("redecoded_at", "")) if item else None


def _settle(
    message: Queued, tenant: str, name: str, answer: Answer, deps: DestinationDependencies, kind: str = ""
) -> Settled:
    now = deps.clock()
    if answer.status == RETRY and exhausted(message.first_queued_s, now, deps.settings.retry_seconds):
        hours = deps.settings.retry_seconds / 3600
        answer = Answer(REFUSED, f"retries_exhausted after {hours:g} h: {answer.reason}")
    if answer.status == REFUSED:
        attributes = {
            DESTINATION: {"DataType": "String", "StringValue": name or "unknown"},
            TENANT: {"DataType": "String", "StringValue": tenant or "unknown"},
        }
        try:
            deps.dead_letters.keep(message.text, answer.reason, attributes)
        except ServiceUnavailable as error:
            answer = Answer(RETRY, f"{answer.reason}; not kept: {error.message}")
    if answer.status != RETRY:
        return Settled(message, tenant, name, answer, kind=kind)
    delay = backoff_seconds(message.attempt, deps.settings.max_backoff_seconds, deps.jitter(), answer.retry_after)
    deps.queue.defer(message.receipt, deps.visibility(delay))
    return Settled(message, tenant, name, answer, delay, kind)


def _record_health(tenant: str, name: str, settled: list[Settled], deps: DestinationDependencies) -> None:
    if not name or not settled:
        return
    hour = hour_of(deps.clock())
    delivered = sum(s.answer.status == DELIVERED for s in settled)
    failed = len(settled) - delivered
    deps.health.count(tenant, name, hour, delivered=delivered, failed=failed)
    done: dict[str, int] = {}
    for s in settled:
        if s.answer.status != RETRY:
            bucket = hour_of(s.message.first_queued_s)
            done[bucket] = done.get(bucket, 0) + 1
    for bucket, count in done.items():
        deps.health.count(tenant, name, bucket, settled=count)
    last_failure = next((s.answer.reason for s in reversed(settled) if s.answer.status != DELIVERED), "")
    if delivered:
        deps.health.outcome(tenant, name, True)
    if last_failure:
        deps.health.outcome(tenant, name, False, last_failure)
