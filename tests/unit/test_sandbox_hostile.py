"""Hostile codecs: each attack runs in a child process with a hard timeout, so that a regression fails instead of
hanging the test run (a script stuck inside QuickJS cannot be interrupted from Python)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.unit

CHILD_TIMEOUT = 60  # seconds; every attack below ends in well under a second once the sandbox holds

CHILD = textwrap.dedent(
    """
    import json, sys, time
    from inlet.adapters.javascript.engine import Job, ScriptEngine
    from inlet.adapters.javascript.limits import MB, ScriptLimits
    from inlet.core.decoding.contracts import tagoio_input, ts013_input
    from inlet.core.decoding.references import Connector

    spec = json.loads(sys.stdin.read())
    limits = {kind: ScriptLimits(cpu_ms=spec["cpu_ms"], memory_bytes=spec["memory_mb"] * MB)
              for kind in ("ts013", "tagoio")}
    engine = ScriptEngine(limits, **spec.get("engine", {}))
    def job(device, hex_payload):
        if spec["kind"] == "tagoio":
            return Job(device, tagoio_input(hex_payload, 1), {"id": device, "params": [], "tags": []})
        return Job(device, ts013_input(bytes.fromhex(hex_payload), 1, None))
    out = []
    deadline = None if spec.get("budget") is None else time.monotonic() + spec["budget"]
    for batch in spec["batches"]:
        connector = Connector(batch.get("name", "hostile"), 1, spec["kind"], batch.get("source", spec["source"]))
        jobs = [job(device, payload) for device, payload in batch["jobs"]]
        kwargs = {} if deadline is None else {"time_left": lambda: deadline - time.monotonic()}
        for d in engine.decode_many(connector, batch.get("scope", "acme"), jobs, **kwargs):
            decoded = d.decoded.records() if hasattr(d.decoded, "records") else d.decoded
            out.append({"decoded": decoded, "errors": d.errors, "failed": d.failed,
                        "deferred": getattr(d, "deferred", False)})
    if spec.get("memory"):
        out.append(engine.memory_in_use())
    print(json.dumps(out))
    """
)


def attack(
    source: str,
    batches: list,
    kind: str = "ts013",
    cpu_ms: int = 50,
    memory_mb: int = 8,
    child_timeout: float = CHILD_TIMEOUT,
    **more,
) -> list:
    """The decodings of ``batches`` (each ``{"jobs": [[device, hex], ...]}``, optionally its own source/scope)."""
    spec = {"source": source, "batches": batches, "kind": kind, "cpu_ms": cpu_ms, "memory_mb": memory_mb, **more}
    child = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=child_timeout,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    return json.loads(child.stdout)


def one_device(*payloads: str, device: str = "a") -> list:
    return [{"jobs": [[device, payload] for payload in payloads]}]


# 1. The time limit cannot be escaped through an accessor the engine calls itself.
ESCAPES = [
    "function decodeUplink(i){ Error.prepareStackTrace=function(){for(;;);}; for(;;){ try{null.x}catch(e){} } }",
    "Error.prepareStackTrace=function(){for(;;);}; for(;;){ try{null.x}catch(e){} }\n"
    "function decodeUplink(i){ return {data: {}}; }",
    "function decodeUplink(i){ Error.stackTraceLimit = 1e9; Error.prepareStackTrace = function(e, s){"
    " for(;;){} }; for(;;){ try { new Error('x') } catch (e) {} } }",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_the_time_limit_holds_when_the_engine_calls_back_into_the_script(source):
    started = time.monotonic()
    result = attack(source, one_device("01", "02"))
    assert [r["failed"] for r in result] == [True, True]
    assert all("time limit" in r["errors"][0] or "script error" in r["errors"][0] for r in result)
    assert time.monotonic() - started < CHILD_TIMEOUT / 2


def test_the_time_limit_holds_in_a_tagoio_parser():
    source = "Error.prepareStackTrace=function(){for(;;);}; for(;;){ try{null.x}catch(e){} }"
    result = attack(source, one_device("01"), kind="tagoio")
    assert result[0]["failed"] and "time limit" in result[0]["errors"][0]


# 2. No output crashes the request: a bad output flags its uplink, the others are decoded.
UTF16 = """function decodeUplink(i){ var s = "";
  for (var k = 0; k + 1 < i.bytes.length; k += 2) s += String.fromCharCode((i.bytes[k] << 8) | i.bytes[k + 1]);
  return {data: {name: s}, warnings: [s]}; }"""
DEEP = """function decodeUplink(i){ if (i.bytes[0] !== 0xdd) return {data: {ok: i.bytes[0]}};
  var v = 1; for (var k = 0; k < 2000; k++) v = [v]; return {data: {v: v}}; }"""
THROWS_BAD = """function decodeUplink(i){ if (i.bytes[0] === 1) throw "\\ud83d" + "x";
  if (i.bytes[0] === 2) { var v = 1; for (var k = 0; k < 2000; k++) v = [v]; return {data: {}, errors: [v]}; }
  return {data: {ok: true}}; }"""


def test_a_lone_surrogate_is_replaced_and_the_batch_goes_on():
    result = attack(UTF16, one_device("d83d", "0041"))
    assert result[0]["decoded"] == {"name": "\ufffd"} and not result[0]["failed"]
    assert result[1]["decoded"] == {"name": "A"}


def test_output_nested_past_any_parser_flags_that_uplink_only():
    result = attack(DEEP, one_device("01", "dd", "02"))
    assert result[0]["decoded"] == {"ok": 1} and result[2]["decoded"] == {"ok": 2}
    assert result[1]["failed"] and "nested" in result[1]["errors"][0]


def test_thrown_surrogates_and_deep_errors_flag_their_uplink():
    result = attack(THROWS_BAD, one_device("01", "02", "03"))
    assert result[0]["failed"] and "\ufffd" in result[0]["errors"][0]
    assert result[1]["failed"]
    assert result[2]["decoded"] == {"ok": True}


def test_a_tagoio_value_nested_past_any_parser_flags_that_uplink_only():
    source = """var v = 1; for (var k = 0; k < 2000; k++) v = {v: v};
      if (payload[0].value === "dd") payload.push({variable: "deep", value: v});"""
    result = attack(source, one_device("01", "dd"), kind="tagoio")
    assert not result[0]["failed"] and result[1]["failed"]


# 3. Whatever a decoder outputs, the uplink is kept, flagged, with a bounded reason.
def test_output_deeper_than_a_record_can_hold_is_flagged():
    source = "function decodeUplink(i){ var v = 1; for (var k = 0; k < 300; k++) v = {v: v}; return {data: v}; }"
    result = attack(source, one_device("01"))
    assert result[0]["failed"] and "nested" in result[0]["errors"][0]


def test_a_huge_thrown_message_gives_a_bounded_reason():
    source = "function decodeUplink(i){ throw new Error('x'.repeat(1000000)); }"
    result = attack(source, one_device("01"), memory_mb=16)
    assert result[0]["failed"] and len(result[0]["errors"][0]) <= 1000


def test_non_string_errors_are_json_not_python():
    source = "function decodeUplink(i){ return {errors: [{code: 7}, 3, null]}; }"
    result = attack(source, one_device("01"))
    assert result[0]["errors"] == ['{"code":7}', "3", "null"]


# 4. A budget for the whole request.
def test_a_request_budget_stops_decoding_and_defers_the_rest():
    source = "function decodeUplink(i){ for(;;){} }"
    started = time.monotonic()
    result = attack(source, [{"jobs": [[f"d{n}", "01"] for n in range(1000)]}], budget=1.0)
    elapsed = time.monotonic() - started
    deferred = [r for r in result if r["deferred"]]
    assert len(result) == 1000 and deferred and all(r["failed"] for r in result)
    assert "budget" in deferred[0]["errors"][0]
    assert elapsed < 10  # without a budget: 1,000 x 50 ms and more


def test_context_rebuilds_are_charged_to_the_request():
    # A realm that cannot be put back (a global that cannot be deleted) costs a fresh context at every device change.
    source = """function decodeUplink(i) {
      Object.defineProperty(globalThis, "k" + Math.random(), {value: 1}); return {data: {}}; }"""
    started = time.monotonic()
    result = attack(source, [{"jobs": [[f"d{n}", "01"] for n in range(1000)]}], budget=0.3)
    assert any(r["deferred"] for r in result) and not result[0]["failed"]
    assert time.monotonic() - started < 10  # ~5 ms a context: 1,000 of them would take seconds


# 5. The prelude cannot be reached nor re-entered.
REENTER = """var grabbed = [];
Error.prepareStackTrace = function (e, sites) {
  try { sites.forEach(function (s) { var f = s.getFunction && s.getFunction(); if (f) grabbed.push(f); }); }
  catch (x) {}
  return "";
};
function decodeUplink(i) {
  new Error("x").stack;
  for (var k = 0; k < grabbed.length; k++) {
    try { grabbed[k]('["z",{"bytes":[9],"fPort":1}]', 100000); } catch (x) {}
  }
  return {data: {first: i.bytes[0], reached: grabbed.length}};
}"""


def test_the_prelude_cannot_be_reentered():
    result = attack(REENTER, [{"jobs": [["a", "01"], ["b", "02"], ["c", "03"]]}])
    assert [r["decoded"]["first"] for r in result] == [1, 2, 3]
    assert all(r["decoded"]["reached"] == 0 for r in result)


# 6. Nothing a device leaves reaches the next device of the tenant.
KEEPERS = [
    "globalThis[Symbol.for('k')] = v",
    "Array.prototype[Symbol.for('k')] = v",
    "console.log.prototype.k = v",
    "Buffer.from.prototype.k = v",
    "Array.prototype[Symbol.unscopables].at = v",
    "Error.stackTraceLimit = v",
    "Error.prepareStackTrace = function () { return v; }",
    "Error.prototype.stack = v",
    "Object.getPrototypeOf(function* () {}).prototype.k = v",
    "Object.setPrototypeOf(Array.prototype, {k: v, __proto__: Object.prototype})",
    "Uint8Array.prototype.__proto__ = {k: v, __proto__: Object.getPrototypeOf(Uint8Array.prototype)}",
    "Reflect.setPrototypeOf(Math, {k: v})",
]
READERS = [
    "globalThis[Symbol.for('k')]",
    "[][Symbol.for('k')]",
    "console.log.prototype.k",
    "Buffer.from.prototype.k",
    "Array.prototype[Symbol.unscopables].at === 7 ? 7 : undefined",
    "Error.stackTraceLimit === 7 ? 7 : undefined",
    "(function () { try { null.x } catch (e) { return e.stack === 7 ? 7 : undefined; } })()",
    "Error.prototype.stack === 7 ? 7 : undefined",
    "Object.getPrototypeOf(function* () {}).prototype.k",
    "[].k",
    "new Uint8Array(1).k",
    "Math.k",
]


@pytest.mark.parametrize(("keep", "read"), list(zip(KEEPERS, READERS, strict=True)))
def test_nothing_reaches_the_next_device(keep, read):
    source = f"""function decodeUplink(i) {{
      var v = 7, seen;
      try {{ seen = {read}; }} catch (e) {{ seen = "error"; }}
      try {{ {keep}; }} catch (e) {{}}
      return {{data: {{seen: seen === undefined ? null : seen}}}};
    }}"""
    result = attack(source, [{"jobs": [["a", "01"], ["b", "02"]]}])
    assert result[1]["decoded"] == {"seen": None}, result


def test_pending_promise_jobs_do_not_outlive_the_device():
    source = """function decodeUplink(i) {
      if (i.bytes[0] === 1) { var big = new Uint8Array(7 << 20);
        Promise.resolve().then(function () { return big.length; }); }
      var keep = new Uint8Array(i.bytes[0] === 1 ? 1 : 8 << 20);
      return {data: {n: keep.length}};
    }"""
    result = attack(source, [{"jobs": [["a", "01"]]}, {"jobs": [["b", "02"]]}], memory_mb=12)
    assert not result[1]["failed"], result[1]


# 7. The engine's total memory is bounded, contexts evicted least recently used.
def test_total_engine_memory_stays_under_its_cap():
    batches = [{"name": f"c{n}", "jobs": [["a", "01"]]} for n in range(12)]
    source = "function decodeUplink(i) { globalThis.keep = new Array(1 << 20).fill(1); return {data: {}}; }"
    result = attack(source, batches, memory_mb=16, engine={"max_memory_bytes": 40 * 1024 * 1024}, memory=True)
    assert result[-1] <= 40 * 1024 * 1024 + 16 * 1024 * 1024


# 8. Smaller points.
def test_a_fake_stack_overflow_is_reported_as_what_the_script_threw():
    source = "function decodeUplink(i){ throw new RangeError('Maximum call stack size exceeded'); }"
    result = attack(source, one_device("01"))
    assert result[0]["failed"]  # the context goes, as after a real overflow: nothing tells them apart
    assert result[0]["errors"][0].startswith("script error: RangeError: Maximum call stack size exceeded")


def test_thrown_null_at_the_memory_limit_drops_the_context():
    source = """var filled = 0;
    function decodeUplink(i) {
      if (i.bytes[0] === 1) { try { var a = []; for (;;) a.push(new Array(1e5).fill(1)); } catch (e) { throw null; } }
      return {data: {clean: typeof a === "undefined"}};
    }"""
    result = attack(source, one_device("01", "02"))
    assert result[0]["failed"] and "memory" in result[0]["errors"][0]
    assert result[1]["decoded"] == {"clean": True}


def test_performance_now_is_no_host_clock():
    source = "function decodeUplink(i){ var t = performance.now(); return {data: {t: t, o: performance.timeOrigin}}; }"
    result = attack(source, one_device("01"))
    data = result[0]["decoded"]
    assert data["t"] == int(data["t"]) and data["o"] == 0


def cli(*argv: str, stdin: str = "") -> subprocess.CompletedProcess:
    code = "import sys; from inlet_cli.main import main; sys.exit(main(sys.argv[1:]))"
    env = {k: v for k, v in os.environ.items() if k not in ("CONNECTORS_TABLE", "INLET_STACK")}
    return subprocess.run(
        [sys.executable, "-c", code, *argv], input=stdin, capture_output=True, text=True, timeout=CHILD_TIMEOUT, env=env
    )


def test_checking_a_script_runs_none_of_it_and_refuses_one_that_leaves_its_wrapper():
    code = (
        "import sys; from inlet_cli.commands.connector_examples import check_compiles as c; "
        "c('ts013', sys.stdin.read(), 'f')"
    )
    escapes = "function decodeUplink(i) { return {data: {}}; }\n}); for (;;) {} (function () {"
    child = subprocess.run(
        [sys.executable, "-c", code], input=escapes, capture_output=True, text=True, timeout=CHILD_TIMEOUT
    )
    assert child.returncode != 0 and "closes the function it is wrapped in" in child.stderr
    fine = "function decodeUplink(i) { return {data: {}}; }\nfor (;;) {}  // runs per uplink, never while checking"
    child = subprocess.run([sys.executable, "-c", code], input=fine, capture_output=True, text=True, timeout=20)
    assert child.returncode == 0, child.stderr


def test_a_script_that_leaves_its_wrapper_never_loads():
    source = "function decodeUplink(i) { return {data: {}}; }\n}, globalThis.leaked = 1, function () {"
    result = attack(source, one_device("01"))
    assert result[0]["failed"] and "closes the function it is wrapped in" in result[0]["errors"][0]


def test_inlet_decode_prints_a_bounded_reason(tmp_path):
    codec = tmp_path / "big.js"
    codec.write_text("function decodeUplink(i){ throw new Error('x'.repeat(1000000)); }")
    child = cli("decode", "--file", str(codec), "--kind", "ts013", "--port", "1", "--payload", "01")
    assert child.returncode == 1 and "script error: Error: xxx" in child.stderr
    assert len(child.stderr) + len(child.stdout) < 5000


SERVICE = textwrap.dedent(
    """
    import json, sys, time
    from types import SimpleNamespace
    from inlet.adapters.time_budget import time_budget
    from inlet.core.decoding.references import Connector
    from inlet.core.records import record_of
    from inlet.service.decoding import decode_records

    source = sys.stdin.read()
    connector = Connector("spin", 1, "ts013", source)
    store = SimpleNamespace(get=lambda ref: connector)
    records = [{"id": str(n), "serial": f"d{n}", "tenant": "acme", "payload": "01", "port": 1,
                "time": "2026-03-04T05:06:07.000Z"} for n in range(1000)]
    devices = {f"d{n}": SimpleNamespace(connector="spin@1") for n in range(1000)}
    started = time.monotonic()
    with time_budget(remaining_ms=15000):
        decodings = decode_records(records, devices, store)
    records = [record_of(built, decoding) for built, decoding in zip(records, decodings)]
    print(json.dumps({"seconds": time.monotonic() - started, "flags": [r.get("flags") for r in records],
                      "reasons": sorted({r["decoder"]["errors"][0][:40] for r in records})}))
    """
)


def test_a_request_of_1000_uplinks_at_their_time_limit_ends_within_its_decode_budget():
    child = subprocess.run(
        [sys.executable, "-c", SERVICE],
        input="function decodeUplink(i) { for (;;) {} }",
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout)
    assert result["seconds"] < 7.5 + 1  # half of the 15 s left, and one call that had started
    assert all("decode_failed" in flags for flags in result["flags"])
    deferred = [flags for flags in result["flags"] if "decode_deferred" in flags]
    assert deferred and len(deferred) < 1000


def test_a_source_no_utf_8_can_hold_fails_its_uplinks_not_the_request():
    result = attack('var name = "\\ud83d"; function decodeUplink(i) { return {data: {}}; }', one_device("01"))
    assert result[0]["decoded"] == {} and not result[0]["failed"]  # the escape is JavaScript's, not a surrogate
    from inlet.adapters.javascript.limits import DEFAULT_LIMITS
    from inlet.adapters.javascript.source_check import LoadFailure, check_source

    with pytest.raises(LoadFailure, match="cannot be read"):
        check_source("ts013", 'var name = "\ud83d";', DEFAULT_LIMITS["ts013"])
