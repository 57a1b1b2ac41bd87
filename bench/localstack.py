"""The local stack of ``make run`` (``inlet local run --port 0``) and a moto server, as child processes.

Only the processes started here are stopped here (by their own handle). A stack that cannot start (not written
yet, broken) raises ``StackUnavailable``: the figures that need it are then reported as skipped.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from bench.paths import ROOT, subprocess_env

START_TIMEOUT = 60


class StackUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def aws_client(service: str, endpoint_url: str):
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    return session.client(service, endpoint_url=endpoint_url)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _tail(log: Path, lines: int = 8) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def _wait(ready, process: subprocess.Popen, log: Path, what: str):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackUnavailable(f"{what} exited with {process.returncode}: {_tail(log)}")
        result = ready()
        if result:
            return result
        time.sleep(0.1)
    raise StackUnavailable(f"{what} not ready after {START_TIMEOUT} s: {_tail(log)}")


@contextmanager
def _child(args: list[str], env: dict[str, str], workdir: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    log = workdir / "output.log"
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process, log
        finally:
            _stop(process)


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server in its own process (not sharing the benchmark's GIL); yields its URL."""
    url = f"http://127.0.0.1:{free_port()}"
    with (
        tempfile.TemporaryDirectory() as workdir,
        _child(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", url.rsplit(":", 1)[1]],
            subprocess_env(),
            Path(workdir),
        ) as (process, log),
    ):
        _wait(lambda: _answers(url), process, log, "moto server")
        yield url


def _answers(url: str) -> bool:
    try:
        aws_client("dynamodb", url).list_tables()
    except Exception:
        return False
    return True


@contextmanager
def local_stack(aws_endpoint_url: str | None = None) -> Iterator[dict]:
    """``inlet local run --port 0`` with its state in a temporary directory; yields its state (uplink_url,
    endpoint_url of its emulator...). With ``aws_endpoint_url`` the stack uses that emulator instead of its own."""
    with tempfile.TemporaryDirectory() as workdir:
        state_file = Path(workdir) / "state" / "local.json"
        env = subprocess_env(INLET_STATE_DIR=str(state_file.parent))
        if aws_endpoint_url:
            env["AWS_ENDPOINT_URL"] = aws_endpoint_url
        args = [sys.executable, "-m", "inlet_cli.main", "local", "run", "--port", "0"]
        with _child(args, env, Path(workdir)) as (process, log):
            yield _wait(lambda: _state(state_file, process.pid), process, log, "local stack")


def _state(path: Path, pid: int) -> dict | None:
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return state if state.get("uplink_url") and state.get("pid") == pid else None


def seed_tenant(endpoint_url: str, key: str, tenant: str, serials: list[str]) -> None:
    """A key and registered devices, written straight to the emulator (never through a counting proxy)."""
    from inlet.adapters.devices import Device, DeviceStore
    from inlet.adapters.keys import KeyStore
    from inlet_cli.local import env as local_env

    local_env.put_key(KeyStore(local_env.KEYS_PATH, ssm=aws_client("ssm", endpoint_url)), key, tenant, name="bench")
    devices = DeviceStore(local_env.TABLES["DevicesTable"], dynamodb=aws_client("dynamodb", endpoint_url))
    for serial in serials:
        devices.add(Device(tenant, serial, name=f"bench {serial}", created_at=local_env.now_iso()))
