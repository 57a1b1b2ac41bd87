"""Cold start: the functions' modules import with the cyclic garbage collector paused, and leave it running."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.paths import ROOT, subprocess_env

pytestmark = pytest.mark.integration

# Counts the collections that run while the module imports, then reports them and whether the collector is on.
PROBE = """
import gc
runs = []
gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info["generation"]))
import {module}
gc.callbacks.clear()
print(len(runs), gc.isenabled())
"""


@pytest.mark.parametrize("function", ["uplink", "deliver"])
def test_importing_a_function_sets_off_no_collections_and_leaves_the_collector_on(function):
    # Given a fresh interpreter with only the function's own directory and the layer on its path
    env = subprocess_env(PYTHONPATH=f"{ROOT}/functions/{function}:{ROOT}/layers/common")
    # When it imports the handler module
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(module="app")], env=env, capture_output=True, text=True, timeout=120
    )
    # Then no cyclic collection ran during the import (unpaused: ~80), and the collector is enabled again
    assert done.returncode == 0, done.stderr
    collections, enabled = done.stdout.split()
    assert int(collections) <= 2 and enabled == "True"
