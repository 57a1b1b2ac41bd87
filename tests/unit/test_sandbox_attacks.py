"""Hostile codecs beyond test_sandbox_hostile's: the engine's own machinery turned against the limits. Each attack
runs in a child process with a hard timeout (``attack``), so that a regression fails instead of hanging the run."""

from __future__ import annotations

import pytest

from tests.unit.test_sandbox_hostile import attack

pytestmark = pytest.mark.unit


# A job that throws leaves its exception to the binding, which turns it into text (toString, the ``stack``
# property) after the call's time limit is lifted and with Python's lock held: the whole process would hang.
THROWING_JOBS = [
    "queueMicrotask(function () { throw {toString: function () { for (;;); }}; });",
    "queueMicrotask(function () { throw new Proxy({}, {get: function () { for (;;); }}); });",
    "queueMicrotask(function () { var e = new Error('x');"
    " Object.defineProperty(e, 'stack', {get: function () { for (;;); }}); throw e; });",
    "var registry = new FinalizationRegistry(function () { throw {toString: function () { for (;;); }}; });"
    " for (var k = 0; k < 50; k++) registry.register({k: k}, k);",
    "class Registry extends FinalizationRegistry {} var registry = new Registry(function () {"
    " throw {toString: function () { for (;;); }}; }); for (var k = 0; k < 50; k++) registry.register({k: k}, k);",
    "var Original = Object.getPrototypeOf(new FinalizationRegistry(function () {})).constructor;"
    " var registry = new Original(function () { throw {toString: function () { for (;;); }}; });"
    " for (var k = 0; k < 50; k++) registry.register({k: k}, k);",
]


@pytest.mark.parametrize("job", THROWING_JOBS)
def test_a_job_that_throws_cannot_run_outside_the_time_limit(job):
    source = f"function decodeUplink(i) {{ {job} return {{data: {{n: i.bytes[0]}}}}; }}"
    result = attack(source, [{"jobs": [["a", "01"], ["b", "02"]]}], child_timeout=20)
    assert [r["decoded"] for r in result] == [{"n": 1}, {"n": 2}], result
