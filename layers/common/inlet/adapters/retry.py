"""Retry of the part of a DynamoDB batch that the service left unprocessed (throttled partitions)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from inlet.adapters import time_budget

MAX_ROUNDS = 8
BASE_DELAY = 0.05


def backoff(attempt: int) -> float:
    """Full-jitter exponential backoff, capped at ~3 s so a request stays well inside the Lambda timeout."""
    return random.uniform(0, min(3.0, BASE_DELAY * 2**attempt))


def until_processed(send: Callable[[dict], dict], request: dict, leftover_key: str, sleep=time.sleep) -> list[dict]:
    """Call ``send(request)`` and resend what comes back under ``leftover_key`` until nothing is left.

    Returns every answer (for BatchGetItem the caller reads ``Responses``). Raises ``TimeoutError`` when items are
    still unprocessed after ``MAX_ROUNDS``: the caller turns that into a 503 so that the sender retries.
    """
    answers = []
    for attempt in range(MAX_ROUNDS):
        answer = send(request)
        answers.append(answer)
        request = answer.get(leftover_key) or {}
        if not request:
            return answers
        pause = backoff(attempt)
        if not time_budget.allows(pause + time_budget.ATTEMPT_WITH_BACKOFF_SECONDS):
            break  # another round could outlive the invocation: answer 503 now, the sender's retry resumes
        sleep(pause)
    raise TimeoutError(f"{_count(request)} items still unprocessed after {len(answers)} rounds")


def _count(leftover: dict) -> int:
    """Items left in a BatchWriteItem (``{table: [requests]}``) or BatchGetItem (``{table: {"Keys": [...]}}``)."""
    return sum(len(v["Keys"]) if isinstance(v, dict) else len(v) for v in leftover.values())
