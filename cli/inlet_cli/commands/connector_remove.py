"""``inlet connectors remove NAME[@VERSION]``: delete a connector's version (or all of them) that no device uses.

A device uses a version when it names it (``NAME@2``) or follows the latest (``NAME``) and that version is the
latest: removing it would move the device to another version, or leave it none. While devices use what is to be
removed, the command refuses and lists them; ``--force`` first moves them to the default connector
(``generic-sensor``: their payloads stored as sent), as ``inlet devices update --connector`` would.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from inlet.adapters.devices import GENERIC_SENSOR, Device
from inlet.core.decoding.references import InvalidReference, parse_reference

from inlet_cli.commands import target_of
from inlet_cli.commands.visibility import DEVICES_UPDATED, made_visible
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json, say

SHOWN = 20
REMOVED_DELAY = "Warm functions that already read a removed version keep it until they are recycled."


def register(commands, common: argparse.ArgumentParser) -> None:
    remove = commands.add_parser("remove", parents=[common], help="delete a connector version no device uses")
    remove.add_argument("reference", metavar="NAME[@VERSION]", help="without a version: every version")
    remove.add_argument("--force", action="store_true", help=f"move the devices that use it to {GENERIC_SENSOR} first")
    remove.set_defaults(run=remove_connector)


def remove_connector(args: argparse.Namespace) -> int:
    try:
        ref = parse_reference(args.reference)
    except InvalidReference as exc:
        raise CliError(str(exc)) from None
    if ref.builtin:
        raise CliError(f"{ref.name} is built in: it cannot be removed")
    target = target_of(args)
    versions = [c.version for c in target.connector_store().versions(ref.name)]
    if not versions or (ref.version is not None and ref.version not in versions):
        raise CliError(f"connector {ref} does not exist in {target.source} (see `inlet connectors list`)")
    doomed = [ref.version] if ref.version is not None else versions
    devices = target.device_store()
    users = [d for d in devices.naming(ref.name) if uses(d, doomed, max(versions))]
    if users and not args.force:
        raise CliError(refusal(str(ref), users))
    for device in users:
        devices.replace(replace(device, connector=GENERIC_SENSOR))
    target.connector_store().remove(ref.name, doomed)
    if users:
        made_visible(target, DEVICES_UPDATED, args.json)
    made_visible(target, REMOVED_DELAY, args.json)
    removed = [f"{ref.name}@{v}" for v in doomed]
    moved = [{"tenant": d.tenant, "serial": d.serial, "from": d.connector} for d in users]
    if args.json:
        print_json({"removed": removed, "moved": moved})
        return 0
    for device in users:
        note(f"{device.tenant}/{device.serial}: {device.connector} -> {GENERIC_SENSOR}")
    say(f"removed {', '.join(removed)}")
    return 0


def uses(device: Device, doomed: list[int], latest: int) -> bool:
    """Whether ``device`` decodes with one of the ``doomed`` versions (``latest``: the newest version now)."""
    try:
        named = parse_reference(device.connector)
    except InvalidReference:
        return False
    return (named.version if named.version is not None else latest) in doomed


def refusal(shown: str, users: list[Device]) -> str:
    listed = ", ".join(f"{d.tenant}/{d.serial} ({d.connector})" for d in users[:SHOWN])
    more = f" and {len(users) - SHOWN} more" if len(users) > SHOWN else ""
    return (
        f"{len(users)} device(s) use {shown}: {listed}{more}. Move them first (`inlet devices update SERIAL "
        f"--tenant T --connector OTHER`), or give --force to move them to {GENERIC_SENSOR}"
    )
