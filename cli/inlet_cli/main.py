"""``inlet``: administer keys, devices, connectors and records, try decoders, and run the endpoint locally.

Every command that reads or writes data takes ``--local`` (the stack of ``inlet local run``), ``--stack NAME``
(a deployed stack's Outputs) or, without either, the configured target (``settings``: INLET_TARGET, a profile,
``inlet config set target``), else the names in KEYS_PATH / DEVICES_TABLE / RECORDS_TABLE, else the running local
stack.
"""

from __future__ import annotations

import argparse
import sys

from inlet_cli import output, settings
from inlet_cli.command_guide import DESCRIPTIONS
from inlet_cli.commands import (
    check,
    config,
    connectors,
    decode,
    devices,
    edge,
    inspect,
    keys,
    local,
    records,
    redecode,
    replay,
)
from inlet_cli.errors import EXPECTED, explain, without_keys


class Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, like every other error of the CLI (argparse quotes the arguments)."""

    def error(self, message: str):
        sys.stderr.write(f"inlet: error: {without_keys(message)} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def common_options() -> argparse.ArgumentParser:
    """The options every data command accepts after its own arguments."""
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help="act on the stack started by `inlet local run`")
    where.add_argument("--stack", metavar="NAME", help="act on a deployed stack (reads its CloudFormation Outputs)")
    common.add_argument(
        "--profile", metavar="NAME", help="take the tenant and target of this profile (`inlet config`) by default"
    )
    common.add_argument("--json", action="store_true", help="print JSON (for scripts)")
    common.add_argument("--tsv", action="store_true", help="print tables as tab-separated values (a header line first)")
    return common


def build_parser() -> Parser:
    parser = Parser(prog="inlet", description="Inlet: a self-hosted Generic HTTPS Endpoint for IoT uplinks.")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    common = common_options()
    for module in (keys, devices, connectors, decode, records, redecode, inspect, replay, local, config, check, edge):
        module.register(groups, common)
    describe(parser)
    return parser


def describe(parser: argparse.ArgumentParser) -> None:
    """Each command's longer description (``command_guide``), for its --help and the CLI reference."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.description = sub.description or DESCRIPTIONS.get(sub.prog)
                describe(sub)


def main(argv: list[str] | None = None) -> int:
    argv = joined_commands(sys.argv[1:] if argv is None else list(argv))
    args = build_parser().parse_args(argv)
    settings.choose_profile(getattr(args, "profile", None))
    output.choose(tsv=getattr(args, "tsv", False))
    try:
        return args.run(args) or 0
    except KeyboardInterrupt:
        return 130
    except EXPECTED as exc:
        sys.stderr.write(f"inlet: error: {without_keys(explain(exc))}\n")
        return 1


def joined_commands(argv: list[str]) -> list[str]:
    """``records redecode`` is one command whose name has a space: ``records`` takes a SERIAL as its argument."""
    if argv[:2] == ["records", "redecode"]:
        return [redecode.COMMAND, *argv[2:]]
    return argv


if __name__ == "__main__":
    sys.exit(main())
