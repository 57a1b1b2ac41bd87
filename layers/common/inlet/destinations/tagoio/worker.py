"""The TagoIO delivery worker's use case: deliver a batch of queued deliveries, report the ones to try again.

Each message is one part of one device's records from one request. Messages are delivered in parallel on a bounded
pool, then settled one by one:
- delivered, or found already stored in TagoIO (an earlier attempt whose answer was lost): done;
- 429: shown again after TagoIO's Retry-After; 5xx, timeouts, connection errors, AWS trouble: shown again after an
  exponential backoff by receive count (capped), so hours of outage are ridden out; both are reported as failed
  (partial batch response) and the queue's redrive policy ends in the dead-letter queue after maxReceiveCount;
- refused for good (4xx other than 429, device or key gone), or possibly stored on a device whose payload parser
  replaces Inlet's group (``tagoio_unconfirmed``): copied to the dead-letter queue with the reason, for
  `inlet replay`, and reported as done so that the queue deletes it;
- held by another worker (two copies of one message at once): shown again when that worker's claim ends.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from inlet.adapters.deliveries import REPLAYS, DeliveryQueue
from inlet.adapters.keys import KeyStore
from inlet.adapters.secrets import NetworkTokens
from inlet.destinations.tagoio.api import TagoApi
from inlet.destinations.tagoio.attempt import REFUSED, RETRY, Outcome, Throttle, attempt
from inlet.destinations.tagoio.claims import DeliveryClaims
from inlet.destinations.tagoio.delivery import backoff_seconds
from inlet.destinations.tagoio.devices import DeviceTokens
from inlet.errors import ServiceUnavailable
from inlet.settings import DeliverySettings


@dataclass
class DeliveryDependencies:
    settings: DeliverySettings
    keys: KeyStore
    network_tokens: NetworkTokens
    tokens: DeviceTokens
    queue: DeliveryQueue
    dead_letters: DeliveryQueue
    visibility: Callable[[int], int] = lambda seconds: seconds  # tests shrink the waits, never the decisions
    jitter: Callable[[], float] = random.random
    apis: dict[str, TagoApi] = field(default_factory=dict)
    claims: DeliveryClaims | None = None  # one worker per part; None: no claims table (every attempt checks first)

    def api(self, url: str) -> TagoApi:
        if url not in self.apis:
            self.apis[url] = TagoApi(url, pool=self.settings.delivery_pool)
        return self.apis[url]


@dataclass(frozen=True)
class Message:
    id: str
    receipt: str
    body: str
    receive_count: int
    replays: int

    @classmethod
    def from_record(cls, record: dict) -> Message:
        """A record of Lambda's SQS event."""
        replays = (record.get("messageAttributes") or {}).get(REPLAYS, {}).get("stringValue") or 0
        count = (record.get("attributes") or {}).get("ApproximateReceiveCount") or 1
        return cls(record["messageId"], record["receiptHandle"], record["body"], int(count), int(replays))


@dataclass
class Report:
    settled: list[tuple[Message, Outcome]]
    failed: list[str]

    def response(self) -> dict:
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in self.failed]}


def deliver_batch(records: list[dict], deps: DeliveryDependencies) -> Report:
    messages = [Message.from_record(record) for record in records]
    throttle = Throttle()

    def one(message: Message) -> Outcome:
        return attempt(message.body, message.receive_count, deps, throttle, replayed=message.replays > 0)

    if len(messages) <= 1:
        outcomes = [one(m) for m in messages]
    else:
        with ThreadPoolExecutor(max_workers=min(deps.settings.delivery_pool, len(messages))) as pool:
            outcomes = list(pool.map(one, messages))
    settled = [(m, _settle(m, o, deps)) for m, o in zip(messages, outcomes, strict=True)]
    return Report(settled, [m.id for m, o in settled if o.status == RETRY])


def _settle(message: Message, outcome: Outcome, deps: DeliveryDependencies) -> Outcome:
    if outcome.status == REFUSED:
        replays = {REPLAYS: {"DataType": "Number", "StringValue": str(message.replays)}} if message.replays else {}
        try:
            deps.dead_letters.keep(message.body, outcome.reason, replays)
        except ServiceUnavailable as error:
            delay = backoff_seconds(message.receive_count, False, deps.settings.max_backoff_seconds, deps.jitter())
            outcome = Outcome(RETRY, f"{outcome.reason}; not kept: {error.message}", delay, outcome.delivery)
    if outcome.status == RETRY:
        deps.queue.defer(message.receipt, deps.visibility(outcome.delay))
    return outcome
