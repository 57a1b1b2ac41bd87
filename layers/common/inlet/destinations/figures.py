"""Per-destination figures of one delivery batch (pure): what the delivery function emits as metrics with the
dimension ``destination`` = ``<tenant>/<name>`` (never a URL nor a secret), and what the per-destination alarm of
``inlet destinations add`` watches (docs/destinations.md, Metrics and alarms)."""

from __future__ import annotations

from dataclasses import dataclass

from inlet.destinations import DELIVERED, REFUSED

DIMENSION = "destination"
FAILED_METRIC = "DestinationFailed"  # every attempt not delivered: retried or dead-lettered


@dataclass
class DestinationFigures:
    delivered: int = 0
    failed: int = 0
    dead_lettered: int = 0
    oldest_undelivered_s: float | None = None  # the oldest uplink of the batch still waiting (retried)


def dimension_value(tenant: str, name: str) -> str:
    return f"{tenant or 'unknown'}/{name or 'unknown'}"


def per_destination(settled, now: float) -> dict[str, DestinationFigures]:
    """``settled``: the delivery service's ``Settled`` items; ``now`` in seconds since the epoch."""
    figures: dict[str, DestinationFigures] = {}
    for item in settled:
        entry = figures.setdefault(dimension_value(item.tenant, item.destination), DestinationFigures())
        if item.answer.status == DELIVERED:
            entry.delivered += 1
            continue
        entry.failed += 1
        if item.answer.status == REFUSED:
            entry.dead_lettered += 1
            continue
        age = max(0.0, now - item.message.first_queued_s)
        entry.oldest_undelivered_s = max(age, entry.oldest_undelivered_s or 0.0)
    return figures
