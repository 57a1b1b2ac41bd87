"""Each uplink's latest delivery outcome per destination, for the inspector: one small item per (uplink, destination)
in the dedup table, beside the destinations' health (``health.py``), expiring with it after ``KEEP_SECONDS``.

``delivery-outcome#<tenant>#<serial>#<uplink id>#<destination>``: ``status`` (``delivered``, ``retrying``,
``dead_lettered``), ``reason`` (why it is retried or was dead-lettered), ``at``, ``attempt``, ``delivery_id``.
Each settled attempt replaces the item (the latest outcome is what matters), written with BatchWriteItem, 25 a call:
one write unit per attempt (the item is well under 1 KB), no read. Best effort: a failure never fails a delivery.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from inlet.adapters.aws import SDK_ERRORS, LazyClient
from inlet.destinations.health import KEEP_SECONDS
from inlet.destinations.kind import DELIVERED, RETRY

PREFIX = "delivery-outcome#"
RETRYING, DEAD_LETTERED = "retrying", "dead_lettered"  # and DELIVERED: what the inspector shows
BATCH_WRITE, BATCH_GET = 25, 100  # DynamoDB's most items a call
REASON_CHARS = 300


def outcome_id(tenant: str, serial: str, uplink_id: str, destination: str) -> str:
    return f"{PREFIX}{tenant}#{serial}#{uplink_id}#{destination}"


def uplink_of(message: dict) -> tuple[str, str] | None:
    """``(serial, uplink id)`` a delivery message is for: from its body, or its pointer to an oversized record."""
    body = message.get("body")
    if isinstance(body, dict) and body.get("serial") and body.get("id"):
        return body["serial"], body["id"]
    pointer = message.get("item") or {}
    try:
        serial = pointer["device"].split("#", 1)[1].removesuffix("#events")
        _, group, index = pointer["sk"].split("#")
        return serial, f"{group}-{int(index)}"
    except (KeyError, IndexError, ValueError, AttributeError):
        return None


def of_settled(settled: list, messages: dict[str, dict]) -> list[dict]:
    """The outcomes of settled deliveries (``service.destination_delivery.Settled``; ``messages``: each one's parsed
    message by its SQS id). A refused delivery was dead-lettered: one that could not be is settled as a retry."""
    found = []
    for done in settled:
        data = messages.get(done.message.id)
        uplink = uplink_of(data) if data else None
        if uplink is None or not done.destination:
            continue
        status = {DELIVERED: DELIVERED, RETRY: RETRYING}.get(done.answer.status, DEAD_LETTERED)
        found.append({
            "tenant": done.tenant, "serial": uplink[0], "uplink": uplink[1], "destination": done.destination,
            "status": status, "reason": "" if status == DELIVERED else done.answer.reason,
            "attempt": done.message.attempt, "delivery_id": data["id"],
        })  # fmt: skip
    return found


class DeliveryOutcomes:
    dynamodb = LazyClient("dynamodb")

    def __init__(self, table: str, dynamodb=None, clock=time.time) -> None:
        self.table = table
        self._dynamodb = dynamodb
        self._clock = clock

    def record(self, outcomes: list[dict]) -> None:
        """``outcomes``: ``tenant``, ``serial``, ``uplink``, ``destination``, ``status``, ``reason``, ``attempt``,
        ``delivery_id`` each."""
        if not self.table or not outcomes:
            return
        now = self._clock()
        at = datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        latest = {outcome_id(o["tenant"], o["serial"], o["uplink"], o["destination"]): o for o in outcomes}
        items = [_item(key, o, at, int(now) + KEEP_SECONDS) for key, o in latest.items()]
        for start in range(0, len(items), BATCH_WRITE):
            self._write([{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE]])

    def _write(self, requests: list[dict]) -> None:
        try:
            answer = self.dynamodb.batch_write_item(RequestItems={self.table: requests})
            left = answer.get("UnprocessedItems") or {}
            if left:  # once more; what is still left waits for the next attempt's outcome
                self.dynamodb.batch_write_item(RequestItems=left)
        except SDK_ERRORS:
            return

    def of_uplinks(self, tenant: str, uplinks: list[tuple[str, str]], destinations: list[str]) -> dict:
        """``{uplink id: {destination: {status, reason, at, attempt, delivery_id}}}`` (what the inspector shows)."""
        keys = [outcome_id(tenant, s, u, d) for s, u in uplinks for d in destinations]
        found: dict[str, dict] = {}
        for start in range(0, len(keys), BATCH_GET):
            request = {self.table: {"Keys": [{"id": {"S": k}} for k in keys[start : start + BATCH_GET]]}}
            while request:
                answer = self._read(request)
                for item in answer.get("Responses", {}).get(self.table, []):
                    fields = {n: v.get("S", v.get("N")) for n, v in item.items() if n not in ("id", "expires_at")}
                    fields["attempt"] = int(fields.get("attempt") or 1)
                    found.setdefault(fields.pop("uplink"), {})[fields.pop("destination")] = fields
                request = answer.get("UnprocessedKeys") or None
        return found

    def _read(self, request: dict) -> dict:
        return self.dynamodb.batch_get_item(RequestItems=request)


def _item(key: str, outcome: dict, at: str, expires: int) -> dict:
    item = {
        "id": {"S": key},
        "uplink": {"S": outcome["uplink"]},
        "destination": {"S": outcome["destination"]},
        "status": {"S": outcome["status"]},
        "at": {"S": at},
        "attempt": {"N": str(outcome.get("attempt") or 1)},
        "delivery_id": {"S": outcome.get("delivery_id") or ""},
        "expires_at": {"N": str(expires)},
    }
    if outcome.get("reason"):
        item["reason"] = {"S": outcome["reason"][:REASON_CHARS]}
    return item
