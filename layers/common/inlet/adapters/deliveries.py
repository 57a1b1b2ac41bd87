"""The queue of TagoIO deliveries (SQS): send them durably, postpone one, keep a refused one in the dead-letter queue.

``send`` packs messages into SendMessageBatch calls (10 entries and 250 KB at most each) and resends the entries SQS
reports as failed; it returns only when SQS has accepted every message, else raises ``ServiceUnavailable``: that is
the point where an uplink becomes durable and the sender may get its 2xx.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from inlet.adapters.aws import SDK_ERRORS, LazyClient, unavailable
from inlet.adapters.retry import backoff

BATCH_ENTRIES = 10
BATCH_BYTES = 250_000  # SendMessageBatch: 256 KiB for the whole call
SEND_ROUNDS = 5
MAX_VISIBILITY = 43_200  # SQS: 12 hours
REASON = "inlet_reason"  # message attributes set on a delivery moved to the dead-letter queue
FAILED_AT = "inlet_failed_at"
REPLAYS = "inlet_replays"


class DeliveryQueue:
    sqs = LazyClient("sqs")

    def __init__(self, url: str, sqs=None, sleep=time.sleep) -> None:
        self.url = url
        self._sqs = sqs
        self._sleep = sleep

    def send(self, bodies: list[str], attributes: dict | None = None) -> None:
        try:
            for batch in _batches(bodies):
                self._send_batch(batch, attributes or {})
        except (*SDK_ERRORS, TimeoutError) as exc:
            raise unavailable("Delivery queue", exc) from exc

    def _send_batch(self, bodies: list[str], attributes: dict) -> None:
        pending = {str(i): body for i, body in enumerate(bodies)}
        for attempt in range(SEND_ROUNDS):
            entries = [{"Id": i, "MessageBody": b, "MessageAttributes": attributes} for i, b in pending.items()]
            answer = self.sqs.send_message_batch(QueueUrl=self.url, Entries=entries)
            failed = answer.get("Failed", [])
            if any(f.get("SenderFault") for f in failed):
                raise ValueError(f"SQS refused a delivery: {failed[0].get('Code')}")  # our bug: never retried
            pending = {f["Id"]: pending[f["Id"]] for f in failed}
            if not pending:
                return
            self._sleep(backoff(attempt))
        raise TimeoutError(f"{len(pending)} deliveries still not accepted by SQS")

    def defer(self, receipt_handle: str, seconds: int) -> bool:
        """Make a received message visible again in ``seconds`` (False if SQS refused: the queue's timeout applies)."""
        try:
            self.sqs.change_message_visibility(
                QueueUrl=self.url, ReceiptHandle=receipt_handle, VisibilityTimeout=max(0, min(seconds, MAX_VISIBILITY))
            )
        except SDK_ERRORS:
            return False
        return True

    def keep(self, body: str, reason: str, attributes: dict | None = None) -> None:
        """Store a delivery for operators (this queue being the dead-letter queue), with why it was refused."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        message_attributes = {
            **(attributes or {}),
            REASON: {"DataType": "String", "StringValue": reason[:1000] or "unknown"},
            FAILED_AT: {"DataType": "String", "StringValue": now},
        }
        try:
            self.sqs.send_message(QueueUrl=self.url, MessageBody=body, MessageAttributes=message_attributes)
        except SDK_ERRORS as exc:
            raise unavailable("Dead-letter queue", exc) from exc


def _batches(bodies: list[str]) -> list[list[str]]:
    batches: list[list[str]] = [[]]
    size = 0
    for body in bodies:
        length = len(body.encode())
        if batches[-1] and (len(batches[-1]) == BATCH_ENTRIES or size + length > BATCH_BYTES):
            batches.append([])
            size = 0
        batches[-1].append(body)
        size += length
    return [b for b in batches if b]
