"""The device CSV of ``inlet devices import``: one device per line, and every line of the file classified.

Each physical line is parsed on its own, strictly. The csv module would let a quote that is never closed run on to
the end of the file, silently turning every later row into one field of one row; here such a line is an invalid row
with its line number, and the next line is read as the next device. A field that spans lines is not a device list
anyone writes (serial, name, connector, encoding), so nothing legitimate is lost.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from inlet_cli.errors import CliError

COLUMNS = ("serial", "name", "connector", "payload_encoding", "params")
EXPECTED_HEADER = "expected a header serial[,name,connector,payload_encoding,params]"


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as an editor shows it
    row: dict[str, str] | None = None  # the values by column, for a line that parsed
    problem: str = ""  # why the line is not a row (unterminated quote, too many values...)
    blank: bool = False


@dataclass(frozen=True)
class DeviceFile:
    total: int  # physical lines, header included
    header_line: int
    lines: list[Line]  # every line after the header


def read_device_file(path: Path) -> DeviceFile:
    """The header (an error for the whole file when it is unusable) and every other line, classified."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()  # the newline that ends the last line does not start another
    numbered = [(number, line.removesuffix("\r")) for number, line in enumerate(physical, start=1)]
    header_at = next((n for n, line in numbered if line.strip()), 0)
    if not header_at:
        raise CliError(f"{path} is empty: {EXPECTED_HEADER}")
    header = _header(path, numbered[header_at - 1][1])
    lines = [Line(n, blank=True) for n, _ in numbered[: header_at - 1]]
    lines += [_classify(n, line, header) for n, line in numbered[header_at:]]
    return DeviceFile(len(numbered), header_at, lines)


def _fields(line: str) -> list[str]:
    return next(csv.reader([line], strict=True), [])


def _header(path: Path, line: str) -> list[str]:
    try:
        header = [name.strip().lower() for name in _fields(line)]
    except csv.Error as exc:
        raise CliError(f"{path}: the header line cannot be read ({exc}): {EXPECTED_HEADER}") from None
    if "serial" not in header:
        raise CliError(f"{path} has no serial column: {EXPECTED_HEADER}")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise CliError(f"{path} has unknown column(s) {', '.join(unknown)}: {EXPECTED_HEADER}")
    return header


def _classify(number: int, line: str, header: list[str]) -> Line:
    if not line.strip():
        return Line(number, blank=True)
    try:
        values = _fields(line)
    except csv.Error as exc:
        # quotes inside a quoted field are doubled, so an odd count means one was opened and never closed
        reason = "unterminated quote" if line.count('"') % 2 else f"not valid CSV ({exc})"
        return Line(number, problem=reason)
    if not any(value.strip() for value in values):
        return Line(number, blank=True)  # only separators: ",,,"
    if len(values) > len(header):
        return Line(number, problem="more values than header columns")
    return Line(number, row=dict(zip(header, values, strict=False)))
