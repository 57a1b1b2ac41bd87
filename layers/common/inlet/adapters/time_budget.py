"""The invocation's time budget: an AWS call attempt that could not finish before Lambda ends the invocation is not
started, so the handler still has time to answer 503 + Retry-After instead of being killed mid-request.

Without it, a dependency that answers slowly costs every attempt its full read timeout (4 attempts of 5 s: past a
15 s function timeout), and the sender gets API Gateway's bare error instead of an answer that says "retry". The
budget is per thread (a ``ContextVar``): Lambda runs one invocation per process, the tests run several in threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError

CONNECT_TIMEOUT = 1.0  # seconds; DynamoDB and SSM answer in milliseconds when healthy
READ_TIMEOUT = 3.0
MAX_ATTEMPTS = 3  # botocore standard mode: the first attempt and two retries
# botocore's standard mode sleeps up to 2 ** (n - 1) s after failed attempt n: at most 2 s with 3 attempts. An
# attempt starts only if it, the sleep that may follow it and the answer all fit: whichever attempt fails last, the
# handler still has ANSWER_MARGIN_SECONDS to answer.
ATTEMPT_WITH_BACKOFF_SECONDS = CONNECT_TIMEOUT + READ_TIMEOUT + 2 ** (MAX_ATTEMPTS - 2)
ANSWER_MARGIN_SECONDS = 1.0  # kept free to fail the dedup claim, log and answer
monotonic = time.monotonic  # looked up at each call (tests replace it with a simulated clock)


class OutOfTime(BotoCoreError):
    """Raised instead of starting an attempt that could outlive the invocation (adapters turn it into a 503)."""

    fmt = "Not enough time left in the invocation for another attempt"


@dataclass(frozen=True)
class _Budget:
    deadline: float
    clock: Callable[[], float]

    def left(self) -> float:
        return self.deadline - self.clock()


_current: ContextVar[_Budget | None] = ContextVar("inlet_time_budget", default=None)


@contextmanager
def time_budget(remaining_ms: int, clock: Callable[[], float] | None = None) -> Iterator[None]:
    """Hold the invocation's budget (Lambda's ``get_remaining_time_in_millis()``) while the request runs."""
    clock = clock or monotonic
    token = _current.set(_Budget(clock() + remaining_ms / 1000, clock))
    try:
        yield
    finally:
        _current.reset(token)


def allows(seconds: float) -> bool:
    """True when ``seconds`` more (and the answer's margin) fit in the budget; always true outside an invocation."""
    budget = _current.get()
    return budget is None or budget.left() >= seconds + ANSWER_MARGIN_SECONDS


def refuse_late_attempt(**_: object) -> None:
    """botocore ``before-send`` hook: an attempt starts only if its longest duration still fits."""
    if not allows(ATTEMPT_WITH_BACKOFF_SECONDS):
        raise OutOfTime()


def share_of_time_left(share: float, reserve: float) -> Callable[[], float] | None:
    """A clock of the seconds left to a part of the request (decoding) that may take ``share`` of the time left now
    and never the last ``reserve`` seconds (what comes after it: storing, answering); None outside an invocation."""
    budget = _current.get()
    if budget is None:
        return None
    left = budget.left()
    end = budget.clock() + max(0.0, min(left * share, left - reserve))
    return lambda: end - budget.clock()
