"""``inlet records SERIAL --tenant T``: a device's latest uplinks as stored; ``--follow`` is the live inspector."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from inlet.adapters.records import RecordStore
from inlet.core.values import format_time
from rich.text import Text

from inlet_cli.commands import checked_serial, checked_tenant, target_of
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json, print_table, stdout

POLL_SECONDS = 1.0
POLL_LIMIT = 100
# A request that started earlier may finish (and commit its records) a little later than a newer one: each poll
# looks back this far and skips what was already shown, instead of trusting "newer than the newest seen" alone.
LOOKBACK = timedelta(seconds=5)


def register(groups, common: argparse.ArgumentParser) -> None:
    records = groups.add_parser("records", parents=[common], help="show a device's latest uplinks (newest first)")
    records.add_argument("serial", metavar="SERIAL")
    records.add_argument("--tenant", required=True)
    records.add_argument("--limit", type=int, default=10, help="how many (1-1000, default 10)")
    records.add_argument("--follow", "-f", action="store_true", help="keep printing new uplinks until Ctrl-C")
    records.add_argument("--events", action="store_true", help="the device's events (status, location…) instead")
    records.set_defaults(run=show_records)


def show_records(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    serial = checked_serial(args.serial)
    if not 1 <= args.limit <= 1000:
        raise CliError("--limit must be between 1 and 1000")
    if args.follow and args.events:
        raise CliError("--follow shows uplinks: use --events without --follow")
    store = target_of(args).record_store()
    latest = store.latest(tenant, serial, args.limit, events=args.events)
    if args.follow:
        return follow(store, tenant, serial, latest, args.json)
    if args.json:
        print_json(latest)
    elif args.events:
        rows = ((r.get("received_at"), r.get("event"), r.get("format"), summary(r), r.get("id")) for r in latest)
        columns = ("received", "event", "network", "variables", "id")
        print_table(columns, rows, empty=f"no events of {serial}", whole=("received",))
    else:
        rows = (
            (r.get("received_at"), r.get("time"), r.get("port"), r.get("payload"), summary(r), r.get("id"))
            for r in latest
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
