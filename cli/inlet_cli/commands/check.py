"""``inlet check``: after `sam deploy` and after every upgrade, one uplink through the stack's public endpoint and
back, and the deployment's own state; each step with its time, the first failure with what to do (exit 1)."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from inlet_cli.commands import target_of
from inlet_cli.errors import CliError, without_keys
from inlet_cli.output import print_json
from inlet_cli.stack_check import StackCheck, Step

MARKS = {"passed": "ok  ", "failed": "FAIL", "not applicable": "n/a "}


def register(groups, common: argparse.ArgumentParser) -> None:
    check = groups.add_parser(
        "check",
        parents=[common],
        help="check a stack end to end (throwaway tenant, key and device; removed afterwards)",
        description="POST one uplink to the stack's public endpoint, read it back, send it again (a replay), check "
        "that the live alias is on the latest version and both functions run the same layer, then remove what the "
        "check created. Exit status 1 on the first failure.",
    )
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    if not (args.local or args.stack):
        raise CliError("say which stack to check: --stack NAME (a deployed one) or --local")
    target = target_of(args)
    check = StackCheck(target)
    steps = check.run(report=(lambda _step: None) if args.json else _show)
    failed = [s for s in steps if s.outcome == "failed"]
    if args.json:
        made = {"tenant": check.tenant, "serial": check.serial}
        print_json({"target": target.source, "passed": not failed, **made, "steps": [asdict(s) for s in steps]})
    elif failed:
        first = failed[0]
        _line(f"\nFAILED: {first.name}\n  saw: {first.detail}\n  to do: {first.todo}")
    else:
        _line(f"\n{target.source}: every applicable step passed.")
    return 1 if failed else 0


def _show(step: Step) -> None:
    detail = f": {step.detail}" if step.detail else ""
    _line(f"{MARKS[step.outcome]} {step.name} ({step.seconds * 1000:.0f} ms){detail}")


def _line(text: str) -> None:
    """One line per step, unwrapped (a terminal folds it; a log keeps it whole), as it happens."""
    print(without_keys(text), flush=True)
