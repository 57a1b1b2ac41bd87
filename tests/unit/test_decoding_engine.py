"""The JavaScript engine: contracts, limits, failures that never escape, and isolation between devices and tenants."""

from __future__ import annotations

import pytest
from inlet.adapters.javascript.engine import ScriptEngine
from inlet.adapters.javascript.limits import MB, ScriptLimits
from inlet.core.decoding.contracts import ts013_input
from inlet.core.decoding.references import Connector

pytestmark = pytest.mark.unit

LIMITS = {"ts013": ScriptLimits(cpu_ms=50, memory_bytes=8 * MB), "tagoio": ScriptLimits(cpu_ms=50, memory_bytes=8 * MB)}
INPUT = ts013_input(bytes.fromhex("0a6f"), 2, "2026-03-04T05:06:07.000Z")


@pytest.fixture
def engine():
    return ScriptEngine(LIMITS)


def ts013(source: str, version: int = 1) -> Connector:
    return Connector("test", version, "ts013", source)


def test_decode_uplink_gets_bytes_port_and_a_date(engine):
    source = """function decodeUplink(input) {
      return {data: {t: ((input.bytes[0] << 8) | input.bytes[1]) / 100, port: input.fPort,
                     year: input.recvTime.getUTCFullYear()}, warnings: ["w"]};
    }"""
    decoding = engine.decode(ts013(source), "acme", "dev1", INPUT)
    assert (decoding.decoded, decoding.warnings, decoding.failed) == (
        {"t": 26.71, "port": 2, "year": 2026},
        ["w"],
        False,
    )
    assert decoding.connector == "test@1"


@pytest.mark.parametrize(
    "source",
    [
        "function Decoder(bytes, port) { return {first: bytes[0], port: port}; }",
        "function Decode(fPort, bytes, variables) { return {first: bytes[0], port: fPort}; }",
        "module.exports = {decodeUplink: function (i) { return {data: {first: i.bytes[0], port: i.fPort}}; }};",
        '"use strict"; function decodeUplink(i) { return {data: {first: i.bytes[0], port: i.fPort}}; }',
    ],
)
def test_legacy_and_exported_forms(engine, source):
    assert engine.decode(ts013(source), "acme", "dev1", INPUT).decoded == {"first": 10, "port": 2}


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("function decodeUplink(i) { while (true) {} }", "time limit of 50 ms exceeded"),
        ("function decodeUplink(i) { try { while (true) {} } catch (e) { return {data: {}}; } }", "time limit of 50"),
        ("function decodeUplink(i) { var a = []; for (;;) a.push(new Array(1e5).fill(1)); }", "memory limit of 8 MB"),
        ("function decodeUplink(i) { function r(n) { return r(n + 1) + 1; } return r(0); }", "stack limit of 1024 kB"),
        ("function decodeUplink(i) { throw new TypeError('no such port'); }", "script error: TypeError: no such port"),
        ("function decodeUplink(i) { throw 'plain text'; }", "script error: threw plain text"),
        ("function decodeUplink(i) { return {data: {n: 1n}}; }", "script error: TypeError: BigInt"),
        ("function decodeUplink(i) { var o = {}; o.o = o; return {data: o}; }", "circular"),
        ("function decodeUplink(i) { return [1]; }", "wrong output: decodeUplink must return an object, got array"),
        ("function decodeUplink(i) { return {data: 'x'.repeat(200000)}; }", "wrong output: the decoded output is"),
        ("function decodeUplink(i) { return {errors: ['unknown frame']}; }", "unknown frame"),
        ("function decodeUplink(i) { return {data: {}} ", "the script does not compile: SyntaxError"),
        ("var x = 1;", "script error: Error: the script defines none of decodeUplink, Decode or Decoder"),
    ],
)
def test_every_failure_is_a_failed_decode_and_the_next_uplink_works(engine, source, reason):
    decoding = engine.decode(ts013(source), "acme", "dev1", INPUT)
    assert decoding.failed
    assert reason in decoding.errors[0]
    good = engine.decode(ts013("function decodeUplink(i) { return {data: {ok: true}}; }", 2), "acme", "dev1", INPUT)
    assert good.decoded == {"ok": True}


def test_scripts_reach_nothing_outside_the_language(engine):
    names = ["require", "process", "std", "os", "fetch", "XMLHttpRequest", "Deno", "print", "setTimeout"]
    fields = ", ".join(f"{n}: typeof {n}" for n in names)
    source = "function decodeUplink(i) { return {data: {" + fields + "}}; }"
    assert engine.decode(ts013(source), "acme", "dev1", INPUT).decoded == dict.fromkeys(names, "undefined")
    escape = "function decodeUplink(i) { return {data: {f: typeof Function('return this')().os}}; }"
    assert engine.decode(ts013(escape, 2), "acme", "dev1", INPUT).decoded == {"f": "undefined"}


def test_top_level_variables_are_fresh_for_every_uplink(engine):
    source = "var count = 0; function decodeUplink(i) { count++; return {data: {count: count}}; }"
    counts = [engine.decode(ts013(source), "acme", "dev1", INPUT).decoded["count"] for _ in range(3)]
    assert counts == [1, 1, 1]


@pytest.mark.parametrize(
    "keep",
    [
        "seen = (typeof seen === 'undefined' ? 0 : seen) + 1; return seen;",  # an implicit global
        "globalThis.seen = (globalThis.seen || 0) + 1; return globalThis.seen;",
        "Math.seen = (Math.seen || 0) + 1; return Math.seen;",  # a built-in object
        "Array.prototype.seen = (Array.prototype.seen || 0) + 1; return [].seen;",
        "Buffer.seen = (Buffer.seen || 0) + 1; return Buffer.seen;",
        "if (!globalThis.JSON.seen) { var j = JSON; JSON = {seen: 0, parse: j.parse, stringify: j.stringify}; } "
        "return ++JSON.seen;",  # a global replaced
    ],
)
def test_nothing_a_script_keeps_reaches_another_device_or_tenant(engine, keep):
    source = "function decodeUplink(i) { var n = (function () { " + keep + " })(); return {data: {n: n}}; }"
    connector = ts013(source)
    seen = [
        engine.decode(connector, tenant, device, INPUT).decoded["n"]
        for tenant, device in [
            ("acme", "dev1"),
            ("acme", "dev1"),
            ("acme", "dev2"),
            ("other", "dev2"),
            ("acme", "dev1"),
        ]
    ]
    assert seen[2:] == [1, 1, 1]  # a new device, another tenant, a device again after another one
    assert seen[0] == 1


def test_console_lines_are_kept_for_the_caller(engine):
    source = "function decodeUplink(i) { console.log('port', i.fPort, {a: 1}); return {data: {}}; }"
    assert engine.decode(ts013(source), "acme", "dev1", INPUT, logs=True).logs == ['port 2 {"a":1}']
