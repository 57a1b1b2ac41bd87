"""How commands print: plain JSON for scripts (``--json``), rich tables for people, notes on stderr.

Results go to stdout and everything else to stderr, so ``KEY=$(inlet keys create ...)`` captures only the key.
User data is always wrapped in ``Text`` so that a ``[tag]`` in a name is shown, not read as rich markup.

Tables fit a terminal's width (long cells fold onto more lines). Piped or redirected, a table is never wrapped: one
line per row, columns aligned with spaces, whatever its width (``inlet keys list | less -S``, ``grep``). ``--tsv``
prints tab-separated values instead (a header line, then one line per row; tabs and newlines in a cell become
spaces): for ``cut``, ``awk`` and ``sort``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from inlet_cli.errors import without_keys


class Mode:
    tsv = False  # set by main from --tsv


def choose(tsv: bool = False) -> None:
    Mode.tsv = tsv


def stdout() -> Console:
    # piped, rich would wrap at 80 columns: soft wrapping leaves each printed line whole
    return Console(highlight=False, soft_wrap=not sys.stdout.isatty())


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
    if Mode.tsv:
        write_lines(tsv_lines(columns, rows))
        if not rows:
            note(empty)
        return
    if not rows:
        note(empty)
        return
    if not sys.stdout.isatty():
        write_lines(aligned_lines(columns, rows))
        return
    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, no_wrap=column in whole, overflow="fold")
    for row in rows:
        table.add_row(*(cell(value) for value in row))
    stdout().print(table)


def tsv_lines(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    return ["\t".join(columns), *("\t".join(_flat(value) for value in row) for row in rows)]


def aligned_lines(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """The table as plain lines, never wrapped: every column as wide as its widest cell, two spaces apart."""
    texts = [list(columns), *([_flat(value) or "-" for value in row] for row in rows)]
    widths = [max(len(row[i]) for row in texts) for i in range(len(columns))]
    return ["  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip() for row in texts]


def write_lines(lines: Iterable[str]) -> None:
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()


def _flat(value: object) -> str:
    if value is None:
        return ""
    return " ".join(str(value).replace("\t", " ").splitlines())


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
