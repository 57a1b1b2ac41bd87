"""Each destination's health, in the dedup table (items expire after ``KEEP_SECONDS``):

- ``destination#<tenant>#<name>``: ``last_success_at``, ``last_failure_at``, ``last_failure`` (the reason);
- ``destination-hour#<tenant>#<name>#<YYYYMMDDHH>``: ``delivered`` and ``failed`` attempts in that hour (UTC), and
  ``queued`` / ``settled``: deliveries queued in that hour, and how many of those have since been delivered or
  dead-lettered. The oldest hour with ``queued > settled`` is the age of the oldest undelivered uplink (to the hour).

Written with ``UpdateItem ADD`` (no read first); a failure to write health never fails a delivery.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from inlet.adapters.aws import SDK_ERRORS, LazyClient

KEEP_SECONDS = 4 * 86_400
HOURS_SHOWN = 72


def hour_of(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y%m%d%H")


class Health:
    dynamodb = LazyClient("dynamodb")

    def __init__(self, table: str, dynamodb=None, clock=time.time) -> None:
        self.table = table
        self._dynamodb = dynamodb
        self._clock = clock

    def count(self, tenant: str, name: str, hour: str, **counters: int) -> None:
        counters = {n: v for n, v in counters.items() if v}
        if not counters or not self.table:
            return
        values = {f":{n}": {"N": str(v)} for n, v in counters.items()}
        values[":ttl"] = {"N": str(int(self._clock()) + KEEP_SECONDS)}
        adds = ", ".join(f"{n} :{n}" for n in counters)
        self._update(f"destination-hour#{tenant}#{name}#{hour}", f"ADD {adds} SET expires_at = :ttl", values)

    def outcome(self, tenant: str, name: str, success: bool, reason: str = "") -> None:
        now = datetime.fromtimestamp(self._clock(), UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        values = {":at": {"S": now}, ":ttl": {"N": str(int(self._clock()) + KEEP_SECONDS * 30)}}
        if success:
            expression = "SET last_success_at = :at, expires_at = :ttl"
        else:
            expression = "SET last_failure_at = :at, last_failure = :why, expires_at = :ttl"
            values[":why"] = {"S": reason[:500] or "unknown"}
        self._update(f"destination#{tenant}#{name}", expression, values)

    def _update(self, item_id: str, expression: str, values: dict) -> None:
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key={"id": {"S": item_id}},
                UpdateExpression=expression,
                ExpressionAttributeValues=values,
            )
        except SDK_ERRORS:
            return  # health is best effort: the delivery's own outcome stands

    def report(self, tenant: str, name: str) -> dict:
        """What `inlet destinations list` shows (the CLI's read: one BatchGetItem of the item and its hours)."""
        now = self._clock()
        hours = [hour_of(now - h * 3600) for h in range(HOURS_SHOWN)]
        ids = [f"destination#{tenant}#{name}"] + [f"destination-hour#{tenant}#{name}#{h}" for h in hours]
        items = self._get_many(ids)
        state = items.get(ids[0], {})
        report = {
            "last_success_at": _text(state, "last_success_at"),
            "last_failure_at": _text(state, "last_failure_at"),
            "last_failure": _text(state, "last_failure"),
            "delivered_24h": sum(_number(items.get(i, {}), "delivered") for i in ids[1:25]),
            "failed_24h": sum(_number(items.get(i, {}), "failed") for i in ids[1:25]),
            "oldest_undelivered_s": None,
        }
        for offset in reversed(range(HOURS_SHOWN)):
            bucket = items.get(ids[1 + offset], {})
            if _number(bucket, "queued") > _number(bucket, "settled"):
                start = datetime.strptime(hours[offset], "%Y%m%d%H").replace(tzinfo=UTC)
                report["oldest_undelivered_s"] = max(0, int(now - start.timestamp()))
                break
        return report

    def _get_many(self, ids: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for start in range(0, len(ids), 100):
            request = {self.table: {"Keys": [{"id": {"S": i}} for i in ids[start : start + 100]]}}
            while request:
                answer = self.dynamodb.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self.table, []):
                    found[item["id"]["S"]] = item
                request = answer.get("UnprocessedKeys") or None
        return found


def _text(item: dict, name: str) -> str:
    return item.get(name, {}).get("S", "")


def _number(item: dict, name: str) -> int:
    return int(item.get(name, {}).get("N", "0"))


def hours_ago(hours: int, now: float) -> float:
    return (datetime.fromtimestamp(now, UTC) - timedelta(hours=hours)).timestamp()
