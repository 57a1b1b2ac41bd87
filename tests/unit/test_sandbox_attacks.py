"""Hostile codecs beyond test_sandbox_hostile's: the engine's own machinery turned against the limits. Each attack
runs in a child process with a hard timeout (``attack``), so that a regression fails instead of hanging the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

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


# QuickJS polls its interrupt handler from the interpreter only: these built-ins loop in C for as long as the
# script asked (a length no memory backs, a search of O(haystack x needle) steps), past any interrupt.
NATIVE_LOOPS = [
    'Array.prototype.join.call({length: 2 ** 53 - 1}, "")',
    "Array.prototype.reverse.call({length: 2 ** 53 - 1})",
    "Array.prototype.copyWithin.call({length: 2 ** 53 - 1}, 0, 1)",
    "Array.prototype.splice.call({length: 2 ** 53 - 2}, 0, 0, 1)",
    'Array(2 ** 32 - 1).join("")',
    '"a".repeat(2e6).indexOf("a".repeat(1e6) + "b")',
]


@pytest.mark.parametrize("loop", NATIVE_LOOPS)
def test_a_native_loop_cannot_outlive_the_time_limit(loop):
    source = f"function decodeUplink(i) {{ if (i.bytes[0] === 1) {loop}; return {{data: {{n: i.bytes[0]}}}}; }}"
    result = attack(source, [{"jobs": [["a", "01"], ["a", "02"]]}, {"jobs": [["b", "03"]]}], child_timeout=30)
    assert "time limit" in result[0]["errors"][0], result
    assert [r["decoded"] for r in result[1:]] == [{"n": 2}, {"n": 3}], result


THREADS = textwrap.dedent(
    """
    import json, threading
    from inlet.adapters.javascript.engine import Job, ScriptEngine
    from inlet.adapters.javascript.limits import ScriptLimits
    from inlet.core.decoding.contracts import ts013_input
    from inlet.core.decoding.references import Connector

    BUSY = "function decodeUplink(i) { var x = 0; for (var k = 0; k < 1e6; k++) x += k; return {data: {x: x}}; }"
    engine = ScriptEngine({"ts013": ScriptLimits(cpu_ms=100)})
    stop, failures = threading.Event(), []
    def tenant(scope, rounds=None):  # about 40 ms of CPU a call, against a limit of 100 ms
        connector = Connector(scope, 1, "ts013", BUSY)
        job = Job("d", ts013_input(b"\\x01", 1, None))
        done = 0
        while not stop.is_set() if rounds is None else done < rounds:
            decodings = engine.decode_many(connector, scope, [job])
            failures.extend(d.errors for d in decodings if d.failed and scope == "victim")
            done += 1
    others = [threading.Thread(target=tenant, args=(f"busy-{n}",)) for n in range(3)]
    for thread in others:
        thread.start()
    tenant("victim", rounds=20)
    stop.set()
    for thread in others:
        thread.join()
    print(json.dumps(failures))
    """
)


def test_one_tenants_decoding_does_not_use_up_anothers_time_limit():
    """QuickJS times a call with clock(), the CPU time of its whole process: in a threaded server (make run) the
    other threads' decoding counted against each call. Each thread's contexts now run in a process of their own."""
    child = subprocess.run([sys.executable, "-c", THREADS], capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr[-3000:]
    assert json.loads(child.stdout) == []


WORKER_KILLED = textwrap.dedent(
    """
    import json, os, signal
    from inlet.adapters.javascript import remote_sandbox
    from inlet.adapters.javascript.engine import ScriptEngine
    from inlet.core.decoding.contracts import ts013_input
    from inlet.core.decoding.references import Connector

    engine = ScriptEngine()
    codec = Connector("c", 1, "ts013", "function decodeUplink(i) { return {data: {n: i.bytes[0]}}; }")
    def decode(n):
        d = engine.decode(codec, "acme", "d", ts013_input(bytes([n]), 1, None))
        return d.decoded if not d.failed else d.errors
    out = [decode(1)]
    worker = remote_sandbox.thread_worker()
    first = worker._process.pid
    os.kill(first, signal.SIGKILL)  # as a crash of QuickJS would
    worker._process.wait()
    out += [decode(2), decode(3), worker._process.pid != first]
    print(json.dumps(out))
    """
)


def test_a_worker_that_dies_costs_no_more_than_its_contexts():
    """A crash of the engine used to end the whole function; it now ends a worker, rebuilt for the next uplink."""
    child = subprocess.run([sys.executable, "-c", WORKER_KILLED], capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr[-3000:]
    assert json.loads(child.stdout) == [{"n": 1}, {"n": 2}, {"n": 3}, True]


# Attacks that held before these changes, kept as regressions: one child process per family.
CALLBACKS = [
    "[3, 1, 2].sort(function () { for (;;); })",
    '"aaa".replace(/a/g, function () { for (;;); })',
    "JSON.stringify({toJSON: function () { for (;;); }})",
    "String({[Symbol.toPrimitive]: function () { for (;;); }})",
    '/^(a+)+$/.test("a".repeat(40) + "!")',
    "Object.keys(new Proxy({}, {ownKeys: function () { for (;;); }}))",
]
OUTPUTS = [
    "{get x() { for (;;); }}",
    "new Proxy({}, {ownKeys: function () { for (;;); }})",
    "{toJSON: function () { for (;;); }}",
]
MEMORY = [
    '"x".repeat(2 ** 29)',
    '"".padStart(2 ** 30, "ab")',
    "new ArrayBuffer(2 ** 30)",
    "new SharedArrayBuffer(2 ** 30)",
    "2n ** 100000000n",
    "new Array(2 ** 25).fill(0)",
]


def _family(sources: list[str]) -> list:
    batches = [{"name": f"s{n}", "source": source, "jobs": [["a", "01"]]} for n, source in enumerate(sources)]
    return attack("", batches, child_timeout=30)


def test_engine_callbacks_run_under_the_time_limit():
    results = _family([f"function decodeUplink(i) {{ {call}; return {{data: {{}}}}; }}" for call in CALLBACKS])
    results += _family([f"function decodeUplink(i) {{ return {{data: {value}}}; }}" for value in OUTPUTS])
    assert all(r["failed"] and "time limit" in r["errors"][0] for r in results), results


def test_allocations_past_the_memory_limit_fail_their_uplink():
    results = _family([f"function decodeUplink(i) {{ var x = {make}; return {{data: {{}}}}; }}" for make in MEMORY])
    assert all(r["failed"] for r in results), results
    assert not any("time limit" in r["errors"][0] for r in results), results


WORKER_ENVIRONMENT = textwrap.dedent(
    """
    import json
    from inlet.adapters.javascript import remote_sandbox
    from inlet.adapters.javascript.engine import ScriptEngine
    from inlet.core.decoding.contracts import ts013_input
    from inlet.core.decoding.references import Connector

    codec = Connector("c", 1, "ts013", "function decodeUplink(i) { return {data: {}}; }")
    ScriptEngine().decode(codec, "acme", "d", ts013_input(b"\\x01", 1, None))
    pid = remote_sandbox.thread_worker()._process.pid
    with open(f"/proc/{pid}/environ", "rb") as environ:
        print(json.dumps(sorted(item.split(b"=")[0].decode() for item in environ.read().split(b"\\0") if item)))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_holds_no_secret_of_the_function():
    environment = {**os.environ, "AWS_SECRET_ACCESS_KEY": "not-for-scripts", "AWS_SESSION_TOKEN": "neither"}
    child = subprocess.run(
        [sys.executable, "-c", WORKER_ENVIRONMENT], capture_output=True, text=True, timeout=60, env=environment
    )
    assert child.returncode == 0, child.stderr[-3000:]
    assert json.loads(child.stdout) == ["PATH", "PYTHONPATH"]
