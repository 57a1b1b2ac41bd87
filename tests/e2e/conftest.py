"""``inlet local run`` as a real process on a free port, and the CLI as a real process, for end-to-end tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from inlet_cli.local import env as local_env

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60
STOP_TIMEOUT = 15
# Names a developer's shell may export for a deployed stack: the local processes must not see them.
FOREIGN_ENV = (
    "AWS_ENDPOINT_URL",
    "AWS_PROFILE",
    "KEYS_PATH",
    "DEVICES_TABLE",
    "RECORDS_TABLE",
    "DEDUP_TABLE",
    "NETWORK_TOKEN_PATH",
)


def process_env(state_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    paths = [str(ROOT / "layers" / "common"), str(ROOT / "cli"), str(ROOT / "functions" / "uplink")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env[local_env.STATE_DIR_ENV] = str(state_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def inlet(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "inlet_cli.main", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


class Drain:
    """Reads a pipe to the end in a thread (a full pipe would block the server), keeping every line."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line)

    def text(self, wait: float = 0) -> str:
        self._thread.join(wait)
        return "".join(self.lines)


class LocalStack:
    """A running ``inlet local run --port 0``: its URL, its demo key, its output."""

    def __init__(self, state_dir: Path, env: dict[str, str]) -> None:
        self.state_dir, self.env = state_dir, env
        command = [sys.executable, "-m", "inlet_cli.main", "local", "run", "--port", "0"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.stdout, self.stderr = Drain(self.process.stdout), Drain(self.process.stderr)
        self.url = self._wait_until_listening()
        self.key = (state_dir / local_env.DEMO_KEY_FILE).read_text().strip()

    def _wait_until_listening(self) -> str:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            for line in list(self.stdout.lines):
                found = re.search(r"Inlet listening on (http://\S+)", line)
                if found:
                    return found.group(1)
            if self.process.poll() is not None:
                raise AssertionError(f"inlet local run exited with {self.process.returncode}: {self.stderr.text(1)}")
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"inlet local run not listening after {READY_TIMEOUT} s: {self.stderr.text()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        return self.process.returncode

    def output(self) -> str:
        """Everything the server printed (complete once it has stopped)."""
        wait = 5 if self.process.poll() is not None else 0
        return self.stdout.text(wait) + self.stderr.text(wait)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return inlet(self.env, *args)


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("inlet-state")
    stack = LocalStack(state_dir, process_env(state_dir))
    yield stack
    stack.stop()
