"""How commands print: plain JSON for scripts (``--json``), rich tables for people, notes on stderr.

Results go to stdout and everything else to stderr, so ``KEY=$(inlet keys create ...)`` captures only the key.
User data is always wrapped in ``Text`` so that a ``[tag]`` in a name is shown, not read as rich markup.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from inlet_cli.errors import without_keys


def stdout() -> Console:
    return Console(highlight=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False)


def print_json(data: object, indent: int | None = 2) -> None:
    sys.stdout.write(json.dumps(data, indent=indent, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def print_table(
    columns: Sequence[str], rows: Iterable[Sequence[object]], empty: str = "nothing to show", whole: Sequence[str] = ()
) -> None:
    """A table; the ``whole`` columns are never cut (times, serials), the others fold onto more lines."""
    rows = list(rows)
    if not rows:
        note(empty)
        return
    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, no_wrap=column in whole, overflow="fold")
    for row in rows:
        table.add_row(*(cell(value) for value in row))
    stdout().print(table)


def cell(value: object) -> Text:
    if value is None or value == "":
        return Text("-", style="dim")
    return Text(str(value))


def say(text: str) -> None:
    """A result for people (stdout); commands skip it under --json."""
    stdout().print(Text(text))


def note(text: str) -> None:
    """A remark that is not the result (stderr): hints, counts, warnings. Remarks quote what was typed, so anything
    shaped like a key is masked, as in errors."""
    stderr().print(Text(without_keys(text)))
