"""``inlet devices list --unknown``: the serials a tenant's keys with ``--unknown-devices accept`` answered
``ignored`` / ``device_not_found`` for in the last days (``core.unknown_devices``), the most recently seen first,
with how many uplinks each sent and when last: the devices to register (``inlet devices add``)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from inlet.core.unknown_devices import TTL_DAYS
from inlet.core.values import format_time

from inlet_cli.commands.device_health import shown_age
from inlet_cli.output import note, print_json, print_table
from inlet_cli.targets import Target
from inlet_cli.unknown_devices import entries, summary


def list_unknown(target: Target, tenant: str, args: argparse.Namespace) -> int:
    logged = entries(target.client("dynamodb"), target.require("records_table"), tenant)
    known = {d.serial for d in target.device_store().list(tenant)}
    # a serial registered since it was last refused is not unknown any more
    lines = [line for line in summary(logged) if line.serial not in known]
    rows = [
        {
            "serial": line.serial,
            "last_seen": format_time(datetime.fromtimestamp(line.last_seen_ms / 1000, UTC)),
            "uplinks": line.uplinks,
            "key_id": line.key_id,
        }
        for line in lines
    ]
    if args.json:
        print_json(rows)
        return 0
    now = datetime.now(UTC)
    table = ((r["serial"], shown_age(r, now), r["last_seen"], r["uplinks"], r["key_id"]) for r in rows)
    empty = f"no unknown devices for tenant {tenant} in the last {TTL_DAYS} days"
    print_table(("serial", "last seen", "at", f"uplinks ({TTL_DAYS} d)", "key"), table, empty, whole=("serial", "at"))
    if rows:
        note(f"register them with `inlet devices add SERIAL... --tenant {tenant}`")
    return 0
