"""TagoIO payload parsers in the style of TagoIO's public connectors: Buffer, device.params, console.log, payload."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inlet.adapters.javascript.engine import ScriptEngine
from inlet.core.decoding.contracts import tagoio_input
from inlet.core.decoding.references import Connector

pytestmark = pytest.mark.unit

# A sensor frame: int16 BE temperature x100, uint8 humidity x2, uint16 LE battery mV, float32 BE pressure.
FRAME = "0a6f" + "64" + "e40c" + "447a0000"

SENSOR_PARSER = """
// Decodes the sensor frame; the device's "temperature_offset" parameter corrects the temperature.
function parseFrame(buffer, group, offset) {
  return [
    { variable: "temperature", value: buffer.readInt16BE(0) / 100 + offset, unit: "°C", group },
    { variable: "humidity", value: buffer.readUInt8(2) / 2, unit: "%", group },
    { variable: "battery", value: buffer.readUInt16LE(3) / 1000, unit: "V", group },
    { variable: "pressure", value: buffer.readFloatBE(5), unit: "hPa", group },
  ];
}
const payloadRaw = payload.find((x) => ["payload_raw", "payload", "data"].includes(x.variable));
if (payloadRaw) {
  try {
    const buffer = Buffer.from(payloadRaw.value, "hex");
    const param = device.params.find((p) => p.key === "temperature_offset");
    const offset = param ? Number(param.value) : 0;
    const group = payloadRaw.group || String(new Date().getTime());
    console.log("frame of", buffer.length, "bytes, offset", offset);
    payload = payload.filter((x) => x.variable !== "payload").concat(parseFrame(buffer, group, offset));
  } catch (e) {
    console.error(e.message);
    payload = [{ variable: "parse_error", value: e.message }];
  }
}
"""


@pytest.fixture
def engine():
    return ScriptEngine()


def tagoio(source: str, version: int = 1) -> Connector:
    return Connector("sensor", version, "tagoio", source)


def run(engine, source, records, params=None, version=1):
    device = {"id": "dev1", "params": params or [], "tags": []}
    return engine.decode(tagoio(source, version), "acme", "dev1", records, device, logs=True)


def test_a_connector_style_parser_decodes_with_buffer_and_device_params(engine):
    records = tagoio_input(FRAME, 10)
    decoding = run(engine, SENSOR_PARSER, records, [{"key": "temperature_offset", "value": "-0.5"}])
    assert not decoding.failed
    values = {r["variable"]: r["value"] for r in decoding.decoded}
    assert values == {"port": 10, "fport": 10, "temperature": 26.21, "humidity": 50, "battery": 3.3, "pressure": 1000}
    assert decoding.logs == ["frame of 9 bytes, offset -0.5"]


def test_the_parser_sees_what_it_can_break_and_reports_it(engine):
    decoding = run(engine, SENSOR_PARSER, tagoio_input("0a6f", 10))  # too short for readUInt16LE(3)
    assert decoding.decoded == [{"variable": "parse_error", "value": decoding.decoded[0]["value"]}]
    assert "out of range" in decoding.decoded[0]["value"]
    assert "out of range" in decoding.logs[-1]  # console.error, after the first console.log


def test_changing_payload_in_place_and_returning_early(engine):
    source = """
    if (!payload.length) return;
    const t = payload.find((x) => x.variable === "temperature");
    if (t) { t.value = (5 / 9) * (t.value - 32); t.unit = "C"; }
    """
    decoding = run(engine, source, [{"variable": "temperature", "value": 212}])
    assert decoding.decoded == [{"variable": "temperature", "value": 100, "unit": "C"}]
    assert run(engine, source, []).decoded == []


def test_a_parser_that_leaves_something_else_than_records_fails(engine):
    decoding = run(engine, "payload = 'done';", tagoio_input(FRAME, 1))
    assert decoding.failed
    assert decoding.errors == ["wrong output: payload must be a list of TagoIO records, got string"]


def test_shims_of_older_parsers_still_work(engine):
    # TagoIO's older connectors add Node's methods to Uint8Array themselves and use implicit globals.
    source = """
    Uint8Array.prototype.readUInt16BE = function (o) { return (this[o] << 8) | this[o + 1]; };
    serie = new Date().getTime();
    const data = payload.find((x) => x.variable === "payload");
    payload = [{ variable: "level", value: new Uint8Array([1, 2]).readUInt16BE(0), serie }];
    """
    for device in ("dev1", "dev2", "dev1"):
        decoding = engine.decode(tagoio(source), "acme", device, tagoio_input(FRAME, 1), {"params": []})
        assert decoding.decoded[0]["value"] == 258


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Buffer.from('AQID', 'base64').toString('hex')", "010203"),
        ("Buffer.from('0102zz', 'hex').length", 2),  # Node stops at the first pair that is not hex
        ("Buffer.from('héllo').toString('hex')", "68c3a96c6c6f"),
        ("Buffer.from('68c3a96c6c6f', 'hex').toString()", "héllo"),
        ("Buffer.from([1, 2, 3]).toString('base64')", "AQID"),
        ("Buffer.from('ff7f', 'hex').readInt8(0)", -1),
        ("Buffer.from('fffe', 'hex').readInt16LE(0)", -257),
        ("Buffer.from('80000000', 'hex').readInt32BE(0)", -2147483648),
        ("Buffer.from('ffffffff', 'hex').readUInt32LE(0)", 4294967295),
        ("Buffer.from('0000803f', 'hex').readFloatLE(0)", 1),
        ("Buffer.from('400921fb54442d18', 'hex').readDoubleBE(0)", 3.141592653589793),
        ("Buffer.from('010203', 'hex').readUIntBE(0, 3)", 66051),
        ("Buffer.from('ffffff', 'hex').readIntLE(0, 3)", -1),
        ("Buffer.from('00010203', 'hex').slice(1, 3).toString('hex')", "0102"),
        ("Buffer.isBuffer(Buffer.from('00', 'hex')) && !Buffer.isBuffer(new Uint8Array(1))", True),
        ("Buffer.concat([Buffer.from('01', 'hex'), Buffer.from('02', 'hex')]).toString('hex')", "0102"),
        ("JSON.stringify(Buffer.from('0102', 'hex'))", '{"type":"Buffer","data":[1,2]}'),
        ("Buffer.alloc(2).toString('hex')", "0000"),
    ],
)
def test_buffer(engine, expression, expected):
    decoding = run(engine, f"payload = [{{variable: 'r', value: {expression}}}];", [])
    assert decoding.decoded == [{"variable": "r", "value": expected}], decoding.errors


def test_buffer_reads_past_the_end_throw_like_node(engine):
    decoding = run(engine, "Buffer.from('01', 'hex').readUInt16BE(0);", [])
    assert decoding.failed
    assert decoding.errors[0].startswith('script error: RangeError: The value of "offset" is out of range')


INTEGER_READS = [(f"read{'' if signed else 'U'}Int{8 * size}{end}", size, signed, order)
                 for size in (1, 2, 4) for signed in (True, False)
                 for end, order in ((("", "big"),) if size == 1 else (("BE", "big"), ("LE", "little")))]  # fmt: skip
READS_SCRIPT = """
const buffer = Buffer.from(payload[0].value, "hex"), reads = [];
for (const name of %s) {
  for (let offset = 0; offset < buffer.length; offset++) {
    try { reads.push(buffer[name](offset)); } catch (e) { reads.push(e instanceof RangeError ? "range" : "other"); }
  }
}
payload = [{variable: "length", value: buffer.length}, {variable: "reads", value: JSON.stringify(reads)}];
"""


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=10), tail=st.sampled_from(["", "z", "0g", "f", "é0"]), upper=st.booleans())
def test_buffer_hex_and_integer_reads_agree_with_python_on_any_bytes(data, tail, upper):
    """Python's int.from_bytes and bytes.fromhex, a decoder nobody here wrote, as the reference."""
    text = (data.hex().upper() if upper else data.hex()) + tail
    names = orjson.dumps([name for name, *_ in INTEGER_READS]).decode()
    decoding = ScriptEngine().decode(tagoio(READS_SCRIPT % names), "acme", "d", tagoio_input(text, 1), {})
    length, reads = decoding.decoded[0]["value"], orjson.loads(decoding.decoded[1]["value"])
    assert length == len(data)  # Node stops at the first pair that is not hex: what fromhex takes
    expected = [
        int.from_bytes(data[offset : offset + size], order, signed=signed) if offset + size <= len(data) else "range"
        for _, size, signed, order in INTEGER_READS
        for offset in range(len(data))
    ]
    assert reads == expected
