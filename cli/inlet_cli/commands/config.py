"""``inlet config show | set | unset``: the defaults a command takes when its command line does not say (the
tenant, the target, the profile), kept in a small TOML file; ``settings`` says where each value is looked for."""

from __future__ import annotations

import argparse

from inlet_cli import settings
from inlet_cli.commands import checked_tenant
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json, print_table

SETTABLE = ("tenant", "target", "profile")


def register(groups, common: argparse.ArgumentParser) -> None:
    group = groups.add_parser(
        "config",
        help="defaults for --tenant and the target (--local / --stack), and named profiles",
        description=(
            "Defaults for every command: the tenant and the target (`local`, `stack:NAME` or `env`), from "
            "INLET_TENANT / INLET_TARGET, a profile (--profile, INLET_PROFILE or the config file's `profile`) or "
            "the config file ($INLET_CONFIG, else ~/.config/inlet/config.toml). The command line always wins. "
            "With no target configured, the table names of the environment (KEYS_PATH...) are used when set, "
            "else the local stack when one is running here (after `make run`)."
        ),
    )
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")

    show = commands.add_parser("show", help="the tenant, target and profile in effect, and where each comes from")
    show.add_argument("--profile", metavar="NAME", help="as a command given --profile NAME would see them")
    show.add_argument("--json", action="store_true", help="print JSON (for scripts)")
    show.set_defaults(run=show_settings)

    put = commands.add_parser("set", help="remember a default in the config file")
    put.add_argument("name", choices=SETTABLE, help="tenant, target (local, stack:NAME, env) or profile (its name)")
    put.add_argument("value", help="the value; checked as the commands check it")
    put.add_argument("--in-profile", metavar="NAME", help="set it in this profile (created if new), not at the top")
    put.set_defaults(run=set_setting)

    unset = commands.add_parser("unset", help="forget a default of the config file")
    unset.add_argument("name", choices=SETTABLE)
    unset.add_argument("--in-profile", metavar="NAME", help="in this profile, not at the top")
    unset.set_defaults(run=unset_setting)


def show_settings(args: argparse.Namespace) -> int:
    settings.choose_profile(args.profile)
    config = settings.read_config()
    profile = settings.profile_setting(config)
    found = {"tenant": settings.setting("tenant", config), "target": settings.setting("target", config)}
    rows = [("profile", profile.value, profile.source)] + [(n, s.value, s.source) for n, s in found.items()]
    if args.json:
        shown = {name: {"value": value, "source": source} for name, value, source in rows}
        profiles = sorted(config.get("profiles") or {})
        print_json({**shown, "config_file": str(settings.config_path()), "profiles": profiles})
        return 0
    print_table(("setting", "value", "from"), rows)
    note(f"config file: {settings.config_path()}; profiles: {', '.join(sorted(config.get('profiles') or {})) or '-'}")
    return 0


def set_setting(args: argparse.Namespace) -> int:
    value = _checked(args.name, args.value)
    config = settings.read_config()
    if args.name == "profile":
        if args.in_profile:
            raise CliError("a profile cannot name another profile: `inlet config set profile NAME` alone")
        known = config.get("profiles") or {}
        if value not in known:
            raise CliError(
                f"no profile {value!r} (profiles: {', '.join(sorted(known)) or 'none yet'}): "
                f"`inlet config set target ... --in-profile {value}` creates it"
            )
    _place(config, args.in_profile)[args.name] = value
    path = settings.write_config(config)
    where = f"profile {args.in_profile!r}" if args.in_profile else "the defaults"
    note(f"{args.name} = {value} in {where} ({path})")
    return 0


def unset_setting(args: argparse.Namespace) -> int:
    config = settings.read_config()
    if args.in_profile and args.in_profile not in (config.get("profiles") or {}):
        raise CliError(f"no profile {args.in_profile!r} in {settings.config_path()}")
    _place(config, args.in_profile).pop(args.name, None)
    note(f"{args.name} unset ({settings.write_config(config)})")
    return 0


def _checked(name: str, value: str) -> str:
    if name == "tenant":
        return checked_tenant(value)
    if name == "target":
        kind, stack = settings.parse_target(value)
        return f"stack:{stack}" if kind == "stack" else kind
    if not value.strip():
        raise CliError("a profile needs a name")
    return value.strip()


def _place(config: dict, profile: str | None) -> dict:
    return config.setdefault("profiles", {}).setdefault(profile, {}) if profile else config
