"""The Makefile a new user meets first: `make help` lists every target, and each target installs only what it needs
(read with `make -n`, which prints the recipes it would run without running them)."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e


def make(*args: str) -> str:
    command = ["make", "--no-print-directory", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_lists_every_target_and_shows_the_port_variable():
    listed = set(re.findall(r"^  make (\S+)", make("help"), re.MULTILINE))
    declared = set(re.findall(r"^([a-z0-9-]+):[^=\n]*## ", (ROOT / "Makefile").read_text(), re.MULTILINE))
    assert {"e2e", "run", "test", "bench"} <= listed and listed == declared
    run_line = next(line for line in make("help").splitlines() if line.startswith("  make run "))
    assert "127.0.0.1:${INLET_PORT:-3000}" in run_line and "$$" not in run_line


def installs(target: str) -> list[str]:
    """The pip installs `make TARGET` would run on a fresh or outdated .venv (pyproject.toml newer than it)."""
    recipes = make("-n", "-W", "pyproject.toml", target, "EVENT=/dev/null")
    return re.findall(r"pip install .*-e (\S+)", recipes)


def test_each_target_installs_only_what_it_needs():
    assert installs("run") == ["."]  # the project and the CLI: no test or benchmark tools
    assert installs("invoke") == ["."]
    assert installs("unit") == [".", "'.[dev]'"]
    assert installs("lint") == [".", "'.[dev]'"]
    assert installs("bench") == [".", "'.[bench]'"]
