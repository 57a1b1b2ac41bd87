"""What a command uses when its command line does not say: the tenant and the target (the stack it acts on).

Each setting is taken from the first of these that gives it:

1. the command line: ``--tenant``, ``--local`` / ``--stack NAME``;
2. the environment: ``INLET_TENANT``, ``INLET_TARGET``;
3. the profile: ``--profile NAME``, else ``INLET_PROFILE``, else the config file's ``profile``, names a
   ``[profiles.NAME]`` table of the config file;
4. the config file's own ``tenant`` and ``target`` (``inlet config set tenant demo``);
5. for the target only: the table names of the environment (``KEYS_PATH``...) when set, else the local stack when one
   is running here (after ``make run``), else the environment's names all the same (their errors say what to set).

A target is written ``local``, ``stack:NAME`` or ``env``. The config file is ``$INLET_CONFIG``, else
``$XDG_CONFIG_HOME/inlet/config.toml`` (``~/.config/inlet/config.toml``): TOML, written by ``inlet config``.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from inlet.core.keys import tenant_problem

from inlet_cli.errors import CliError
from inlet_cli.local import env as local_env

CONFIG_ENV = "INLET_CONFIG"
ENV = {"tenant": "INLET_TENANT", "target": "INLET_TARGET", "profile": "INLET_PROFILE"}
NAMES = ("tenant", "target")  # what a profile holds
TABLE_ENV = ("KEYS_PATH", "DEVICES_TABLE", "RECORDS_TABLE")
TARGET_FORMS = "local, stack:NAME or env"


@dataclass(frozen=True)
class Setting:
    value: str | None
    source: str  # where it came from, as `inlet config show` says it


class Chosen:
    """The ``--profile`` of the running command (``main`` sets it once the command line is parsed)."""

    profile: str | None = None


def choose_profile(name: str | None) -> None:
    Chosen.profile = name or None


def config_path() -> Path:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "inlet" / "config.toml"


def read_config(path: Path | None = None) -> dict:
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CliError(f"cannot read the config file {path}: {exc}") from None
    return data


def write_config(data: dict, path: Path | None = None) -> Path:
    """Top-level strings, then one ``[profiles.NAME]`` table each (the only shapes ``inlet config`` writes)."""
    path = path or config_path()
    lines = ["# Inlet's CLI settings, written by `inlet config set` (see `inlet config show`)"]
    lines += [f"{name} = {json.dumps(value)}" for name, value in data.items() if isinstance(value, str)]
    for profile, values in sorted((data.get("profiles") or {}).items()):
        lines += ["", f"[profiles.{json.dumps(profile)}]"]
        lines += [f"{name} = {json.dumps(value)}" for name, value in values.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def profile_setting(config: dict) -> Setting:
    if Chosen.profile:
        return Setting(Chosen.profile, "--profile")
    if os.environ.get(ENV["profile"]):
        return Setting(os.environ[ENV["profile"]], ENV["profile"])
    if config.get("profile"):
        return Setting(config["profile"], f"the config file ({config_path()})")
    return Setting(None, "none")


def setting(name: str, config: dict | None = None) -> Setting:
    """``name`` ("tenant" or "target") from the environment, the profile or the config file; ``Setting(None)``
    when none of them gives it (the command line is the caller's to check first)."""
    config = read_config() if config is None else config
    if os.environ.get(ENV[name]):
        return Setting(os.environ[ENV[name]], ENV[name])
    profile = profile_setting(config).value
    if profile:
        profiles = config.get("profiles") or {}
        if profile not in profiles:
            known = ", ".join(sorted(profiles)) or "none yet"
            raise CliError(f"no profile {profile!r} in {config_path()} (profiles: {known})")
        if profiles[profile].get(name):
            return Setting(profiles[profile][name], f"profile {profile!r}")
    if config.get(name):
        return Setting(config[name], f"the config file ({config_path()})")
    if name == "target":
        return default_target()
    return Setting(None, "not set")


def default_target() -> Setting:
    if any(os.environ.get(name) for name in TABLE_ENV):
        return Setting("env", "the environment's table names")
    if local_stack_running():
        return Setting("local", "the local stack running here (make run)")
    return Setting("env", "nothing configured")


def local_stack_running() -> bool:
    path = local_env.state_dir() / local_env.STATE_FILE
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    pid = state.get("pid")
    return state.get("emulator") != "moto" or (bool(pid) and process_alive(int(pid)))


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


def parse_target(text: str) -> tuple[str, str | None]:
    """``("local", None)``, ``("stack", NAME)`` or ``("env", None)``."""
    value = text.strip()
    if value in ("local", "env"):
        return value, None
    if value.startswith("stack:") and value[len("stack:") :].strip():
        return "stack", value[len("stack:") :].strip()
    raise CliError(f"a target is {TARGET_FORMS}, got {text!r}")


def tenant(given: str | None) -> str:
    """The tenant of a command: ``--tenant``, else the settings'; checked against the tenant rule either way."""
    if given is None:
        found = setting("tenant")
        if not found.value:
            raise CliError("which tenant? pass --tenant NAME, set INLET_TENANT, or `inlet config set tenant NAME` once")
        given, source = found.value, found.source
    else:
        source = "--tenant"
    problem = tenant_problem(given)
    if problem:
        raise CliError(f"{problem} (from {source})")
    return given
