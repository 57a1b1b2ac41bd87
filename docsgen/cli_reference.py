"""The CLI reference, rendered from the CLI's own argparse parser (``inlet_cli.main.build_parser``).

Every command, its usage line and every option with its help, choices, default and whether it is required come from
the parser, so the page changes when the CLI does; ``tests/unit/test_docs_generated.py`` checks that each command
and option appears.
"""

from __future__ import annotations

import argparse

WIDTH = 100  # usage lines are wrapped at a fixed width, whatever the terminal that builds the site


def render(parser: argparse.ArgumentParser | None = None) -> str:
    if parser is None:
        from inlet_cli.main import build_parser

        parser = build_parser()
    return "\n".join(_sections(parser, heading=2)).rstrip() + "\n"


def commands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser, str]]:
    """``(full name, parser, help)`` of every command and group below ``parser``, depth first."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                found.append((sub.prog, sub, helps.get(name, "")))
                found.extend(commands(sub))
    return found


def _sections(parser: argparse.ArgumentParser, heading: int) -> list[str]:
    lines = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
        for name, sub in action.choices.items():
            lines += [f"{'#' * heading} `{sub.prog}`", ""]
            text = sub.description or helps.get(name, "")
            if text:
                lines += [_sentence(text), ""]
            if has_subcommands(sub):
                lines += _sections(sub, heading + 1)
            else:
                lines += _command(sub)
    return lines


def has_subcommands(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def _command(parser: argparse.ArgumentParser) -> list[str]:
    formatter = argparse.HelpFormatter(parser.prog, width=WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, prefix="")
    lines = ["```", formatter.format_help().strip(), "```", ""]
    rows = [_row(parser, action) for action in parser._actions if not isinstance(action, argparse._HelpAction)]
    if rows:
        lines += ["| argument | what it is |", "|---|---|", *rows, ""]
    if parser.epilog:
        lines += [parser.epilog.strip(), ""]
    return lines


def _row(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    name = ", ".join(f"`{s}`" for s in action.option_strings) or f"`{action.metavar or action.dest}`"
    if action.option_strings and action.nargs != 0 and action.choices is None:
        name += f" `{_metavar(action)}`"
    notes = []
    if action.choices is not None:
        notes.append("one of " + ", ".join(f"`{c}`" for c in action.choices))
    if action.required and action.option_strings:
        notes.append("required")
    group, required = _exclusive_with(parser, action)
    if group:
        others = ", ".join(f"`{s}`" for s in group)
        notes.append(f"required, or {others} instead" if required else f"not with {others}")
    default = action.default
    shown = action.option_strings and action.nargs != 0 and "default" not in (action.help or "")
    if shown and default not in (None, False, "", [], argparse.SUPPRESS):
        notes.append(f"default `{default}`")
    text = _escape(action.help or "")
    if notes:
        text = f"{text} ({'; '.join(notes)})" if text else "; ".join(notes)
    return f"| {_escape(name)} | {text} |"


def _metavar(action: argparse.Action) -> str:
    if action.metavar:
        return action.metavar if isinstance(action.metavar, str) else " ".join(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(str(c) for c in action.choices) + "}"
    return action.dest.upper()


def _exclusive_with(parser: argparse.ArgumentParser, action: argparse.Action) -> tuple[list[str], bool]:
    """The options that exclude ``action``, and whether one of them all is required."""
    for group in parser._mutually_exclusive_groups:
        if action in group._group_actions:
            others = [o for a in group._group_actions if a is not action for o in a.option_strings[:1] or [a.dest]]
            return others, group.required
    return [], False


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("%%", "%")


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith((".", ":", ")")) else ".")
