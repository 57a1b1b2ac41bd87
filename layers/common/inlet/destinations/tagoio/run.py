"""One worker's hold on one part: the claim taken before posting, and what is recorded when the attempt ends.

Without a claims table (``DeliveryClaims`` is None) every attempt checks TagoIO before posting, as if the part might
be stored, and trusts the device's groups: the behaviour before claims, kept for stacks that have none.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime

from inlet.destinations.tagoio.api import TagoError, TagoUnavailable
from inlet.destinations.tagoio.claims import (
    AMBIGUOUS,
    CLEAR,
    DONE,
    KEEP_SECONDS,
    POSTING,
    UNCONFIRMED,
    DeliveryClaims,
)
from inlet.destinations.tagoio.delivery import Delivery
from inlet.errors import ServiceUnavailable

MAYBE_STORED = (AMBIGUOUS, POSTING, UNCONFIRMED)  # an earlier attempt may have stored the part
CLAIM_MARGIN_SECONDS = 86_400  # clock skew and TTL sweeps: a claim is trusted to exist a day less than it is kept


class Run:
    def __init__(self, claims: DeliveryClaims | None, delivery: Delivery) -> None:
        self.claims = claims
        self.delivery = delivery
        self.owner = uuid.uuid4().hex
        self.previous: str | None = None
        self.maybe_stored = claims is None

    def begin(self) -> tuple[str, str, int] | None:
        """``None`` when this worker holds the part; else ``(status, reason, delay)`` for the message."""
        if self.claims is None:
            return None
        claim = self.claims.claim(self.delivery.id, self.owner)
        if not claim.won:
            if claim.previous == DONE:
                return DONE, "delivered by another worker", 0
            return "busy", "another worker is delivering this part", claim.busy_for
        self.previous = claim.previous
        self.maybe_stored = claim.previous in MAYBE_STORED or (
            claim.previous is None and claim_may_have_expired(self.delivery.received_at)
        )
        return None

    def post(self, send: Callable[[], None]) -> None:
        """Run the POST: from its start the part may be stored, unless TagoIO clearly did not take it."""
        before, self.maybe_stored = self.maybe_stored, True
        try:
            send()
        except TagoUnavailable as down:
            self.maybe_stored = before or down.ambiguous
            raise
        except TagoError:
            self.maybe_stored = before  # refused or throttled: this POST stored nothing
            raise
        self.maybe_stored = False

    def end(self, done: bool = False, unconfirmed: bool = False) -> None:
        if self.claims is None:
            return
        state = DONE if done else UNCONFIRMED if unconfirmed else AMBIGUOUS if self.maybe_stored else CLEAR
        try:
            self.claims.settle(self.delivery.id, self.owner, state)
        except ServiceUnavailable:
            if not done:
                raise
            # delivered, and the message is deleted: a later copy finds the lease expired and checks TagoIO first


def claim_may_have_expired(received_at: str, now: float | None = None) -> bool:
    """Whether "no claim" may mean "its claim expired" rather than "never attempted". A claim is written before
    any POST and kept ``KEEP_SECONDS`` from its last attempt, which is never before the uplink was received: for a
    part received less than that ago (less a margin) no claim means no POST ever started. Older parts (a replay of
    stored records, ``inlet destinations replay --since``) are checked in TagoIO first, like a lost answer."""
    try:
        received = datetime.fromisoformat(received_at.replace("Z", "+00:00")).timestamp()
    except (AttributeError, ValueError):
        return True
    return (time.time() if now is None else now) - received >= KEEP_SECONDS - CLAIM_MARGIN_SECONDS
