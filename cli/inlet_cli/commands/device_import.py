"""``inlet devices import FILE.csv``: add many devices, one per line, and account for every line of the file.

Each line after the header ends in exactly one list of the report, with its line number: added, updated (with
``--update``: a row of an existing device sets the columns it fills, and leaves the empty ones as stored), skipped
(a duplicate, or an existing device without ``--update``), invalid (with the reason) or blank. Valid rows are
imported even when others are invalid; the command then exits non-zero so that a script notices.
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
from inlet_cli.commands.visibility import DEVICES_ADDED, DEVICES_UPDATED, made_visible
from inlet_cli.device_changes import DeviceChange
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
    updated: list[dict] = field(default_factory=list)  # {line, serial} (with --update)
    update: bool = False
    skipped: list[dict] = field(default_factory=list)  # {line, serial, reason}
    invalid: list[dict] = field(default_factory=list)  # {line, reason}
    blank_lines: list[int] = field(default_factory=list)
    first_line: dict[str, int] = field(default_factory=dict)  # serial -> the line that brought it


def import_devices(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    parsed = read_device_file(Path(args.file))
    target = target_of(args)
    store = target.device_store()
    report = Report(tenant, lines=parsed.total, header_line=parsed.header_line, update=args.update)
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
    if report.updated:
        made_visible(target, DEVICES_UPDATED, args.json)
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
    given = (row.get("connector") or "").strip()
    connector, problem = connectors.problem(given or GENERIC_SENSOR)
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
    elif report.update:
        filled = DeviceChange(
            connector if given else None, name or None, encoding or None, params, replace_params=bool(params)
        )
        update_existing(store, device, filled, line.number, report)
    else:
        report.skipped.append({"line": line.number, "serial": serial, "reason": "already exists"})


def update_existing(store: DeviceStore, device: Device, change: DeviceChange, number: int, report: Report) -> None:
    """A row of a device the tenant has, with ``--update``: the cells it fills replace the stored values."""
    stored = store.get(device.tenant, device.serial)
    if stored is None or not store.replace(change.applied(stored)):  # removed meanwhile: add it as the row says
        if store.add(device):
            report.added.append(device.serial)
            report.added_lines.append(number)
            return
        report.skipped.append({"line": number, "serial": device.serial, "reason": "changed while importing"})
        return
    report.updated.append({"line": number, "serial": device.serial})


def show(report: Report, as_json: bool) -> None:
    if as_json:
        print_json({k: v for k, v in asdict(report).items() if k not in ("first_line", "update")})
        return
    blank = f", blank {len(report.blank_lines)}" if report.blank_lines else ""
    updated = f", updated {len(report.updated)}" if report.update else ""
    say(
        f"{report.lines} lines: added {len(report.added)}{updated}, skipped {len(report.skipped)}, "
        f"invalid {len(report.invalid)}{blank} (line {report.header_line} is the header)"
    )
    for entry in report.skipped[:SHOWN]:
        note(f"  line {entry['line']}: {entry['serial']} skipped: {entry['reason']}")
    for entry in report.invalid[:SHOWN]:
        note(f"  line {entry['line']}: invalid: {entry['reason']}")
    hidden = max(0, len(report.skipped) - SHOWN) + max(0, len(report.invalid) - SHOWN)
    if hidden:
        note(f"  ... and {hidden} more (use --json for every row)")
