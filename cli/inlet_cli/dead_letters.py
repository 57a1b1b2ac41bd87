"""Operators' view of the dead-letter queue: list the deliveries kept there, and replay them into the delivery queue.

Listing receives every message once with a short visibility timeout and then makes them all visible again: nothing
is consumed. Replaying sends the chosen messages back to the delivery queue (counting replays in an attribute) and
only then deletes them from the dead-letter queue, so a failure half-way never loses one.
"""

from __future__ import annotations

from dataclasses import dataclass

from inlet.adapters.deliveries import FAILED_AT, REASON, REPLAYS

EXHAUSTED = "retries exhausted (maxReceiveCount)"  # moved by the queue's redrive policy, not by the worker


@dataclass(frozen=True)
class Parked:
    id: str
    receipt: str
    body: str
    reason: str
    failed_at: str
    replays: int

    @classmethod
    def from_message(cls, message: dict) -> Parked:
        attributes = message.get("MessageAttributes") or {}

        def text(name: str) -> str:
            return attributes.get(name, {}).get("StringValue", "")

        return cls(
            message["MessageId"],
            message["ReceiptHandle"],
            message["Body"],
            text(REASON) or EXHAUSTED,
            text(FAILED_AT),
            int(text(REPLAYS) or 0),
        )


class DeadLetters:
    def __init__(self, sqs, url: str) -> None:
        self._sqs = sqs
        self.url = url

    def peek(self, limit: int = 1000, hold_seconds: int = 30) -> list[Parked]:
        """Up to ``limit`` kept deliveries; they stay hidden ``hold_seconds`` unless ``release`` is called."""
        seen: dict[str, Parked] = {}
        while len(seen) < limit:
            answer = self._sqs.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=hold_seconds,
                WaitTimeSeconds=0,
                MessageAttributeNames=["All"],
                AttributeNames=["All"],
            )
            fresh = [Parked.from_message(m) for m in answer.get("Messages", []) if m["MessageId"] not in seen]
            if not fresh:
                break
            seen.update((p.id, p) for p in fresh)
        return list(seen.values())

    def release(self, parked: list[Parked]) -> None:
        for start in range(0, len(parked), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": p.receipt, "VisibilityTimeout": 0}
                for i, p in enumerate(parked[start : start + 10])
            ]
            self._sqs.change_message_visibility_batch(QueueUrl=self.url, Entries=entries)

    def replay(self, queue_url: str, ids: set[str] | None) -> list[Parked]:
        """Move the kept deliveries with these ids (all of them when ``ids`` is None) back to ``queue_url``."""
        parked = self.peek(hold_seconds=120)
        chosen = [p for p in parked if ids is None or p.id in ids]
        self.release([p for p in parked if p not in chosen])
        for item in chosen:
            replays = {REPLAYS: {"DataType": "Number", "StringValue": str(item.replays + 1)}}
            self._sqs.send_message(QueueUrl=queue_url, MessageBody=item.body, MessageAttributes=replays)
            self._sqs.delete_message(QueueUrl=self.url, ReceiptHandle=item.receipt)
        return chosen
