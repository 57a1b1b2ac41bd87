"""Make the layer, the CLI and the handler importable however the suite is started (make bench, a bare venv)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = [ROOT / "layers/common", ROOT / "cli", ROOT / "functions/uplink", ROOT]


def add_source_dirs() -> None:
    for path in reversed(SOURCE_DIRS):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The environment for a child Python: our sources on PYTHONPATH, dummy credentials, no real AWS reachable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, SOURCE_DIRS), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    env.update(overrides)
    return env


def child_last_line(args: list[str], env: dict[str, str], timeout: int = 120) -> str:
    """The last line a child Python (``python ARGS...``, in the repository) prints: what it measured. Its error
    output is in the exception when it fails."""
    done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"python {' '.join(args)[:80]} failed: {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]
