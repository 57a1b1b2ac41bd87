"""``inlet lake backfill --tenant T [--since ... --until ...] (--local | --stack NAME)``: records already in the
Records table into the lake (see inlet_cli.lake.backfill for how it stays resumable and free of duplicates)."""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from inlet_cli.commands import checked_tenant, target_of
from inlet_cli.commands.time_range import time_range
from inlet_cli.errors import CliError
from inlet_cli.lake.backfill import PAGE_ITEMS, Span, Staging, device_rows, partition_prefix, write_partition
from inlet_cli.lake.serials import READ_UNITS_PER_SECOND, SerialScan
from inlet_cli.local import env as local_env
from inlet_cli.output import stderr


def register(groups, common: argparse.ArgumentParser) -> None:
    group = groups.add_parser("lake", help="the data lake: backfill it from the Records table")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")
    backfill = commands.add_parser(
        "backfill", parents=[common], help="write a tenant's stored records into the lake (resumable, no duplicates)"
    )
    backfill.add_argument("--tenant", required=True)
    backfill.add_argument("--since", metavar="TIME", help="received at or after: ISO 8601 or an age (30d); default all")
    backfill.add_argument("--until", metavar="TIME", help="received before (default: now)")
    backfill.add_argument(
        "--scan-read-units", metavar="N", type=float, default=READ_UNITS_PER_SECOND,
        help=f"pace of the scan that finds every device with records, read units a second "
        f"(default {READ_UNITS_PER_SECOND:g})",
    )  # fmt: skip
    backfill.set_defaults(run=run_backfill)


def run_backfill(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    if not args.scan_read_units > 0:
        raise CliError(f"--scan-read-units: a number of read units a second above 0, not {args.scan_read_units:g}")
    since, until = time_range(args.since, args.until, datetime.now(UTC))
    target = target_of(args)
    place = _place(target)
    serials = [d.serial for d in target.device_store().list(tenant)]
    scan = SerialScan(
        target.client("dynamodb"), target.require("records_table"), read_units_per_second=args.scan_read_units
    )
    staged, written = backfill(target.record_store(), serials, place, Span(tenant, since, until),
                               _staging_path(target.source, tenant), scan=scan)  # fmt: skip
    print(f"backfill of {tenant}: {staged} rows read from {len(scan.found)} devices (registered or not; the scan "
          f"for them read {scan.read_units:g} read units), {written} rows in the backfill files of "
          f"{place.describe()} ({since} to {until})")  # fmt: skip
    return 0


def backfill(records, serials: list[str], place, span: Span, staging_path: Path,
             scan: SerialScan | None = None) -> tuple[int, int]:  # fmt: skip
    """Stage the devices not done yet (``serials``, plus every serial with records ``scan`` finds: removed devices
    too), then write every partition; the staging file is removed only at the end (an interrupted run resumes from
    it, the scan included). ``(rows staged by this run, rows in the partitions' backfill files)``."""
    staging = Staging(staging_path, span)
    try:
        if scan is not None:
            serials = scan.union(serials, staging.db, span.tenant)
        staged = _stage(staging, records, span.tenant, serials, span.since, span.until)
        written = _write_partitions(staging, place)
    except BaseException:
        staging.close()
        raise
    staging.close(remove=True)
    return staged, written


def _place(target):
    from inlet_cli.lake.local_lake import lake_root
    from inlet_cli.lake.places import LocalPlace, S3Place

    if target.local:
        return LocalPlace(lake_root())
    if not target.lake_bucket:
        raise CliError(f"{target.source} has no data lake: deploy it with DataLake=Enabled (docs/lake.md)")
    return S3Place(target.client("s3"), target.lake_bucket)


def _staging_path(source: str, tenant: str) -> Path:
    where = hashlib.sha256(source.encode()).hexdigest()[:12]
    return local_env.state_dir() / "lake-backfill" / f"{tenant}-{where}.duckdb"


def _progress() -> Progress:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    return Progress(*columns, TextColumn("{task.fields[rows]} rows"), TimeElapsedColumn(), console=stderr(),
                    transient=True, disable=not stderr().is_terminal)  # fmt: skip


def _stage(staging: Staging, records, tenant: str, serials: list[str], since: str, until: str) -> int:
    parts = [(serial, events) for serial in serials for events in (False, True)]
    total = 0
    with _progress() as progress:
        task = progress.add_task("devices", total=len(parts), rows=0)
        for serial, events in parts:
            part = f"{serial}#events" if events else serial
            if not staging.is_done(part):
                read = records.between(tenant, serial, since, until, events=events, page_items=PAGE_ITEMS)
                total += staging.stage(part, device_rows(read))
            progress.update(task, advance=1, rows=total)
    return total


def _write_partitions(staging: Staging, place) -> int:
    partitions = staging.partitions()
    written = 0
    with _progress() as progress:
        task = progress.add_task("partitions", total=len(partitions), rows=0)
        for table, tenant, day in partitions:
            prefix = partition_prefix(table, tenant, day)
            with tempfile.TemporaryDirectory(prefix="inlet-backfill-") as scratch:
                folder = Path(scratch)
                others, earlier = place.others(prefix, folder), place.earlier(prefix, folder)
                result = folder / "backfill.parquet"
                written += write_partition(staging, table, tenant, day, others, earlier, result)
                place.put(prefix, result)
            progress.update(task, advance=1, rows=written)
    return written
