"""``--since`` / ``--until``: an ISO 8601 time (UTC when it has no offset) or an age such as ``30m``, ``2h``, ``7d``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from inlet.core.values import format_time

from inlet_cli.errors import CliError

_AGE = re.compile(r"(\d+)\s*(s|m|h|d|w)?", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def age(text: str, default_unit: str | None = None) -> timedelta | None:
    """``90s``, ``30m``, ``2h``, ``7d``, ``1w`` as a length of time (a bare number in ``default_unit``, when given);
    None for anything else."""
    found = _AGE.fullmatch(text.strip())
    unit = (found.group(2) or default_unit) if found else None
    return timedelta(**{_UNITS[unit.lower()]: int(found.group(1))}) if unit else None


def moment(value: str, now: datetime, option: str) -> datetime:
    """The time ``value`` names: ``now`` minus an age, or an ISO 8601 date or time."""
    text = value.strip()
    ago = age(text)
    if ago is not None:
        return now - ago
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"{option} {value!r} is neither an ISO 8601 time (2026-11-25T09:00:00Z) nor an age (30m, 2h, 7d)"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def time_range(since: str | None, until: str | None, now: datetime) -> tuple[str, str]:
    """``(since, until)`` as the ISO times records are stored with; ``until`` defaults to now, ``since`` to the
    beginning (the first record ever stored)."""
    start = moment(since, now, "--since") if since else datetime(1970, 1, 1, tzinfo=UTC)
    end = moment(until, now, "--until") if until else now
    if start >= end:
        raise CliError(f"--since ({format_time(start)}) must be before --until ({format_time(end)})")
    return format_time(start), format_time(end)
