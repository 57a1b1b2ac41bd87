"""Many uplinks per call into the engine: each keeps its own limits, failures stay its own, devices stay apart."""

from __future__ import annotations

import pytest
from inlet.adapters.javascript.batches import MAX_CALL_CHARS, chunk_end
from inlet.adapters.javascript.engine import Job, ScriptEngine
from inlet.adapters.javascript.limits import MB, ScriptLimits
from inlet.core.decoding.contracts import ts013_input
from inlet.core.decoding.references import Connector

pytestmark = pytest.mark.unit

LIMITS = {"ts013": ScriptLimits(cpu_ms=50, memory_bytes=8 * MB), "tagoio": ScriptLimits(cpu_ms=50, memory_bytes=8 * MB)}

# Decodes the first byte; 0xff loops forever, 0xfe throws, 0xfd exhausts memory, 0xfc overflows the stack.
CODEC = """
function decodeUplink(input) {
  var first = input.bytes[0];
  if (first === 0xff) while (true) {}
  if (first === 0xfe) throw new Error("bad frame " + input.fPort);
  if (first === 0xfd) { var a = []; for (;;) a.push(new Array(1e5).fill(1)); }
  if (first === 0xfc) (function r(n) { return r(n + 1) + 1; })(0);
  return {data: {first: first, port: input.fPort}};
}
"""


@pytest.fixture
def engine():
    return ScriptEngine(LIMITS)


def ts013(source: str, name: str = "codec") -> Connector:
    return Connector(name, 1, "ts013", source)


def jobs_of(firsts: list[int], devices: int = 5) -> list[Job]:
    """One uplink per first byte, its port its index; device of uplink i: d0 for the first fifth, then d1..."""
    per_device = max(1, len(firsts) // devices)
    return [
        Job(f"d{i // per_device}", ts013_input(bytes([first, 0]), i, "2026-03-04T05:06:07.000Z"))
        for i, first in enumerate(firsts)
    ]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (0xFF, "time limit of 50 ms exceeded"),
        (0xFE, "script error: Error: bad frame"),
        (0xFD, "memory limit of 8 MB exceeded"),
        (0xFC, "stack limit of 1024 kB exceeded"),
    ],
)
@pytest.mark.parametrize("position", [0, 37, 99])
def test_one_failing_uplink_in_a_batch_of_100_fails_alone(engine, bad, reason, position):
    firsts = [7] * 100
    firsts[position] = bad
    decodings = engine.decode_many(ts013(CODEC), "acme", jobs_of(firsts))
    assert decodings[position].failed
    assert reason in decodings[position].errors[0]  # a caught limit: what was thrown, then the limit
    others = [d for i, d in enumerate(decodings) if i != position]
    assert [d.decoded for d in others] == [{"first": 7, "port": i} for i in range(100) if i != position]
    assert not any(d.failed for d in others)


def test_several_runaway_uplinks_each_fail_and_the_rest_is_decoded(engine):
    firsts = [1, 0xFF, 2, 3, 0xFF, 0xFF, 4]
    decodings = engine.decode_many(ts013(CODEC), "acme", jobs_of(firsts, devices=1))
    assert [d.failed for d in decodings] == [first == 0xFF for first in firsts]
    assert [d.decoded["first"] for d in decodings if not d.failed] == [1, 2, 3, 4]


def test_a_batch_larger_than_one_call_is_decoded_in_order(engine):
    firsts = [i % 200 for i in range(1500)]
    decodings = engine.decode_many(ts013(CODEC), "acme", jobs_of(firsts, devices=60))
    assert [d.decoded for d in decodings] == [{"first": f, "port": i} for i, f in enumerate(firsts)]


def test_a_call_holds_at_most_its_share_of_input_and_at_least_one_job():
    class Paced:
        limits = LIMITS["ts013"]
        seconds_per_job = 1e-6

    lines = ["x" * 1000] * 1000
    assert chunk_end(lines, 0, Paced) * 1001 <= MAX_CALL_CHARS + 1001
    assert chunk_end(["x" * (2 * MAX_CALL_CHARS)] * 3, 1, Paced) == 2  # one job, however large
    Paced.seconds_per_job = 1.0  # slower than the time limit
    assert chunk_end(lines, 5, Paced) == 6


def test_large_answers_continue_in_the_next_call(engine):
    source = "function decodeUplink(i) { return {data: {text: 'x'.repeat(90000), port: i.fPort}}; }"
    decodings = engine.decode_many(ts013(source), "acme", jobs_of([1] * 30, devices=1))
    assert [d.decoded["port"] for d in decodings] == list(range(30))


@pytest.mark.parametrize(
    "keep",
    [
        "seen = (typeof seen === 'undefined' ? 0 : seen) + 1; return seen;",  # an implicit global
        "globalThis.seen = (globalThis.seen || 0) + 1; return globalThis.seen;",
        "Array.prototype.seen = (Array.prototype.seen || 0) + 1; return [].seen;",  # a built-in extended
        "Buffer.prototype.seen = (Buffer.prototype.seen || 0) + 1; return Buffer.prototype.seen;",
        "if (!Object.getOwnPropertyDescriptor(Math, 's')) Object.defineProperty(Math, 's', {value: {n: 0}}); "
        "return ++Math.s.n;",  # a property no enumeration shows
        "var p = new Proxy(Date.prototype, {}); if (!('k' in Date.prototype)) p.k = {n: 0}; return ++p.k.n;",
    ],
)
def test_a_script_keeping_a_counter_counts_per_device_within_one_batch(engine, keep):
    source = "function decodeUplink(i) { var n = (function () { " + keep + " })(); return {data: {n: n}}; }"
    devices = ["d1", "d1", "d1", "d2", "d2", "d1", "d3"]
    jobs = [Job(device, ts013_input(b"\x01", 1, None)) for device in devices]
    counts = [d.decoded["n"] for d in engine.decode_many(ts013(source), "acme", jobs)]
    assert counts == [1, 2, 3, 1, 2, 1, 1]
    again = engine.decode_many(ts013(source), "other", jobs[:1])  # another tenant: never the same context
    assert again[0].decoded["n"] == 1


@pytest.mark.parametrize(
    "keep",
    [
        "Math.max.seen = (Math.max.seen || 0) + 1; return typeof Math.max.seen;",  # a built-in method
        "var u = Array.prototype[Symbol.unscopables]; u.seen = 1; return typeof u.seen;",  # a nested built-in
        "delete Math.PI; delete Array.prototype.map; return typeof Math.PI + typeof [].map;",
    ],
)
def test_what_nobody_extends_cannot_be_changed_at_all(engine, keep):
    source = "function decodeUplink(i) { var n = (function () { " + keep + " })(); return {data: {n: n}}; }"
    jobs = [Job(device, ts013_input(b"\x01", 1, None)) for device in ("d1", "d1", "d2")]
    kept = {d.decoded["n"] for d in engine.decode_many(ts013(source), "acme", jobs)}
    assert kept in ({"undefined"}, {"numberfunction"})


def test_a_script_that_does_not_compile_fails_every_uplink_of_the_batch(engine):
    decodings = engine.decode_many(ts013("function decodeUplink( {"), "acme", jobs_of([1, 2, 3]))
    assert all(d.failed and "does not compile" in d.errors[0] for d in decodings)


def test_what_a_script_adds_to_built_ins_is_deleted_on_a_device_change_and_the_context_kept(engine):
    source = """Uint8Array.prototype.readUInt16BE = function (o) { return (this[o] << 8) | this[o + 1]; };
    function decodeUplink(i) { var had = typeof Array.prototype.last; Array.prototype.last = 1;
      return {data: {had: had, value: new Uint8Array(i.bytes).readUInt16BE(0)}}; }"""
    connector = ts013(source)
    jobs = [Job(device, ts013_input(b"\x01\x02", 1, None)) for device in ("d1", "d1", "d2")]
    decodings = engine.decode_many(connector, "acme", jobs[:2])
    context = engine._contexts()[("acme", connector.label)]
    decodings += engine.decode_many(connector, "acme", jobs[2:])
    assert [d.decoded for d in decodings] == [
        {"had": "undefined", "value": 258},
        {"had": "number", "value": 258},  # the same device: what its script keeps stays
        {"had": "undefined", "value": 258},
    ]
    assert engine._contexts()[("acme", connector.label)] is context  # put back, not thrown away


def test_a_built_in_made_non_extensible_is_not_so_for_the_next_device(engine):
    source = """function decodeUplink(i) { var open = Object.isExtensible(Array.prototype);
      Object.preventExtensions(Array.prototype); return {data: {open: open}}; }"""
    jobs = [Job(device, ts013_input(b"\x01", 1, None)) for device in ("d1", "d1", "d2")]
    assert [d.decoded["open"] for d in engine.decode_many(ts013(source), "acme", jobs)] == [True, False, True]


def test_uplinks_that_together_exceed_one_time_limit_are_all_decoded(engine):
    # 20 quick uplinks, then 20 that take 8 ms each (the limit is 50 ms): a call sized by the quick ones runs out of
    # time among the slow ones, and what it had not answered runs again, each slow one within its own limit.
    source = """function decodeUplink(i) {
      if (i.bytes[0] === 1) { var until = Date.now() + 8; while (Date.now() < until) {} }
      return {data: {port: i.fPort}}; }"""
    decodings = engine.decode_many(ts013(source), "acme", jobs_of([0] * 20 + [1] * 20, devices=1))
    assert [d.errors for d in decodings] == [[]] * 40
    assert [d.decoded["port"] for d in decodings] == list(range(40))


def test_a_built_in_method_given_a_new_value_carries_nothing_to_the_next_device(engine):
    keep = (
        "if (!JSON.stringify.box) { var original = JSON.stringify;"
        " JSON.stringify = function () { return original.apply(this, arguments); }; JSON.stringify.box = {n: 0}; }"
        " return JSON.stringify.box ? ++JSON.stringify.box.n : 'unchanged';"
    )
    source = "function decodeUplink(i) { var n = (function () { " + keep + " })(); return {data: {n: n}}; }"
    jobs = [Job(device, ts013_input(b"\x01", 1, None)) for device in ("d1", "d1", "d2", "d2")]
    kept = [d.decoded["n"] for d in engine.decode_many(ts013(source), "acme", jobs)]
    assert kept == ["unchanged"] * 4  # the built-ins' values are read-only: the assignment changes nothing


def test_a_strict_script_replacing_a_built_in_method_fails_with_the_reason(engine):
    source = "'use strict'; function decodeUplink(i) { Array.prototype.map = null; return {data: {}}; }"
    [decoding] = engine.decode_many(ts013(source), "acme", [Job("d1", ts013_input(b"\x01", 1, None))])
    assert decoding.errors and "read-only" in " ".join(decoding.errors)
