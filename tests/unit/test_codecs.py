"""The codec registry: one module per kind, the one place a kind is told from a script and dispatched on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from inlet.codecs import (
    CODECS,
    SCRIPT_KINDS,
    KindMismatch,
    UnknownKind,
    builtin_connector,
    codec_for,
    script_kind,
)
from inlet.core.decoding.references import Connector, ConnectorRef
from inlet.service.decoding import decode_with

pytestmark = pytest.mark.unit

TS013_CORPUS = Path(__file__).parents[1] / "fixtures" / "ts013" / "vendor"
TAGOIO_PARSER = """
const raw = payload.find((x) => x.variable === "payload");
if (raw) {
  const bytes = Buffer.from(raw.value, "hex");
  payload = payload.concat([{ variable: "temperature", value: bytes.readInt16BE(0) / 100, unit: "°C" }]);
}
"""
# A TagoIO parser that wraps a TTN v2 decoder: both kinds' signs, its own list handling decides
TAGOIO_WRAPPING_TTN = """
function Decoder(bytes, port) { return { t: bytes[0] }; }
const raw = payload.find((x) => x.variable === "payload");
if (raw) payload = payload.concat([{ variable: "t", value: Decoder(Buffer.from(raw.value, "hex"), 1).t }]);
"""
TS013_CODEC = "function decodeUplink(input) { return { data: { first: input.bytes[0] } }; }"


def test_every_kind_has_its_module_and_only_scripts_are_stored():
    assert set(CODECS) == {"cayenne-lpp", "ts013", "tagoio"}
    assert SCRIPT_KINDS == ("ts013", "tagoio")
    assert codec_for("ts013").__module__ == "inlet.codecs.ts013"
    with pytest.raises(UnknownKind, match="lua"):
        codec_for("lua")


def test_builtin_connectors_have_one_version():
    assert builtin_connector(ConnectorRef("cayenne-lpp")).kind == "cayenne-lpp"
    assert builtin_connector(ConnectorRef("cayenne-lpp", 1)).label == "cayenne-lpp@1"
    assert builtin_connector(ConnectorRef("cayenne-lpp", 2)) is None
    assert builtin_connector(ConnectorRef("acme")) is None


@pytest.mark.parametrize(
    ("source", "kind"),
    [(TAGOIO_PARSER, "tagoio"), (TAGOIO_WRAPPING_TTN, "tagoio"), (TS013_CODEC, "ts013"),
     ("var payload = input.bytes;\nfunction decodeUplink(input) { return {data: {}}; }", "ts013"),
     ("module.exports = { Decode: function (fPort, bytes) { return {}; } };", "ts013"),
     ("function Decoder(bytes, port) { return {}; }", "ts013")],
)  # fmt: skip
def test_kind_told_from_the_script(source, kind):
    assert script_kind(source) == kind
    assert script_kind(source, kind) == kind


def test_a_kind_given_is_checked_with_the_reason():
    with pytest.raises(KindMismatch, match=r"not a ts013 script: it defines none of decodeUplink.*--kind tagoio"):
        script_kind(TAGOIO_PARSER, "ts013")
    with pytest.raises(KindMismatch, match=r"not a tagoio script: it never reads payload.*--kind ts013"):
        script_kind(TS013_CODEC, "tagoio")
    with pytest.raises(KindMismatch, match="of no kind"):
        script_kind("const x = 1;")


def test_every_codec_of_the_device_repository_is_told_ts013():
    sources = [path.read_text(errors="replace") for path in sorted(TS013_CORPUS.rglob("*.js"))]
    assert len(sources) > 150
    assert {script_kind(source) for source in sources} == {"ts013"}


def test_cayenne_names_base64_and_the_option_that_fixes_it():
    connector = builtin_connector(ConnectorRef("cayenne-lpp"))
    record = {"payload": "AWcBEA==", "flags": ["payload_not_decodable"]}
    (decoding,) = decode_with(connector, [(record, None)])
    assert decoding.failed
    assert "not hex" in decoding.errors[0] and "base64" in decoding.errors[0]
    assert "--payload-encoding base64" in decoding.errors[0]
    (decoding,) = decode_with(connector, [({"payload": "016701100"[:8]}, None)])
    assert decoding.decoded == {"temperature_1": 27.2} and not decoding.failed


def test_a_connector_of_an_unknown_kind_fails_its_uplinks_only():
    (decoding,) = decode_with(Connector("future", 1, "lua", "x"), [({"payload": "00"}, None)])
    assert decoding.failed and "no codec of kind 'lua'" in decoding.errors[0]


@pytest.mark.skipif(not os.environ.get("INLET_TAGOIO_DECODERS"), reason="INLET_TAGOIO_DECODERS names no checkout")
def test_every_connector_of_tago_io_decoders_is_told_tagoio():
    root = Path(os.environ["INLET_TAGOIO_DECODERS"]) / "decoders"
    scripts = [p for p in root.rglob("payload.*") if p.suffix in (".js", ".ts") and ".test." not in p.name]
    sources = [text for p in scripts if (text := p.read_text(errors="replace")).strip()]  # some are empty
    assert len(sources) > 500
    assert {script_kind(source) for source in sources} == {"tagoio"}
