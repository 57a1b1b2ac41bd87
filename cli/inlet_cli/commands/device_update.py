"""``inlet devices update SERIAL... --tenant T``: change stored devices' connector, parameters, name or encoding.

Only what is given changes; a device the tenant does not have is reported and the others are still updated. The
deployed function sees the change as it sees any device change: when its cache of that device expires.
"""

from __future__ import annotations

import argparse

from inlet_cli.commands import add_tenant, checked_tenant, target_of
from inlet_cli.commands.device_connectors import checked_connector
from inlet_cli.commands.visibility import DEVICES_UPDATED, made_visible
from inlet_cli.device_changes import DeviceChange
from inlet_cli.device_params import NAME_PATTERN, parse_params
from inlet_cli.errors import CliError
from inlet_cli.output import print_json, say

ENCODINGS = {"hex": "hex", "base64": "base64", "lns": ""}  # lns: what the network server sends (the default)


def register(commands, common: argparse.ArgumentParser) -> None:
    update = commands.add_parser("update", parents=[common], help="change devices' connector, parameters or name")
    update.add_argument("serials", nargs="+", metavar="SERIAL")
    add_tenant(update)
    update.add_argument("--connector", metavar="NAME[@VERSION]", help="the connector that decodes their uplinks")
    update.add_argument("--name", help="a label for people")
    update.add_argument("--payload-encoding", choices=tuple(ENCODINGS), help="lns: what the network server sends")
    update.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="set a device.params entry (repeat)"
    )
    update.add_argument(
        "--unset-param", action="append", default=[], metavar="NAME", help="remove a device.params entry (repeat)"
    )
    update.set_defaults(run=update_devices)


def update_devices(args: argparse.Namespace) -> int:
    from inlet_cli.commands.devices import canonical_serials

    tenant = checked_tenant(args.tenant)
    serials = canonical_serials(args.serials)
    target = target_of(args)
    change = change_of(args, target)
    store = target.device_store()
    updated, missing = [], []
    for serial in serials:
        device = store.get(tenant, serial)
        if device is None or not store.replace(checked(change, device)):
            missing.append(serial)
        else:
            updated.append(serial)
    if updated:
        made_visible(target, DEVICES_UPDATED, args.json)
    if args.json:
        print_json({"tenant": tenant, "updated": updated, "not_found": missing})
    else:
        for serial in updated:
            say(f"updated {serial}")
    if missing:
        raise CliError(f"tenant {tenant} has no device {', '.join(missing)} (see `inlet devices add`)")
    return 0


def change_of(args: argparse.Namespace, target) -> DeviceChange:
    try:
        params = parse_params(args.param)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    for name in args.unset_param:
        if not NAME_PATTERN.match(name):
            raise CliError(f"--unset-param {name!r} is not a parameter name")
        if name in params:
            raise CliError(f"parameter {name} is both set and unset")
    connector = None if args.connector is None else checked_connector(target, args.connector, args.json)
    encoding = None if args.payload_encoding is None else ENCODINGS[args.payload_encoding]
    change = DeviceChange(connector, args.name, encoding, params, tuple(args.unset_param))
    if change.is_empty():
        raise CliError("nothing to change: give --connector, --param, --unset-param, --name or --payload-encoding")
    return change


def checked(change: DeviceChange, device):
    try:
        return change.applied(device)
    except ValueError as exc:
        raise CliError(f"{device.serial}: {exc}") from None
