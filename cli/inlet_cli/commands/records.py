"""``inlet records``: a device's latest uplinks as stored, ``--follow`` (the live inspector), and exports of a time
range (``--since``/``--until``) for one device or all of a tenant's devices (``--all``) as a table, JSON, JSON lines
or CSV, streamed page by page from DynamoDB."""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from inlet.adapters.records import RecordStore
from inlet.core.values import format_time
from rich.text import Text

from inlet_cli.commands import add_tenant, checked_serial, checked_tenant, target_of
from inlet_cli.commands.record_export import FORMATS, with_progress, write_records
from inlet_cli.commands.time_range import time_range
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json, print_table, stdout

POLL_SECONDS = 1.0
POLL_LIMIT = 100
# A request that started earlier may finish (and commit its records) a little later than a newer one, and a single
# network-server uplink sorts by that server's time, which a late delivery puts in the past: each poll looks back
# this far and skips what was already shown, instead of trusting "newer than the newest seen" alone.
LOOKBACK = timedelta(minutes=2)
DEFAULT_LIMIT = 10


def register(groups, common: argparse.ArgumentParser) -> None:
    records = groups.add_parser(
        "records", parents=[common], help="show a device's latest uplinks, or export a time range (one device or all)"
    )
    records.add_argument("serial", metavar="SERIAL", nargs="?", help="the device; required unless --all")
    add_tenant(records)
    records.add_argument("--all", action="store_true", help="every device of the tenant, one after the other")
    records.add_argument("--since", metavar="TIME", help="received at or after: ISO 8601, or an age (30m, 2h, 7d)")
    records.add_argument("--until", metavar="TIME", help="received before (default: now); same forms as --since")
    records.add_argument("--format", choices=FORMATS, help="table (default), json, jsonl or csv (--json: json)")
    records.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help=f"how many: latest mode 1-1000 (default {DEFAULT_LIMIT}), a range: all by default",
    )
    records.add_argument("--follow", "-f", action="store_true", help="keep printing new uplinks until Ctrl-C")
    records.add_argument("--events", action="store_true", help="the device's events (status, location…) instead")
    records.set_defaults(run=show_records)


def show_records(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    fmt = output_format(args)
    ranged = bool(args.since or args.until)
    check_combination(args, fmt, ranged)
    serial = None if args.all else checked_serial(args.serial)
    since, until = time_range(args.since, args.until, datetime.now(UTC)) if ranged else ("", "")
    target = target_of(args)
    serials = [d.serial for d in target.device_store().list(tenant)] if args.all else [serial]
    store = target.record_store()
    if args.follow:
        return follow(store, tenant, serial, store.latest(tenant, serial, args.limit or DEFAULT_LIMIT), fmt != "table")
    if ranged:
        records = with_progress(serials, lambda s: store.between(tenant, s, since, until, events=args.events))
        records = itertools.islice(records, args.limit) if args.limit else records
    else:
        limit = args.limit or DEFAULT_LIMIT
        records = (r for s in serials for r in store.latest(tenant, s, limit, events=args.events))
        if not args.all and fmt == "table":
            return latest_table(list(records), serial, args.events)
    if not write_records(records, fmt, args.events, summary) and fmt == "table":
        kind = "events" if args.events else "records"
        note(f"no {kind} between {since} and {until}" if ranged else f"no {kind}")
    return 0


def output_format(args: argparse.Namespace) -> str:
    if args.json and args.format not in (None, "json"):
        raise CliError(f"--json prints JSON: use --format {args.format} without --json")
    return "json" if args.json else args.format or "table"


def check_combination(args: argparse.Namespace, fmt: str, ranged: bool) -> None:
    if args.all == bool(args.serial):
        raise CliError("name one device (SERIAL) or pass --all for every device of the tenant")
    if args.limit is not None and not ranged and not 1 <= args.limit <= 1000:
        raise CliError("--limit must be between 1 and 1000")
    if args.limit is not None and args.limit < 1:
        raise CliError("--limit must be at least 1")
    if args.follow and (args.events or args.all or ranged or fmt == "csv"):
        raise CliError(
            "--follow shows one device's new uplinks: use it without --events, --all, --since, --until or csv"
        )


def latest_table(latest: list[dict], serial: str, events: bool) -> int:
    if events:
        rows = ((r.get("received_at"), r.get("event"), r.get("format"), summary(r), r.get("id")) for r in latest)
        columns = ("received", "event", "network", "variables", "id")
        print_table(columns, rows, empty=f"no events of {serial}", whole=("received",))
        return 0
    rows = (
        (r.get("received_at"), r.get("time"), r.get("port"), r.get("payload"), summary(r), r.get("id")) for r in latest
    )
    columns = ("received", "time", "port", "payload", "variables", "id")
    print_table(columns, rows, empty=f"no records of {serial}", whole=("received",))
    return 0


def follow(store: RecordStore, tenant: str, serial: str, latest: list[dict], as_json: bool) -> int:
    """Print the latest records oldest first, then every new one as it arrives, until Ctrl-C."""
    seen = {r["sk"] for r in latest}
    emit(reversed(latest), as_json)
    note(f"following {tenant}/{serial}: new uplinks appear below, Ctrl-C stops")
    newest = latest[0]["sk"] if latest else ""
    try:
        while True:
            pause()
            after = lookback(newest) if newest else None
            fresh = [r for r in store.latest(tenant, serial, POLL_LIMIT, after_sk=after) if r["sk"] not in seen]
            if not fresh:
                continue
            emit(reversed(fresh), as_json)
            seen.update(r["sk"] for r in fresh)
            newest = max(newest, fresh[0]["sk"])
            seen = {sk for sk in seen if sk >= lookback(newest)}  # older ones can no longer come back
    except KeyboardInterrupt:
        return 0


def pause() -> None:
    time.sleep(POLL_SECONDS)


def lookback(sk: str) -> str:
    """The sort key ``LOOKBACK`` before the one given (sort keys start with the record's ISO receive time)."""
    received = datetime.fromisoformat(sk.split("#", 1)[0].replace("Z", "+00:00"))
    return format_time(received - LOOKBACK)


def emit(records: Iterable[dict], as_json: bool) -> None:
    console = stdout()
    for record in records:
        if as_json:
            print_json(record, indent=None)  # one JSON object a line (NDJSON), ready for jq
            continue
        head = f"  port {record.get('port')}  payload {record.get('payload')}  "
        console.print(Text.assemble((str(record.get("received_at")), "bold"), head, (str(record.get("id")), "dim")))
        if record.get("variables"):
            console.print(Text("    " + summary(record, width=200)))


def summary(record: dict, width: int = 60) -> str:
    """``name=value`` of the record's variables, cut to ``width`` characters."""
    text = ", ".join(f"{v.get('variable')}={v.get('value')}" for v in record.get("variables") or [])
    return text if len(text) <= width else text[: width - 1] + "…"
