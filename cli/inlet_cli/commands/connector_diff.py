"""``inlet connectors diff NAME@A NAME@B --tenant T --since 7d [--devices ...]``: two connector versions run on the
same stored uplinks, and what their outputs differ in (redecode/compare.py), before devices move from one to the
other. Nothing is written. The exit status is 1 when the outputs differ, so that a CI job can gate a rollout on it.

The uplinks are those of ``--devices``, or else of the tenant's devices that use the connector (any version).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from inlet.adapters.record_items import device_key
from inlet.core.decoding.references import parse_reference
from inlet.service.decoding import decode_with

from inlet_cli.commands import add_tenant, checked_serial, checked_tenant, target_of
from inlet_cli.commands.time_range import time_range
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json, print_table, say
from inlet_cli.redecode.compare import Comparison, flat
from inlet_cli.redecode.sources import connector_named
from inlet_cli.redecode.stored import pages, uplink_of

DIFFERENT = 1


def register(commands, common: argparse.ArgumentParser) -> None:
    diff = commands.add_parser("diff", parents=[common], help="compare two versions' outputs on stored uplinks")
    diff.add_argument("a", metavar="NAME@A", help="the version devices use now")
    diff.add_argument("b", metavar="NAME@B", help="the version to compare it with")
    add_tenant(diff)
    diff.add_argument("--since", required=True, metavar="TIME", help="received at or after: ISO 8601 or an age (7d)")
    diff.add_argument("--until", metavar="TIME", help="received before (default: now)")
    diff.add_argument("--devices", nargs="+", metavar="SERIAL", help="default: the tenant's devices using NAME")
    diff.add_argument("--examples", type=int, default=3, metavar="N", help="differing uplinks shown (default 3)")
    diff.set_defaults(run=diff_connectors)


def diff_connectors(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    a, b = connector_named(target, args.a), connector_named(target, args.b)
    since, until = time_range(args.since, args.until, datetime.now(UTC))
    serials = devices_of(target, tenant, args.devices, parse_reference(args.a).name)
    comparison = Comparison(max_examples=max(0, args.examples))
    devices = target.device_store()
    from inlet_cli.commands.decode import script_engine

    engine = script_engine()
    for serial in serials:
        device = devices.get(tenant, serial)
        for page in pages(target.client("dynamodb"), target.require("records_table"), device_key(tenant, serial),
                          since, until):  # fmt: skip
            uplinks = [(uplink_of(item, tenant, serial), device) for item in page]
            olds = decode_with(a, uplinks, engine=engine, keep_input=False)
            news = decode_with(b, uplinks, engine=engine, keep_input=False)
            for (uplink, _), old, new in zip(uplinks, olds, news, strict=True):
                comparison.add(uplink["id"], serial, flat(old), flat(new))
    show(comparison, a.label, b.label, len(serials), args.json)
    return DIFFERENT if comparison.differing else 0


def devices_of(target, tenant: str, given: list[str] | None, name: str) -> list[str]:
    if given:
        return list(dict.fromkeys(checked_serial(s) for s in given))
    using = sorted(d.serial for d in target.device_store().naming(name) if d.tenant == tenant)
    if not using:
        raise CliError(f"no device of tenant {tenant} uses {name}: name the devices to compare on (--devices)")
    return using


def show(comparison: Comparison, a: str, b: str, devices: int, as_json: bool) -> None:
    keys = {key: vars(count) for key, count in sorted(comparison.keys.items())}
    if as_json:
        print_json({"a": a, "b": b, "devices": devices, "uplinks": comparison.uplinks,
                    "differing": comparison.differing, "keys": keys, "examples": comparison.examples})  # fmt: skip
        return
    say(f"{a} vs {b}: {comparison.differing} of {comparison.uplinks} uplinks of {devices} device(s) differ")
    if not keys:
        return
    rows = ((key, c["added"] or "", c["removed"] or "", c["changed"] or "") for key, c in keys.items())
    print_table(("key", "added in B", "removed in B", "changed"), rows, "", whole=("key",))
    for example in comparison.examples:
        note(f"{example['serial']} {example['id']}:")
        for key, values in example["values"].items():
            note(f"  {key}: {values['a']!r} -> {values['b']!r}")
