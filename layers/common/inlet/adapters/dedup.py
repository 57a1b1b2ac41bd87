"""Deduplication of retried requests with conditional writes in DynamoDB (race-safe, never read-then-write).

A request (same key, same body) is *claimed* with one conditional PutItem. The claim holds the request's group and
server time, from which every record key is derived, so whatever happens the records of one request are written
under the same keys:
- first time: the claim succeeds, the request is processed, and ``complete`` stores the 2xx answer;
- retried after success (within the window): the claim fails and returns the stored answer, which is replayed;
- retried while the first is still running: 409 with Retry-After (one copy is stored, by the first);
- retried after a failure half-way (or a crash: the lease ran out): the retry takes the claim over, keeps its group
  and time, and rewrites the same record keys, so each record exists exactly once.
"""

from __future__ import annotations

import secrets
import zlib
from dataclasses import dataclass

import orjson

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code, unavailable
from inlet.errors import RequestInProgress

DONE, IN_PROGRESS, FAILED = "done", "in_progress", "failed"


@dataclass(frozen=True)
class Claim:
    id: str
    token: str
    group: str
    received_ms: int
    replay: dict | None = None  # the stored answer of a request already processed


class DedupStore:
    dynamodb = LazyClient("dynamodb")

    def __init__(self, table: str, window_seconds: int, lease_seconds: int = 30, dynamodb=None) -> None:
        self._table = table
        self.window = window_seconds
        self._lease_ms = lease_seconds * 1000
        self._dynamodb = dynamodb

    def claim(self, request_id: str, group: str, now_ms: int) -> Claim:
        token = secrets.token_hex(8)
        item = {
            "id": {"S": request_id},
            "state": {"S": IN_PROGRESS},
            "token": {"S": token},
            "group": {"S": group},
            "received_ms": {"N": str(now_ms)},
            "lease_ms": {"N": str(now_ms + self._lease_ms)},
            "expires_at": {"N": str(now_ms // 1000 + self.window)},  # DynamoDB TTL (seconds) and the window's end
        }
        try:
            self.dynamodb.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(id) OR expires_at < :now",
                ExpressionAttributeValues={":now": {"N": str(now_ms // 1000)}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except SDK_ERRORS as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise unavailable("Deduplication store", exc) from exc
            return self._existing(request_id, exc.response.get("Item") or {}, now_ms, token)
        return Claim(request_id, token, group, now_ms)

    def _existing(self, request_id: str, old: dict, now_ms: int, token: str) -> Claim:
        if old.get("token", {}).get("S") == token:
            # Our own claim: the first PutItem was stored but its answer was lost, and the SDK's retry of it found
            # the item. The token is random per attempt, so nobody else can hold it.
            return Claim(request_id, token, old["group"]["S"], int(old["received_ms"]["N"]))
        state = old.get("state", {}).get("S")
        if state == DONE:
            answer = orjson.loads(zlib.decompress(old["answer"]["B"]))
            return Claim(request_id, "", old["group"]["S"], int(old["received_ms"]["N"]), replay=answer)
        if state == IN_PROGRESS and int(old.get("lease_ms", {"N": "0"})["N"]) > now_ms:
            raise RequestInProgress("An identical request is being processed; retry to get its answer")
        return self._take_over(request_id, old, now_ms)

    def _take_over(self, request_id: str, old: dict, now_ms: int) -> Claim:
        """Resume a failed or abandoned claim, keeping its group and time (optimistic lock on its token)."""
        token = secrets.token_hex(8)
        try:
            self.dynamodb.update_item(
                TableName=self._table,
                Key={"id": {"S": request_id}},
                UpdateExpression="SET #s = :p, #t = :new, lease_ms = :lease",
                ConditionExpression="#t = :old",
                ExpressionAttributeNames={"#s": "state", "#t": "token"},
                ExpressionAttributeValues={
                    ":p": {"S": IN_PROGRESS},
                    ":new": {"S": token},
                    ":old": old.get("token", {"S": ""}),
                    ":lease": {"N": str(now_ms + self._lease_ms)},
                },
            )
        except SDK_ERRORS as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise RequestInProgress("An identical request is being processed; retry to get its answer") from exc
            raise unavailable("Deduplication store", exc) from exc
        return Claim(request_id, token, old["group"]["S"], int(old["received_ms"]["N"]))

    def complete(self, claim: Claim, answer: dict) -> None:
        """Store the 2xx answer for replay. Failing here loses nothing: the records are already durable."""
        self._finish(claim, DONE, {":a": {"B": zlib.compress(orjson.dumps(answer), 1)}}, ", answer = :a")

    def fail(self, claim: Claim) -> None:
        """Let the next retry take the claim over at once (records written so far keep their keys)."""
        self._finish(claim, FAILED, {}, ", lease_ms = :zero", zero=True)

    def release(self, claim: Claim) -> None:
        """Forget a claim whose answer was a 4xx: such answers are never replayed."""
        try:
            self.dynamodb.delete_item(
                TableName=self._table,
                Key={"id": {"S": claim.id}},
                ConditionExpression="#t = :token",
                ExpressionAttributeNames={"#t": "token"},
                ExpressionAttributeValues={":token": {"S": claim.token}},
            )
        except SDK_ERRORS:
            pass  # the lease runs out on its own; the next identical request takes over

    def _finish(self, claim: Claim, state: str, values: dict, extra: str, zero: bool = False) -> None:
        values = {":s": {"S": state}, ":token": {"S": claim.token}, **values}
        if zero:
            values[":zero"] = {"N": "0"}
        try:
            self.dynamodb.update_item(
                TableName=self._table,
                Key={"id": {"S": claim.id}},
                UpdateExpression=f"SET #s = :s{extra}",
                ConditionExpression="#t = :token",
                ExpressionAttributeNames={"#s": "state", "#t": "token"},
                ExpressionAttributeValues=values,
            )
        except SDK_ERRORS:
            pass  # see complete(): the outcome is already decided and durable
