"""Writers of ``inlet records --format table|json|jsonl|csv``: one record at a time, so an export of any size runs in
constant memory, with a progress bar on stderr while stdout goes to a file or a pipe."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from inlet_cli.output import cell, stderr, stdout

FORMATS = ("table", "json", "jsonl", "csv")
CSV_COLUMNS = ("id", "serial", "group", "received_at", "time", "port", "payload", "format", "flags", "variables")
EVENT_CSV_COLUMNS = ("id", "serial", "group", "received_at", "event", "format", "variables")
# Spreadsheets run a cell that starts with one of these as a formula; a payload kept as sent could be one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PROGRESS_EVERY = 100  # records between two updates of the bar


def write_records(records: Iterable[dict], fmt: str, events: bool, summary: Callable[..., str]) -> int:
    """Write every record in ``fmt`` to stdout; the number written."""
    writer = {"json": _json_array, "jsonl": _json_lines, "csv": _csv}.get(fmt)
    if writer is None:
        return _table(records, events, summary)
    return writer(records, events)


def _json_array(records: Iterable[dict], events: bool) -> int:
    count = 0
    for record in records:
        sys.stdout.write(("[\n" if count == 0 else ",\n") + _json(record))
        count += 1
    sys.stdout.write("\n]\n" if count else "[]\n")
    return count


def _json_lines(records: Iterable[dict], events: bool) -> int:
    count = 0
    for count, record in enumerate(records, 1):  # noqa: B007 (the count is the result)
        sys.stdout.write(_json(record) + "\n")
    return count


def _json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, default=str)


def _csv(records: Iterable[dict], events: bool) -> int:
    columns = EVENT_CSV_COLUMNS if events else CSV_COLUMNS
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(columns)
    count = 0
    for count, record in enumerate(records, 1):  # noqa: B007
        out.writerow([csv_cell(record.get(column)) for column in columns])
    return count


def csv_cell(value: object) -> str:
    """A CSV cell: lists and objects as JSON text, flags joined by ``;``, text that a spreadsheet would run as a
    formula quoted with a leading ``'`` (numbers are left alone: ``-97`` is a value)."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# Fixed widths, the variables taking the rest of the line: each row is printed as it comes, under one header, and
# the columns still line up.
TABLE_COLUMNS = (("received", 24), ("serial", 16), ("port", 4), ("payload", 16), ("variables", None))
EVENT_TABLE_COLUMNS = (("received", 24), ("serial", 16), ("event", 12), ("network", 14), ("variables", None))


def _table(records: Iterable[dict], events: bool, summary: Callable[..., str]) -> int:
    columns = EVENT_TABLE_COLUMNS if events else TABLE_COLUMNS
    console, count = stdout(), 0
    room = 2 * max(20, console.width - 70)  # two lines of the variables column
    for count, record in enumerate(records, 1):
        table = Table(show_header=count == 1, header_style="bold", box=None, pad_edge=False, expand=True)
        for name, width in columns:
            table.add_column(name, width=width, ratio=None if width else 1, no_wrap=name == "received", overflow="fold")
        if events:
            row = (record.get("received_at"), record.get("serial"), record.get("event"), record.get("format"))
        else:
            row = (record.get("received_at"), record.get("serial"), record.get("port"), record.get("payload"))
        table.add_row(*(cell(value) for value in (*row, summary(record, width=room))))
        console.print(table)
    return count


def with_progress(serials: list[str], records_of: Callable[[str], Iterable[dict]]) -> Iterator[dict]:
    """The records of each device in turn; a bar on stderr counts devices and records while stdout is not a
    terminal (an export to a file or a pipe) and stderr is one."""
    shown = not stdout().is_terminal and stderr().is_terminal
    columns = (SpinnerColumn(), TextColumn("devices"), BarColumn(), MofNCompleteColumn())
    columns += (TextColumn("{task.fields[records]} records"), TimeElapsedColumn())
    with Progress(*columns, console=stderr(), transient=True, disable=not shown) as progress:
        task = progress.add_task("export", total=len(serials), records=0)
        count = 0
        for serial in serials:
            for record in records_of(serial):
                count += 1
                if count % PROGRESS_EVERY == 0:
                    progress.update(task, records=count)
                yield record
            progress.update(task, advance=1, records=count)
