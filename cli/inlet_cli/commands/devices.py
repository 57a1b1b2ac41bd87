"""``inlet devices add | list | remove | import``: the devices a tenant's keys may write (DynamoDB DevicesTable)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import UTC, datetime

from inlet.adapters.devices import GENERIC_SENSOR, Device

from inlet_cli.commands import add_tenant, checked_serial, checked_tenant, device_import, device_update, target_of
from inlet_cli.commands.device_connectors import checked_connector
from inlet_cli.commands.device_health import health_of, shown_age, shown_count
from inlet_cli.commands.device_unknown import list_unknown
from inlet_cli.commands.visibility import DEVICES_ADDED, DEVICES_REMOVED, made_visible
from inlet_cli.device_params import parse_params
from inlet_cli.errors import CliError
from inlet_cli.local.env import now_iso
from inlet_cli.output import note, print_json, print_table, say

DEVICE_ENCODINGS = ("hex", "base64")


def register(groups, common: argparse.ArgumentParser) -> None:
    group = groups.add_parser("devices", help="add, update, list, remove and import devices")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = commands.add_parser("add", parents=[common], help="add devices (existing ones are left unchanged)")
    add.add_argument("serials", nargs="+", metavar="SERIAL")
    add_tenant(add)
    add.add_argument("--connector", default=GENERIC_SENSOR, metavar="NAME[@VERSION]", help=f"default: {GENERIC_SENSOR}")
    add.add_argument("--name", default="", help="a label for people")
    add.add_argument("--payload-encoding", choices=DEVICE_ENCODINGS, default="", help="default: what the LNS sends")
    add.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a payload parser's device.params (repeat)"
    )
    add.set_defaults(run=add_devices)

    device_update.register(commands, common)

    listing = commands.add_parser("list", parents=[common], help="list a tenant's devices and when each was heard")
    add_tenant(listing)
    listing.add_argument(
        "--no-health", action="store_true", help="skip last seen, 24 h count, RSSI/SNR (no record reads: large fleets)"
    )
    listing.add_argument(
        "--unknown",
        action="store_true",
        help="instead: the serials keys with --unknown-devices accept met, not registered (last 7 days)",
    )
    listing.set_defaults(run=list_devices)

    remove = commands.add_parser("remove", parents=[common], help="remove devices (their records stay)")
    remove.add_argument("serials", nargs="+", metavar="SERIAL")
    add_tenant(remove)
    remove.set_defaults(run=remove_devices)

    bulk = commands.add_parser("import", parents=[common], help="add the devices of a CSV file")
    bulk.add_argument("file", metavar="FILE.csv", help="header: serial[,name,connector,payload_encoding,params]")
    add_tenant(bulk)
    bulk.add_argument(
        "--update", action="store_true", help="rows of existing devices update them (their non-empty cells)"
    )
    bulk.set_defaults(run=device_import.import_devices)


def canonical_serials(values: list[str]) -> list[str]:
    """Serials as the endpoint stores them (trimmed, upper-case), without repeats; any invalid one is an error."""
    serials: list[str] = []
    for value in values:
        serial = checked_serial(value)
        if serial not in serials:
            serials.append(serial)
    return serials


def add_devices(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    serials = canonical_serials(args.serials)
    try:
        params = parse_params(args.param)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    target = target_of(args)
    connector = checked_connector(target, args.connector, args.json)
    store = target.device_store()
    added, existing = [], []
    for serial in serials:
        device = Device(tenant, serial, connector, args.name, now_iso(), args.payload_encoding, params)
        (added if store.add(device) else existing).append(serial)
    if added:
        made_visible(target, DEVICES_ADDED, args.json)
    if args.json:
        print_json({"tenant": tenant, "added": added, "existing": existing})
        return 0
    for serial in added:
        say(f"added {serial}")
    for serial in existing:
        note(f"{serial} already exists for tenant {tenant}: left unchanged (change it with `inlet devices update`)")
    return 0


def list_devices(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    if args.unknown:
        return list_unknown(target, tenant, args)
    devices = target.device_store().list(tenant)
    empty = f"tenant {tenant} has no devices"
    if args.no_health:
        return list_plain(devices, args.json, empty)
    if not target.records_table:  # a stack or environment that names no records table
        if not args.json:
            note(f"{target.source} names no records table: devices are listed without last seen, counts and signal")
        return list_plain(devices, args.json, empty)
    now = datetime.now(UTC)
    healths = health_of(target.record_store(), tenant, [d.serial for d in devices], now)
    if args.json:
        print_json([asdict(d) | health for d, health in zip(devices, healths, strict=True)])
        return 0
    rows = (
        (d.serial, d.name, d.connector, shown_age(h, now), shown_count(h), h["rssi"], h["snr"])
        for d, h in zip(devices, healths, strict=True)
    )
    print_table(("serial", "name", "connector", "last seen", "24 h", "rssi", "snr"), rows, empty, whole=("serial",))
    return 0


def list_plain(devices: list[Device], as_json: bool, empty: str) -> int:
    """The devices as stored, without reading their records."""
    if as_json:
        print_json([asdict(d) for d in devices])
        return 0
    rows = ((d.serial, d.name, d.connector, d.payload_encoding, d.created_at) for d in devices)
    print_table(("serial", "name", "connector", "payload", "created"), rows, empty, whole=("serial", "created"))
    return 0


def remove_devices(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    serials = canonical_serials(args.serials)
    target = target_of(args)
    store = target.device_store()
    removed, missing = [], []
    for serial in serials:
        (removed if store.remove(tenant, serial) else missing).append(serial)
    if removed:
        made_visible(target, DEVICES_REMOVED, args.json)
    if args.json:
        print_json({"tenant": tenant, "removed": removed, "not_found": missing})
    else:
        for serial in removed:
            say(f"removed {serial}")
    if missing:
        raise CliError(f"tenant {tenant} has no device {', '.join(missing)}")
    return 0
