"""``inlet devices import FILE.csv``: add many devices, row by row, and say exactly which rows were not added.

Valid rows are added even when others are invalid; the command then exits non-zero so that a script notices.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import asdict, dataclass, field
from pathlib import Path

from inlet.adapters.devices import GENERIC_SENSOR, Device, DeviceStore
from inlet.core.values import canonical_serial
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from inlet_cli.commands import checked_tenant, target_of
from inlet_cli.errors import CliError
from inlet_cli.localenv import now_iso
from inlet_cli.output import note, print_json, say, stderr

COLUMNS = ("serial", "name", "connector", "payload_encoding")
ENCODINGS = ("", "hex", "base64")
SHOWN = 20  # rows listed per kind of problem; the counts cover the rest


@dataclass
class Report:
    tenant: str
    added: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {line, serial, reason}
    invalid: list[dict] = field(default_factory=list)  # {line, reason}
    first_line: dict[str, int] = field(default_factory=dict)  # serial -> the line that brought it


def import_devices(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    rows = read_rows(Path(args.file))
    store = target_of(args).device_store()
    report = Report(tenant)
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr(), transient=True, disable=args.json) as progress:
        task = progress.add_task("devices", total=len(rows))
        for line, row in rows:
            import_row(store, line, row, report)
            progress.advance(task)
    show(report, args.json)
    if report.invalid:
        lines = ", ".join(str(r["line"]) for r in report.invalid[:SHOWN])
        raise CliError(f"{len(report.invalid)} invalid row(s) not imported (line {lines})")
    return 0


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """``(line number, row)`` for every non-blank row; a missing or unknown column is an error for the whole file."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            _check_header(path, reader.fieldnames)
            reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
            return [(reader.line_num, row) for row in reader if any((v or "").strip() for v in _values(row))]
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise CliError(f"{path}: {exc}") from None


def _check_header(path: Path, names: list[str] | None) -> None:
    expected = "expected a header serial[,name,connector,payload_encoding]"
    header = [name.strip().lower() for name in names or []]
    if "serial" not in header:
        raise CliError(f"{path} has no serial column: {expected}")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise CliError(f"{path} has unknown column(s) {', '.join(unknown)}: {expected}")


def _values(row: dict) -> list[str]:
    extra = row.get(None) or []  # values beyond the header's columns
    return [v for k, v in row.items() if k is not None and v is not None] + list(extra)


def import_row(store: DeviceStore, line: int, row: dict, report: Report) -> None:
    if row.get(None):
        report.invalid.append({"line": line, "reason": "more values than header columns"})
        return
    serial = canonical_serial(row.get("serial"))
    encoding = (row.get("payload_encoding") or "").strip().lower()
    if serial is None:
        report.invalid.append({"line": line, "reason": "missing serial"})
        return
    if encoding not in ENCODINGS:
        report.invalid.append({"line": line, "reason": f"payload_encoding {encoding!r} is not hex or base64"})
        return
    if serial in report.first_line:
        reason = f"duplicate of line {report.first_line[serial]}"
        report.skipped.append({"line": line, "serial": serial, "reason": reason})
        return
    report.first_line[serial] = line
    connector = (row.get("connector") or "").strip() or GENERIC_SENSOR
    device = Device(report.tenant, serial, connector, (row.get("name") or "").strip(), now_iso(), encoding)
    if store.add(device):
        report.added.append(serial)
    else:
        report.skipped.append({"line": line, "serial": serial, "reason": "already exists"})


def show(report: Report, as_json: bool) -> None:
    if as_json:
        print_json({k: v for k, v in asdict(report).items() if k != "first_line"})
        return
    say(f"added {len(report.added)}, skipped {len(report.skipped)}, invalid {len(report.invalid)}")
    for entry in report.skipped[:SHOWN]:
        note(f"  line {entry['line']}: {entry['serial']} skipped: {entry['reason']}")
    for entry in report.invalid[:SHOWN]:
        note(f"  line {entry['line']}: invalid: {entry['reason']}")
    hidden = max(0, len(report.skipped) - SHOWN) + max(0, len(report.invalid) - SHOWN)
    if hidden:
        note(f"  ... and {hidden} more (use --json for every row)")
