"""``inlet replay list | run``: TagoIO deliveries kept in the dead-letter queue, and sending them again.

A delivery lands there when TagoIO refused it for good (a 4xx other than 429: the reason is shown), when its device or
key disappeared, or when it was retried ``maxReceiveCount`` times. Fix the cause (create the device in TagoIO,
correct the key's settings), then ``inlet replay run``: the worker checks TagoIO before posting, so a delivery that
did arrive after all is not stored twice.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from inlet.core.values import format_time
from inlet.destinations.tagoio.claims import KEEPS, REGROUPS, DeliveryClaims
from inlet.destinations.tagoio.delivery import Delivery

from inlet_cli.commands import checked_serial, target_of
from inlet_cli.dead_letters import DeadLetters, Parked
from inlet_cli.errors import CliError, without_keys
from inlet_cli.output import note, print_json, print_table, say


def register(groups, common: argparse.ArgumentParser) -> None:
    group = groups.add_parser("replay", help="list and replay TagoIO deliveries kept in the dead-letter queue")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", parents=[common], help="show the kept deliveries and why")
    listing.set_defaults(run=list_kept)

    run = commands.add_parser("run", parents=[common], help="send kept deliveries back to the delivery queue")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every kept delivery")
    which.add_argument(
        "ids",
        nargs="*",
        default=[],
        metavar="ID",
        help="message ids shown by `inlet replay list`; required unless --all",
    )
    run.set_defaults(run=run_replay)

    devices = commands.add_parser(
        "devices", parents=[common], help="whether TagoIO keeps each device's groups (the duplicate check's basis)"
    )
    devices.add_argument("serials", nargs="+", metavar="SERIAL")
    devices.add_argument("--key", required=True, metavar="KEY_ID", help="the TagoIO key's id (`inlet keys list`)")
    devices.set_defaults(run=show_group_checks)


def summary(parked: Parked) -> dict:
    try:
        delivery = Delivery.from_body(parked.body)
    except ValueError:
        return {"id": parked.id, "reason": parked.reason, "failed_at": parked.failed_at, "replays": parked.replays}
    return {
        "id": parked.id,
        "reason": parked.reason,
        "failed_at": parked.failed_at,
        "replays": parked.replays,
        "key_id": delivery.key_hash[:16],
        "serial": delivery.serial,
        "group": delivery.group,
        "part": f"{delivery.part + 1}/{delivery.parts}",
        "records": len(delivery.records),
        "received_at": delivery.received_at,
    }


def list_kept(args: argparse.Namespace) -> int:
    target = target_of(args)
    letters = DeadLetters(target.client("sqs"), target.require("dead_letter_queue_url"))
    parked = letters.peek()
    letters.release(parked)  # listing consumes nothing
    rows = [summary(p) for p in parked]
    if args.json:
        print_json(rows)
        return 0
    columns = ("id", "serial", "group", "records", "reason", "failed_at", "replays")
    print_table(columns, ([row.get(c) for c in columns] for row in rows), empty="no kept deliveries")
    return 0


def run_replay(args: argparse.Namespace) -> int:
    if not args.all and not args.ids:
        raise CliError("name the deliveries to replay (ids from `inlet replay list`) or pass --all")
    target = target_of(args)
    letters = DeadLetters(target.client("sqs"), target.require("dead_letter_queue_url"))
    replayed = letters.replay(target.require("delivery_queue_url"), None if args.all else set(args.ids))
    missing = sorted(set(args.ids) - {p.id for p in replayed})
    if args.json:
        print_json({"replayed": [p.id for p in replayed], "not_found": [without_keys(m) for m in missing]})
    else:
        say(f"Replayed {len(replayed)} deliveries into the delivery queue.")
        if missing:
            note(without_keys(f"Not in the dead-letter queue (already replayed?): {', '.join(missing)}"))
    return 1 if missing else 0


# What each verdict means for the sender of the uplinks (docs/destinations.md: Forwarding to TagoIO, per device type).
GUARANTEES = {
    KEEPS: "exactly once: a lost answer is retried after the duplicate check",
    REGROUPS: "at most once: after a lost answer the delivery waits in `inlet replay list` (tagoio_unconfirmed)",
    "": "not checked yet (after its first confirmed post): treated as regroups",
}


def show_group_checks(args: argparse.Namespace) -> int:
    target = target_of(args)
    config = target.key_store().find(args.key)
    if config is None:
        raise CliError(f"no key with id {without_keys(args.key)!r}")
    claims = DeliveryClaims(target.require("dedup_table"), dynamodb=target.client("dynamodb"))
    rows = []
    for serial in (checked_serial(s) for s in args.serials):
        state = claims.device(config.key_hash, serial)
        verdict = state.get("group_check", "")
        checked = format_time(datetime.fromtimestamp(int(state["checked_at"]), UTC)) if "checked_at" in state else ""
        rows.append({"serial": serial, "group_check": verdict or None, "checked_at": checked or None,
                     "guarantee": GUARANTEES[verdict]})  # fmt: skip
    if args.json:
        print_json(rows)
        return 0
    columns = ("serial", "group_check", "checked_at", "guarantee")
    print_table(columns, ([row[c] for c in columns] for row in rows), empty="no devices")
    return 0
