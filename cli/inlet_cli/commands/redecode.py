"""``inlet records redecode (SERIAL... | --all) --tenant T --since ...``: stored uplinks decoded again, in place.

Each record is read, its raw payload decoded by a connector version (``--connector NAME@V``, or each device's own
connector now) exactly as ingest decodes, and written back on the same item: no new record. The new decoding replaces
the old one, whose summary stays as ``decoder.previous`` (redecode/stored.py says what changes). Records are read and
written a page at a time (memory does not grow with their number), writes are paced within the table's write
capacity (redecode/pacing.py), and a run stopped half-way goes on from where it was when run again
(redecode/checkpoint.py). ``--dry-run`` decodes and counts what would change, writing nothing. ``--deliver`` sends
the records written on to the tenant's destinations, marked ``redecoded``, with new delivery ids (redecode/deliver.py).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from inlet_cli.commands import add_tenant, checked_tenant, target_of
from inlet_cli.commands.time_range import time_range
from inlet_cli.errors import CliError
from inlet_cli.local.env import now_iso
from inlet_cli.output import note, print_json, say, stderr
from inlet_cli.redecode.checkpoint import Checkpoint
from inlet_cli.redecode.deliver import Redelivery
from inlet_cli.redecode.pacing import Pacer, table_units
from inlet_cli.redecode.run import Run
from inlet_cli.redecode.sources import connector_named, serials_of

COUNTS = ("devices", "records", "changed", "unchanged", "fixed", "now_failed", "written", "gone", "too_large")
COMMAND = "records redecode"  # one word for argparse: `inlet records redecode` (main.py joins the two)


def register(groups, common: argparse.ArgumentParser) -> None:
    cmd = groups.add_parser(COMMAND, parents=[common], help="decode stored uplinks again and update their records")
    cmd.add_argument("serials", nargs="*", metavar="SERIAL", help="the devices (or --all)")
    add_tenant(cmd)
    cmd.add_argument("--all", action="store_true", help="every device of the tenant")
    cmd.add_argument("--since", required=True, metavar="TIME", help="received at or after: ISO 8601 or an age (7d)")
    cmd.add_argument("--until", metavar="TIME", help="received before (default: now)")
    cmd.add_argument("--connector", metavar="NAME[@VERSION]", help="decode with this version (default: each device's)")
    cmd.add_argument("--dry-run", action="store_true", help="decode and count what would change; write nothing")
    cmd.add_argument("--deliver", action="store_true", help="send the re-decoded uplinks to the tenant's destinations")
    cmd.add_argument("--restart", action="store_true", help="ignore where an earlier run of this command stopped")
    cmd.add_argument("--max-wcu", type=int, metavar="N", help="write units per second (default: half the table's)")
    cmd.set_defaults(run=redecode_records)


def redecode_records(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    if args.deliver and args.dry_run:
        raise CliError("--deliver sends what is written: it does not go with --dry-run")
    target = target_of(args)
    serials = serials_of(target, tenant, args.serials, args.all)
    override = connector_named(target, args.connector) if args.connector else None
    since, until = time_range(args.since, args.until, datetime.now(UTC))
    asked = {"tenant": tenant, "serials": serials if not args.all else "--all", "connector": args.connector,
             "since": args.since, "until": args.until, "target": target.source, "deliver": args.deliver}  # fmt: skip
    checkpoint = Checkpoint.load_or_new(asked, since, until, restart=args.restart or args.dry_run, now=now_iso())
    resumed = checkpoint.resumed
    if resumed and not args.json:
        note(f"going on from where the last run stopped ({len(checkpoint.done)} device(s) done)")
    pacer = None if args.dry_run else Pacer(args.max_wcu or capacity(target))
    redelivery = Redelivery(target, tenant, checkpoint.started) if args.deliver else None
    run = Run(target, tenant, override, (checkpoint.since, checkpoint.until), checkpoint, pacer, redelivery)
    with progress_bar(args.json) as bar:
        task = bar.add_task("re-decoding", total=len(serials), records=0)
        for serial in serials:
            if serial not in checkpoint.done:
                run.device(serial, lambda _: bar.update(task, records=run.counts["records"]))
            bar.advance(task)
    if not args.dry_run:
        checkpoint.close()
    report(run, args, resumed)
    return 0


def capacity(target) -> int:
    return table_units(target.client("dynamodb"), target.require("records_table"))


def progress_bar(quiet: bool) -> Progress:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("devices, {task.fields[records]} records"),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=stderr(), transient=True, disable=quiet)


def report(run: Run, args: argparse.Namespace, resumed: bool) -> None:
    counts = {name: run.counts[name] for name in COUNTS}
    delivered = run.redelivery.queued if run.redelivery else None
    summary = {**counts, "deliveries_queued": delivered, "dry_run": args.dry_run, "resumed": resumed,
               "skipped": run.skipped, "examples": run.examples}  # fmt: skip
    if args.json:
        print_json(summary)
        return
    verb = "would change" if args.dry_run else "changed"
    say(
        f"{counts['records']} records of {counts['devices']} device(s): {verb} {counts['changed']}, "
        f"unchanged {counts['unchanged']}; decode_failed fixed {counts['fixed']}, newly failed {counts['now_failed']}"
    )
    if not args.dry_run:
        say(f"written {counts['written']}" + (f", expired meanwhile {counts['gone']}" if counts["gone"] else ""))
    if delivered is not None:
        say(f"queued {delivered} deliveries to the tenant's destinations (marked redecoded, new delivery ids)")
    for skipped in run.skipped:
        note(f"{skipped['serial']} skipped: {skipped['reason']}")
    if run.pacer and run.pacer.waited:
        note(f"paced to {run.pacer.rate} write units/s (waited {run.pacer.waited:.1f} s)")
