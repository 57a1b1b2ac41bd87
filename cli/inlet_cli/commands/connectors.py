"""``inlet connectors add | list | show | remove | test | diff``: the connectors devices name (ConnectorsTable).

A connector is a name with immutable versions 1, 2, ...: ``add`` stores the next one and never changes the others,
so a record's ``decoder.connector`` (``NAME@VERSION``) always names the exact code that decoded it. A device names
``NAME`` (it follows the latest version) or ``NAME@VERSION`` (it stays on that one).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inlet.adapters.connectors import ConnectorExists
from inlet.codecs import SCRIPT_KINDS, KindMismatch, script_kind
from inlet.core.decoding.references import (
    BUILTIN_VERSION,
    BUILTINS,
    Connector,
    InvalidReference,
    check_name,
    parse_reference,
)

from inlet_cli.commands import connector_diff, connector_examples, connector_remove, target_of
from inlet_cli.commands.decode import read_source
from inlet_cli.commands.visibility import LOCAL_AT_ONCE, made_visible
from inlet_cli.errors import CliError
from inlet_cli.local.env import now_iso
from inlet_cli.output import note, print_json, print_table, say

BUILTIN_KIND = "built-in"
LATEST_DELAY = (
    "Warm functions re-read a connector's latest version once a minute: devices that follow it use it from then on."
)


def register(groups, common: argparse.ArgumentParser) -> None:
    group = groups.add_parser("connectors", help="store, list, show and test the connectors that decode payloads")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = commands.add_parser("add", parents=[common], help="store a new version of a connector")
    add.add_argument("name", metavar="NAME", help="1-64 characters of a-z, 0-9, '.', '_', '-'")
    add.add_argument(
        "--file", required=True, metavar="FILE.js|FILE.ts", help="the script (TypeScript is transpiled once, here)"
    )
    add.add_argument(
        "--kind",
        choices=SCRIPT_KINDS,
        help="ts013 (TTN, ChirpStack) or tagoio (payload parser); default: told from the script, checked when given",
    )
    add.set_defaults(run=add_connector)

    listing = commands.add_parser("list", parents=[common], help="every connector and its latest version")
    listing.set_defaults(run=list_connectors)

    show = commands.add_parser("show", parents=[common], help="a connector's versions and the source of one")
    show.add_argument("reference", metavar="NAME[@VERSION]", help="without a version: the latest")
    show.add_argument(
        "--javascript", action="store_true", help="a TypeScript connector's JavaScript (default: the file as added)"
    )
    show.set_defaults(run=show_connector)

    connector_remove.register(commands, common)
    connector_diff.register(commands, common)

    test = commands.add_parser("test", parents=[common], help="run the examples of a TTN Device Repository codec")
    test.add_argument("file", metavar="FILE.yaml", help="a codec description (uplinkDecoder: fileName, examples)")
    test.set_defaults(run=connector_examples.test_examples)


def summary(connector: Connector) -> dict:
    return {
        "name": connector.name,
        "version": connector.version,
        "connector": connector.label,
        "kind": connector.kind,
        "created_at": connector.created_at,
        "bytes": len(connector.source.encode()),
        "language": "typescript" if connector.typescript else "javascript",
    }


def add_connector(args: argparse.Namespace) -> int:
    name = checked_name(args.name)
    source, typescript = read_source(Path(args.file))
    kind = kind_of(source, args.kind, args.file)
    connector_examples.check_compiles(kind, source, args.file)
    target = target_of(args)
    try:
        connector = target.connector_store().add(name, kind, source, now_iso(), typescript)
    except (ConnectorExists, ValueError) as exc:
        raise CliError(f"{name}: {exc}") from None
    made_visible(target, LATEST_DELAY, args.json, LOCAL_AT_ONCE)
    if args.json:
        print_json(summary(connector))
    else:
        language = ", transpiled from TypeScript" if typescript else ""
        say(f"stored {connector.label} ({connector.kind}{language}, {summary(connector)['bytes']} bytes)")
    return 0


def kind_of(source: str, given: str | None, shown: str) -> str:
    """The script's kind: told from it, or ``given`` once checked (a TagoIO parser is no ts013 codec)."""
    try:
        return script_kind(source, given)
    except KindMismatch as exc:
        raise CliError(f"{shown}: {exc}") from None


def checked_name(text: str) -> str:
    name = text.strip().lower()
    try:
        check_name(name)
    except InvalidReference as exc:
        raise CliError(str(exc)) from None
    if name in BUILTINS:
        raise CliError(f"{name} is a built-in connector: choose another name")
    return name


def list_connectors(args: argparse.Namespace) -> int:
    stored = [summary(c) for c in target_of(args).connector_store().latest_of_each()]
    rows = [*(builtin_summary(name) for name in sorted(BUILTINS)), *stored]
    if args.json:
        print_json(rows)
        return 0
    columns = ("name", "version", "kind", "created_at", "bytes")
    print_table(("name", "latest", "kind", "created", "bytes"), ([r.get(c) for c in columns] for r in rows))
    return 0


def show_connector(args: argparse.Namespace) -> int:
    try:
        ref = parse_reference(args.reference)
    except InvalidReference as exc:
        raise CliError(str(exc)) from None
    if ref.builtin:
        return _show_builtin(ref.name, ref.version, args.json)
    target = target_of(args)
    versions = target.connector_store().versions(ref.name)
    chosen = [c for c in versions if c.version == ref.version] if ref.version else versions[-1:]
    if not chosen:
        raise CliError(f"connector {ref} does not exist in {target.source} (see `inlet connectors list`)")
    connector = chosen[0]
    if args.json:
        listed = [summary(c) for c in versions]
        shown = {**summary(connector), "source": connector.source, "versions": listed}
        if connector.typescript:
            shown["typescript"] = connector.typescript
        print_json(shown)
        return 0
    # the file alone on stdout: `inlet connectors show NAME@2 > codec.js` (or .ts) gives back the file as added
    facts = summary(connector)
    note(f"{connector.label}: {connector.kind}, created {connector.created_at or '-'}, {facts['bytes']} bytes")
    note(f"versions: {', '.join(str(c.version) for c in versions)}")
    text = connector.typescript if connector.typescript and not args.javascript else connector.source
    if connector.typescript:
        shown = "the JavaScript it runs, transpiled from TypeScript" if args.javascript else "the TypeScript as added"
        note(f"{shown} (the other: {'without' if args.javascript else 'with'} --javascript)")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")  # as stored
    return 0


def builtin_summary(name: str) -> dict:
    return {"name": name, "version": BUILTIN_VERSION, "connector": f"{name}@{BUILTIN_VERSION}", "kind": BUILTIN_KIND}


def _show_builtin(name: str, version: int | None, as_json: bool) -> int:
    if version not in (None, BUILTIN_VERSION):
        raise CliError(f"{name} is built in and has only version {BUILTIN_VERSION}")
    if as_json:
        print_json(builtin_summary(name))
    else:
        say(f"{name}@{BUILTIN_VERSION} is built in (no script)")
    return 0
