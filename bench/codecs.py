"""The decoders of the decoding figures: one device type (the TTS workload's Dragino LHT65) in both contracts.

The LHT65's uplink is 11 bytes: battery (2, the top two bits are a status), internal temperature (2, signed,
0.01 °C), humidity (2, 0.1 %), the external sensor's type (1) and value (2, signed, 0.01 °C), and two more bytes.
The two scripts are written as their vendors' users write them (the TTN Device Repository's codec style; a TagoIO
parser with ``Buffer``), and decode the same fields.
"""

from __future__ import annotations

from inlet.core.decoding.references import KIND_TAGOIO, KIND_TS013, Connector

TS013_LHT65 = r"""
function signed16(high, low) {
  var value = (high << 8) | low;
  return value & 0x8000 ? value - 0x10000 : value;
}

function decodeUplink(input) {
  var bytes = input.bytes;
  if (input.fPort !== 2) return { errors: ["unknown FPort " + input.fPort] };
  if (bytes.length < 11) return { errors: ["LHT65 uplinks are 11 bytes, got " + bytes.length] };
  var data = {
    battery_v: (((bytes[0] << 8) | bytes[1]) & 0x3fff) / 1000,
    temperature_c: signed16(bytes[2], bytes[3]) / 100,
    humidity_pct: ((bytes[4] << 8) | bytes[5]) / 10,
    ext_sensor: ["none", "temperature", "interrupt", "illumination", "adc"][bytes[6] & 0x7f] || "unknown",
  };
  if ((bytes[6] & 0x7f) === 1) data.ext_temperature_c = signed16(bytes[7], bytes[8]) / 100;
  var warnings = data.humidity_pct > 100 ? ["humidity above 100 %"] : [];
  return { data: data, warnings: warnings };
}
"""

TAGOIO_LHT65 = r"""
const raw = payload.find((x) => x.variable === "payload" || x.variable === "payload_raw");
if (raw) {
  const buffer = Buffer.from(raw.value, "hex");
  const group = raw.group || String(new Date().getTime());
  const extType = buffer.readUInt8(6) & 0x7f;
  const decoded = [
    { variable: "battery", value: (buffer.readUInt16BE(0) & 0x3fff) / 1000, unit: "V" },
    { variable: "temperature", value: buffer.readInt16BE(2) / 100, unit: "°C" },
    { variable: "humidity", value: buffer.readUInt16BE(4) / 10, unit: "%" },
  ];
  if (extType === 1) decoded.push({ variable: "ext_temperature", value: buffer.readInt16BE(7) / 100, unit: "°C" });
  payload = payload.concat(decoded.map((record) => ({ ...record, group })));
}
"""

CONNECTORS = {
    KIND_TS013: Connector("bench-lht65-ts013", 1, KIND_TS013, TS013_LHT65),
    KIND_TAGOIO: Connector("bench-lht65-tagoio", 1, KIND_TAGOIO, TAGOIO_LHT65),
}
