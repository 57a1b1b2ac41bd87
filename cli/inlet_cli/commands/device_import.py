"""``inlet devices import FILE.csv``: add many devices, one per line, and account for every line of the file.

Each line after the header ends in exactly one list of the report, with its line number: added, skipped (a duplicate
or an existing device), invalid (with the reason) or blank. Valid rows are added even when others are
invalid; the command then exits non-zero so that a script notices.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass, field
from pathlib import Path

from inlet.adapters.devices import GENERIC_SENSOR, Device, DeviceStore
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from inlet_cli.commands import checked_tenant, parse_serial, target_of
from inlet_cli.commands.device_connectors import ConnectorCheck
from inlet_cli.commands.device_csv import Line, read_device_file
from inlet_cli.commands.visibility import DEVICES_ADDED, made_visible
from inlet_cli.device_params import parse_param_list
from inlet_cli.errors import CliError
from inlet_cli.local.env import now_iso
from inlet_cli.output import note, print_json, say, stderr

ENCODINGS = ("", "hex", "base64")
SHOWN = 20  # rows listed per kind of problem; the counts cover the rest


@dataclass
class Report:
    tenant: str
    lines: int = 0  # physical lines of the file, header included
    header_line: int = 1
    added: list[str] = field(default_factory=list)  # serials, in file order
    added_lines: list[int] = field(default_factory=list)  # the line of each added serial
    skipped: list[dict] = field(default_factory=list)  # {line, serial, reason}
    invalid: list[dict] = field(default_factory=list)  # {line, reason}
    blank_lines: list[int] = field(default_factory=list)
    first_line: dict[str, int] = field(default_factory=dict)  # serial -> the line that brought it


def import_devices(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    parsed = read_device_file(Path(args.file))
    target = target_of(args)
    store = target.device_store()
    report = Report(tenant, lines=parsed.total, header_line=parsed.header_line)
    connectors = ConnectorCheck(target, quiet=args.json)  # each distinct connector looked up once
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr(), transient=True, disable=args.json) as progress:
        task = progress.add_task("devices", total=len(parsed.lines))
        for line in parsed.lines:
            import_line(store, line, report, connectors)
            progress.advance(task)
    show(report, args.json)
    if report.added:
        made_visible(target, DEVICES_ADDED, args.json)
    if report.invalid:
        lines = ", ".join(str(r["line"]) for r in report.invalid[:SHOWN])
        more = ", ..." if len(report.invalid) > SHOWN else ""
        raise CliError(f"{len(report.invalid)} invalid row(s) not imported (line {lines}{more})")
    return 0


def import_line(store: DeviceStore, line: Line, report: Report, connectors: ConnectorCheck) -> None:
    if line.blank:
        report.blank_lines.append(line.number)
        return
    if line.row is None:
        report.invalid.append({"line": line.number, "reason": line.problem})
        return
    row = line.row
    serial, problem = parse_serial(row.get("serial"))
    encoding = (row.get("payload_encoding") or "").strip().lower()
    if serial is None:
        reason = "missing serial" if not (row.get("serial") or "").strip() else problem
        report.invalid.append({"line": line.number, "reason": reason})
        return
    if encoding not in ENCODINGS:
        report.invalid.append({"line": line.number, "reason": f"payload_encoding {encoding!r} is not hex or base64"})
        return
    if serial in report.first_line:
        reason = f"duplicate of line {report.first_line[serial]}"
        report.skipped.append({"line": line.number, "serial": serial, "reason": reason})
        return
    connector, problem = connectors.problem((row.get("connector") or "").strip() or GENERIC_SENSOR)
    if problem:
        report.invalid.append({"line": line.number, "reason": problem})
        return
    try:
        params = parse_param_list(row.get("params") or "")
    except ValueError as exc:
        report.invalid.append({"line": line.number, "reason": str(exc)})
        return
    report.first_line[serial] = line.number
    name = (row.get("name") or "").strip()
    device = Device(report.tenant, serial, connector, name, now_iso(), encoding, params)
    if store.add(device):
        report.added.append(serial)
        report.added_lines.append(line.number)
    else:
        report.skipped.append({"line": line.number, "serial": serial, "reason": "already exists"})


def show(report: Report, as_json: bool) -> None:
    if as_json:
        print_json({k: v for k, v in asdict(report).items() if k != "first_line"})
        return
    blank = f", blank {len(report.blank_lines)}" if report.blank_lines else ""
    say(
        f"{report.lines} lines: added {len(report.added)}, skipped {len(report.skipped)}, "
        f"invalid {len(report.invalid)}{blank} (line {report.header_line} is the header)"
    )
    for entry in report.skipped[:SHOWN]:
        note(f"  line {entry['line']}: {entry['serial']} skipped: {entry['reason']}")
    for entry in report.invalid[:SHOWN]:
        note(f"  line {entry['line']}: invalid: {entry['reason']}")
    hidden = max(0, len(report.skipped) - SHOWN) + max(0, len(report.invalid) - SHOWN)
    if hidden:
        note(f"  ... and {hidden} more (use --json for every row)")
