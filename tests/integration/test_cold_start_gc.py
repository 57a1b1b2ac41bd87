"""Cold start: the functions' modules import with the cyclic garbage collector paused, leave what they imported out
of later collections (frozen), and leave the collector running."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from bench.paths import ROOT, subprocess_env

pytestmark = pytest.mark.integration

# Counts the collections that run while the module imports, then reports them, whether the collector is on, and
# how many objects later collections will not walk.
PROBE = """
import gc
runs = []
gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info["generation"]))
import {module}
gc.callbacks.clear()
print(len(runs), gc.isenabled(), gc.get_freeze_count())
"""


@pytest.mark.parametrize("function", ["uplink", "deliver"])
def test_importing_a_function_sets_off_no_collections_freezes_the_imports_and_leaves_the_collector_on(function):
    # Given a fresh interpreter with only the function's own directory and the layer on its path
    env = subprocess_env(PYTHONPATH=f"{ROOT}/functions/{function}:{ROOT}/layers/common")
    # When it imports the handler module
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(module="app")], env=env, capture_output=True, text=True, timeout=120
    )
    # Then no cyclic collection ran during the import (unpaused: ~80), the ~30,000 objects it made are frozen, and
    # the collector is enabled again
    assert done.returncode == 0, done.stderr
    collections, enabled, frozen = done.stdout.split()
    assert int(collections) <= 2 and enabled == "True" and int(frozen) > 10_000


def test_the_first_request_freezes_what_it_built_and_later_ones_freeze_nothing():
    from inlet.service import runtime

    # Given a container whose first request has not run yet
    runtime._setup_frozen = False
    gc.unfreeze()
    # When the first request has run under paused_gc, then a second one
    with runtime.paused_gc():
        built = [{"client": n} for n in range(1_000)]
    after_first = gc.get_freeze_count()
    with runtime.paused_gc():
        [{"garbage": n} for n in range(1_000)]
    # Then what the first one left alive is frozen, the second one adds nothing, and the collector runs again
    assert after_first >= len(built) and gc.get_freeze_count() == after_first and gc.isenabled()
    gc.unfreeze()
