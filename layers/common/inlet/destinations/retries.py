"""When a failed delivery is tried again, and when it is given up on. Pure functions."""

from __future__ import annotations

BASE_SECONDS = 10
MAX_VISIBILITY = 43_200  # SQS: 12 hours


def backoff_seconds(attempt: int, cap: int, jitter: float, retry_after: int | None = None) -> int:
    """Exponential (10 s, 20 s, 40 s ... ``cap``) with equal jitter (``jitter`` in [0, 1): half the step plus a random
    half, so that a receiver coming back is not met by every delivery at the same second). A receiver's
    ``Retry-After`` wins when it asks for longer."""
    step = min(cap, BASE_SECONDS * 2 ** max(0, min(attempt - 1, 30)))
    delay = int(step / 2 + step / 2 * jitter)
    if retry_after:
        delay = max(delay, retry_after)
    return max(1, min(delay, MAX_VISIBILITY))


def exhausted(first_queued_s: float, now_s: float, retry_seconds: int) -> bool:
    """Past the retry window (``DestinationRetryHours``) since the delivery was first queued."""
    return now_s - first_queued_s >= retry_seconds
