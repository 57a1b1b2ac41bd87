"""Tables for pipes: aligned lines that never wrap, or tab-separated values whose cells hold no tab or newline."""

from __future__ import annotations

import pytest
from inlet_cli.output import aligned_lines, tsv_lines

pytestmark = pytest.mark.unit

COLUMNS = ("serial", "name", "rssi")
ROWS = [("AA-01", "pump\tstation\nnorth " * 20, -97.5), ("B", None, "")]


def test_aligned_lines_are_one_per_row_with_aligned_columns():
    lines = aligned_lines(COLUMNS, ROWS)
    assert len(lines) == 3 and all("\n" not in line and "\t" not in line for line in lines)
    assert lines[0].index("name") == lines[1].index("pump") == lines[2].index("-  ") and lines[2].endswith("-")
    assert len(lines[1]) > 300  # never cut nor wrapped, whatever the width


def test_tsv_has_a_header_and_one_line_per_row():
    lines = tsv_lines(COLUMNS, ROWS)
    assert lines[0] == "serial\tname\trssi"
    assert [len(line.split("\t")) for line in lines] == [3, 3, 3]
    assert lines[2] == "B\t\t"
