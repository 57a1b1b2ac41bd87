"""``inlet records`` over a time range, for one device or all of a tenant's, in every format; and the range query
of the record store that streams them (moto, the template's tables, the demo tenant)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from inlet.core.records import build_record
from inlet.core.uplink import map_item
from inlet.core.values import format_time
from inlet_cli.commands import record_export
from inlet_cli.main import main
from rich.console import Console

from tests.integration.test_cli import error_of, run_json

pytestmark = pytest.mark.integration


def store(deps, serial: str, received: datetime, port: int, tenant: str = "demo", **fields) -> dict:
    """One uplink record written by the endpoint's own code, as if received at ``received``."""
    uplink = map_item(0, {"serial": serial, "payload": "01", "port": port, **fields}, {}, None)
    group = f"{port:024d}"
    record = build_record(uplink, tenant, group, format_time(received), None, None)
    deps.records.put_many([record])
    return record


def ago(**delta) -> datetime:
    """A moment before the real clock's now: the CLI's relative ranges count from the time it runs."""
    return datetime.now(UTC) - timedelta(**delta)


def lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_relative_range_gives_the_records_received_in_it_oldest_first(seeded, capsys):
    for port, age in ((1, 180), (2, 90), (3, 30), (4, 1)):
        store(seeded, "AA-BB-01", ago(minutes=age), port)
    argv = ["records", "AA-BB-01", "--tenant", "demo", "--since", "2h", "--until", "10m", "--format", "jsonl"]
    assert main(argv) == 0
    assert [r["port"] for r in lines(capsys)] == [2, 3]


def test_an_iso_range_includes_its_start_and_excludes_its_end(seeded, capsys):
    start, end = datetime(2026, 11, 25, 9, tzinfo=UTC), datetime(2026, 11, 25, 10, tzinfo=UTC)
    for port, moment in ((1, start - timedelta(milliseconds=1)), (2, start), (3, end - timedelta(milliseconds=1))):
        store(seeded, "AA-BB-01", moment, port)
    store(seeded, "AA-BB-01", end, 4)
    since, until = "2026-11-25T09:00:00Z", "2026-11-25T11:00:00+01:00"  # an offset is the same instant in UTC
    exported = run_json(capsys, "records", "AA-BB-01", "--tenant", "demo", "--since", since, "--until", until)
    assert [r["port"] for r in exported] == [2, 3]
    assert exported[0]["received_at"] == "2026-11-25T09:00:00.000Z"


def test_all_devices_of_the_tenant_one_after_the_other_and_no_other_tenant(seeded, capsys):
    store(seeded, "AA-BB-02", ago(minutes=5), 21)
    store(seeded, "AA-BB-01", ago(minutes=9), 11)
    store(seeded, "AA-BB-01", ago(minutes=3), 12)
    store(seeded, "AA-BB-01", ago(minutes=4), 99, tenant="other")
    exported = run_json(capsys, "records", "--all", "--tenant", "demo", "--since", "1h")
    assert [(r["serial"], r["port"]) for r in exported] == [("AA-BB-01", 11), ("AA-BB-01", 12), ("AA-BB-02", 21)]
    assert {r["tenant"] for r in exported} == {"demo"}


def test_all_devices_latest_mode_gives_each_device_s_latest(seeded, capsys):
    for port in (1, 2, 3):
        store(seeded, "AA-BB-01", ago(minutes=10 - port), port)
    store(seeded, "AA-BB-02", ago(minutes=1), 20)
    exported = run_json(capsys, "records", "--all", "--tenant", "demo", "--limit", "2")
    assert [(r["serial"], r["port"]) for r in exported] == [("AA-BB-01", 3), ("AA-BB-01", 2), ("AA-BB-02", 20)]


def test_csv_has_one_row_per_record_with_variables_as_json_and_no_formula(seeded, capsys):
    store(seeded, "AA-BB-01", ago(minutes=2), 7, battery=3.6, note="=HYPERLINK(1)")
    store(seeded, "AA-BB-01", ago(minutes=1), 8, port_note="-97")
    assert main(["records", "AA-BB-01", "--tenant", "demo", "--since", "1h", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == list(record_export.CSV_COLUMNS)
    assert [(r["serial"], r["port"], r["payload"]) for r in rows] == [("AA-BB-01", "7", "01"), ("AA-BB-01", "8", "01")]
    variables = json.loads(rows[0]["variables"])
    assert {"variable": "battery", "value": 3.6} in variables
    assert {"variable": "note", "value": "=HYPERLINK(1)"} in variables  # inside JSON text: never a formula
    assert record_export.csv_cell("=1+1") == "'=1+1" and record_export.csv_cell("-97") == "-97"
    assert record_export.csv_cell(["port_not_integer", "time_not_parsed"]) == "port_not_integer;time_not_parsed"


def test_table_export_prints_one_header_and_every_row(seeded, capsys):
    for port in range(1, 4):
        store(seeded, "AA-BB-01", ago(minutes=port), port, battery=port)
    assert main(["records", "AA-BB-01", "--tenant", "demo", "--since", "1h"]) == 0
    out = capsys.readouterr().out
    assert out.count("received") == 1 and out.count("battery=") == 3


def test_limit_caps_an_export_and_an_empty_range_says_so(seeded, capsys):
    for port in range(1, 6):
        store(seeded, "AA-BB-01", ago(minutes=10 - port), port)
    assert main(["records", "AA-BB-01", "--tenant", "demo", "--since", "1h", "--limit", "2", "--format", "jsonl"]) == 0
    assert [r["port"] for r in lines(capsys)] == [1, 2]
    assert main(["records", "AA-BB-01", "--tenant", "demo", "--since", "7d", "--until", "6d"]) == 0
    assert "no records between" in capsys.readouterr().err
    assert run_json(capsys, "records", "AA-BB-01", "--tenant", "demo", "--since", "7d", "--until", "6d") == []


def test_events_of_a_range(seeded, capsys):
    from inlet.adapters.devices import Device

    from tests.helpers import http_event, invoke

    seeded.devices.add(Device("demo", "0080E1150500A3C7"))
    status_event = {"deviceInfo": {"devEui": "0080e1150500a3c7"}, "margin": 7, "batteryLevel": 91.5}
    assert invoke(http_event(status_event, query={"event": "status"}))[0] == 200
    capsys.readouterr()  # the handler's log lines
    argv = ["records", "0080E1150500A3C7", "--tenant", "demo", "--since", "1h", "--events", "--format", "jsonl"]
    assert main(argv) == 0
    assert [e["event"] for e in lines(capsys)] == ["status"]


def test_a_long_export_to_a_file_shows_progress_on_stderr(seeded, capsys, monkeypatch):
    for port in range(1, 4):
        store(seeded, "AA-BB-01", ago(minutes=port), port)
    bar = io.StringIO()
    monkeypatch.setattr(record_export, "stderr", lambda: Console(file=bar, force_terminal=True, width=100))
    assert main(["records", "--all", "--tenant", "demo", "--since", "1h", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + 3  # stdout holds the CSV alone
    assert "devices" in bar.getvalue() and "3 records" in bar.getvalue()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "1h"], "name one device (SERIAL) or pass --all"),
        (["AA-BB-01", "--all"], "name one device (SERIAL) or pass --all"),
        (["AA-BB-01", "--since", "yesterday"], "neither an ISO 8601 time"),
        (["AA-BB-01", "--since", "1h", "--until", "2h"], "must be before --until"),
        (["AA-BB-01", "--since", "1h", "--limit", "0"], "--limit must be at least 1"),
        (["AA-BB-01", "--limit", "1001"], "--limit must be between 1 and 1000"),
        (["--all", "--follow"], "--follow shows one device's new uplinks"),
        (["AA-BB-01", "--follow", "--since", "1h"], "--follow shows one device's new uplinks"),
        (["AA-BB-01", "--json", "--format", "csv"], "use --format csv without --json"),
    ],
)
def test_refused_combinations_say_why(seeded, capsys, argv, message):
    assert message in error_of(capsys, "records", "--tenant", "demo", *argv)


# The store's range query


def test_a_range_is_read_page_by_page_as_it_is_consumed(seeded):
    for port in range(1, 6):
        store(seeded, "AA-BB-01", ago(minutes=10 - port), port)
    calls = []
    seeded.records.dynamodb.meta.events.register("before-call.dynamodb.Query", lambda **kw: calls.append(1))
    since, until = format_time(ago(hours=1)), format_time(ago())
    stream = seeded.records.between("demo", "AA-BB-01", since, until, page_items=2)
    assert next(stream)["port"] == 1 and len(calls) == 1  # nothing is read ahead of what is consumed
    assert [r["port"] for r in stream] == [2, 3, 4, 5] and len(calls) == 3


def test_a_count_stops_at_its_page_bound_and_says_so(seeded):
    for port in range(1, 6):
        store(seeded, "AA-BB-01", ago(minutes=10 - port), port)
    since, until = format_time(ago(hours=1)), format_time(ago())
    assert seeded.records.count_between("demo", "AA-BB-01", since, until, max_pages=2, page_items=2) == (4, False)
    assert seeded.records.count_between("demo", "AA-BB-01", since, until, max_pages=3, page_items=2) == (5, True)
    assert seeded.records.count_between("demo", "AA-BB-02", since, until, max_pages=1) == (0, True)


def test_follow_with_json_lines_prints_one_object_a_line(seeded, capsys, monkeypatch):
    from inlet_cli.commands import records as records_command

    store(seeded, "AA-BB-01", ago(seconds=30), 1)

    def stop():
        raise KeyboardInterrupt

    monkeypatch.setattr(records_command, "pause", stop)
    assert main(["records", "AA-BB-01", "--tenant", "demo", "--follow", "--format", "jsonl"]) == 0
    assert [r["port"] for r in lines(capsys)] == [1]
