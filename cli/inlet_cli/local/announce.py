"""The lines ``inlet local run`` prints once the stack is ready (stdout; the access log goes to stderr)."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from inlet_cli.local import env as local_env
from inlet_cli.local import persistence
from inlet_cli.local.stack import LocalAws

SAMPLE_BODY = '{"serial":"AA-BB-01","payload":"0011aa","port":10}'


def announce(url: str, aws: LocalAws, key_file: Path) -> None:
    """What `make run` prints once it is ready: where it listens, the emulator and where its data is kept, the demo
    data, and two commands to try."""
    key_path = shlex.quote(_shown(key_file))
    state = os.environ.get(local_env.STATE_DIR_ENV)
    prefix = f"{local_env.STATE_DIR_ENV}={shlex.quote(state)} " if state else ""
    kept = f"data kept in {_shown(local_env.state_dir() / persistence.DATA_DIR)}; `make run RESET=1` starts afresh"
    emulator = {"moto": f"moto in this process at {aws.endpoint_url} ({kept})"}.get(
        aws.emulator, f"{aws.endpoint_url} (AWS_ENDPOINT_URL)"
    )
    lines = [
        f"Inlet listening on {url}",
        f"  AWS emulator: {emulator}",
        f"  tenant demo, devices {', '.join(local_env.DEMO_DEVICES)} (at the first start)",
        f"  demo key in {_shown(key_file)} (mode 0600; it is never printed)",
        "",
        "Send an uplink:",
        f'  curl -sS -X POST "{url}" -H "Authorization: $(cat {key_path})" '
        f"-H \"Content-Type: application/json\" -d '{SAMPLE_BODY}'",
        "Watch uplinks arrive:",
        f"  {prefix}{_inlet_command()} records AA-BB-01 --tenant demo --local --follow",
        "",
        "Ctrl-C stops.",
    ]
    print("\n".join(lines), flush=True)


def _inlet_command() -> str:
    """``inlet`` when it is on PATH, else the script beside this Python (``.venv/bin/inlet`` under `make run`)."""
    script = Path(sys.executable).parent / "inlet"
    return _shown(script) if not shutil.which("inlet") and script.exists() else "inlet"


def _shown(path: Path) -> str:
    """The path relative to the working directory when it is inside it (shorter to copy)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path.resolve())
