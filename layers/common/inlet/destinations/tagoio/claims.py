"""Which worker delivers a part, and what a device's payload parser does to groups: items in the dedup table.

SQS delivers a message at least once, so two workers can hold copies of one delivery at the same instant. Before
posting, a worker claims the part with a conditional write (``tagoio-delivery#<group>:<serial>:<part>``); only one
claim can hold a live lease, and the item then records how the last attempt ended:

- ``posting``: a worker is posting (its lease runs ``LEASE_SECONDS``, longer than the function's timeout, so a live
  worker never loses it); an expired lease means the worker died mid-post: the part may be stored;
- ``ambiguous``: the last POST's answer was lost (timeout, dropped connection): the part may be stored;
- ``clear``: the last attempt failed before anything could be stored (or TagoIO refused it);
- ``unconfirmed``: may be stored, and the device's groups cannot tell (kept in the dead-letter queue; a replay of it
  posts it);
- ``done``: delivered, or found stored. A later copy of the message is then done at once, without asking TagoIO.

The device items (``tagoio-device#<key hash>#<serial>``) hold whether the device keeps the group Inlet gives its
records (``keeps``), or its parser replaces it (``regroups``): the duplicate check can only trust the first.
Items expire (TTL ``expires_at``) after the dead-letter queue's retention.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code, unavailable

LEASE_SECONDS = 90  # > the delivery function's 60 s timeout
KEEP_SECONDS = 15 * 86_400  # the dead-letter queue keeps messages 14 days
POSTING, AMBIGUOUS, CLEAR, UNCONFIRMED, DONE = "posting", "ambiguous", "clear", "unconfirmed", "done"
KEEPS, REGROUPS = "keeps", "regroups"
_CLAIMABLE = "attribute_not_exists(id) OR (#s <> :done AND (#s <> :posting OR lease_until < :now))"


@dataclass(frozen=True)
class Claim:
    won: bool
    previous: str | None = None  # the state before this claim (None: first attempt); POSTING: a dead worker's
    busy_for: int = 0  # not won: seconds left of another worker's lease (0 with previous DONE: already delivered)


class DeliveryClaims:
    dynamodb = LazyClient("dynamodb")

    def __init__(self, table: str, dynamodb=None, clock=time.time) -> None:
        self.table = table
        self._dynamodb = dynamodb
        self._clock = clock

    def claim(self, part_id: str, owner: str) -> Claim:
        now = int(self._clock())
        try:
            answer = self.dynamodb.update_item(
                TableName=self.table,
                Key={"id": {"S": f"tagoio-delivery#{part_id}"}},
                UpdateExpression="SET #s = :posting, lease_owner = :owner, lease_until = :until, expires_at = :ttl",
                ConditionExpression=_CLAIMABLE,
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={
                    ":posting": {"S": POSTING},
                    ":done": {"S": DONE},
                    ":owner": {"S": owner},
                    ":until": {"N": str(now + LEASE_SECONDS)},
                    ":now": {"N": str(now)},
                    ":ttl": {"N": str(now + KEEP_SECONDS)},
                },
                ReturnValues="ALL_OLD",
            )
        except SDK_ERRORS as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise unavailable("Delivery claims", exc) from exc
            return self._lost(part_id, now)
        old = answer.get("Attributes") or {}
        return Claim(True, old.get("state", {}).get("S"))

    def _lost(self, part_id: str, now: int) -> Claim:
        item = self._get(f"tagoio-delivery#{part_id}")
        if item.get("state", {}).get("S") == DONE:
            return Claim(False, DONE)
        until = int(item.get("lease_until", {}).get("N", now + 1))
        return Claim(False, POSTING, max(1, until - now))

    def settle(self, part_id: str, owner: str, state: str) -> None:
        """Record how this owner's attempt ended (a no-op if another worker took the part over meanwhile)."""
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key={"id": {"S": f"tagoio-delivery#{part_id}"}},
                UpdateExpression="SET #s = :state REMOVE lease_until",
                ConditionExpression="lease_owner = :owner",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={":state": {"S": state}, ":owner": {"S": owner}},
            )
        except SDK_ERRORS as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise unavailable("Delivery claims", exc) from exc

    def device(self, key_hash: str, serial: str) -> dict:
        """``{"group_check": KEEPS | REGROUPS | absent, "probe_group": ..., "probe_at": epoch seconds}``."""
        item = self._get(f"tagoio-device#{key_hash}#{serial}")
        return {name: next(iter(value.values())) for name, value in item.items() if name != "id"}

    def set_device(self, key_hash: str, serial: str, **fields: str | int) -> None:
        values = {f":{n}": ({"N": str(v)} if isinstance(v, int) else {"S": v}) for n, v in fields.items()}
        values[":ttl"] = {"N": str(int(self._clock()) + KEEP_SECONDS)}
        assignments = ", ".join(f"{name} = :{name}" for name in fields)
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key={"id": {"S": f"tagoio-device#{key_hash}#{serial}"}},
                UpdateExpression=f"SET {assignments}, expires_at = :ttl",
                ExpressionAttributeValues=values,
            )
        except SDK_ERRORS as exc:
            raise unavailable("Delivery claims", exc) from exc

    def _get(self, item_id: str) -> dict:
        try:
            answer = self.dynamodb.get_item(TableName=self.table, Key={"id": {"S": item_id}}, ConsistentRead=True)
        except SDK_ERRORS as exc:
            raise unavailable("Delivery claims", exc) from exc
        return answer.get("Item") or {}
