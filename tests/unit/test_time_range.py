"""``--since`` / ``--until`` of ``inlet records``: ages and ISO 8601 times, as the sort keys of records compare."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from inlet_cli.commands.time_range import moment, time_range
from inlet_cli.errors import CliError

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 1, 12, 0, 0, 250000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "before_now"),
    [("45s", timedelta(seconds=45)), ("30m", timedelta(minutes=30)), ("2h", timedelta(hours=2)),
     ("7d", timedelta(days=7)), ("2w", timedelta(weeks=2)), (" 2H ", timedelta(hours=2)), ("0m", timedelta(0))],
)  # fmt: skip
def test_an_age_is_counted_back_from_now(value, before_now):
    assert moment(value, NOW, "--since") == NOW - before_now


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2026-11-25", datetime(2026, 11, 25, tzinfo=UTC)),  # a date is its midnight, UTC
        ("2026-11-25T09:30:00", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),  # no offset: UTC
        ("2026-11-25T09:30:00Z", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("2026-11-25T10:30:00+01:00", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("2026-11-25T09:30:00.123456Z", datetime(2026, 11, 25, 9, 30, 0, 123456, tzinfo=UTC)),
    ],
)
def test_an_iso_time_is_the_same_instant_in_utc(value, instant):
    parsed = moment(value, NOW, "--until")
    assert parsed == instant and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", ["yesterday", "2h ago", "-2h", "2 hours", "1y", "2026-13-01", ""])
def test_anything_else_is_refused_naming_the_option(value):
    with pytest.raises(CliError, match=r"--since .* is neither an ISO 8601 time"):
        moment(value, NOW, "--since")


def test_a_range_is_given_as_stored_times_and_defaults_to_everything_until_now():
    assert time_range("2h", None, NOW) == ("2026-12-01T10:00:00.250Z", "2026-12-01T12:00:00.250Z")
    assert time_range(None, "1d", NOW) == ("1970-01-01T00:00:00.000Z", "2026-11-30T12:00:00.250Z")


def test_stored_times_sort_like_the_instants_they_name():
    since, until = time_range("2026-11-25T09:00:00+01:00", "2026-11-25T09:00:00Z", NOW)
    assert since < "2026-11-25T08:00:00.000Z#group#00000" < "2026-11-25T08:59:59.999Z#g#00001" < until


@pytest.mark.parametrize(("since", "until"), [("1h", "2h"), ("1h", "1h"), ("2026-12-02", None)])
def test_an_empty_or_reversed_range_is_refused(since, until):
    with pytest.raises(CliError, match="must be before --until"):
        time_range(since, until, NOW)
