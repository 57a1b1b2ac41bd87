"""Every uplink example of 202 vendors' TS013 codecs (tests/fixtures/ts013), through the real engine.

The expected outputs were written by the vendors and checked by the Device Repository's own validator; each codec
gets one engine context, reused across its examples, as a warm function reuses it across uplinks.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from inlet.adapters.javascript.engine import ScriptEngine
from inlet.core.decoding.contracts import ts013_input
from inlet.core.decoding.references import Connector
from inlet_cli.decoder_examples import actual_output, differences, load_description, uplink_examples

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).parents[1] / "fixtures" / "ts013"

# Examples that disagree with their own codec on Node as well, with the same output as here (the example is wrong),
# by description file and example index. Nothing else may fail.
KNOWN_BAD: dict[tuple[str, int], str] = {
    ("b-meters/iwmlr3-codec.yaml", 0): "the codec returns `application` (the example spells it `aplication`) and "
    "the example writes the counters' hex digits as decimal numbers (00012074 for 0x0001204A = 73802)",
    ("decentlab/dl-trs11-codec.yaml", 0): "the codec computes 1.0259018697121183 (Node too); the example has "
    "1.0259018697121038, a difference in the 15th significant digit",
    ("espeasy/espeasy-codec.yaml", 1): "the example expects `temp: null`; the codec leaves `temp` undefined, which "
    "JSON omits (Node too)",
}


def _cases() -> list:
    cases = []
    for path in sorted(CORPUS.glob("vendor/**/*.yaml")):
        file_name, examples = uplink_examples(load_description(path.read_text()))
        for index, example in enumerate(examples):
            name = f"{path.relative_to(CORPUS / 'vendor')}#{index}"
            reason = KNOWN_BAD.get((str(path.relative_to(CORPUS / "vendor")), index))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            cases.append(pytest.param(path.parent / file_name, example, id=name, marks=marks))
    return cases


CASES = _cases()
_engine = ScriptEngine()
_connectors: dict[Path, Connector] = {}


def _connector(script: Path) -> Connector:
    if script not in _connectors:
        _connectors[script] = Connector(str(script.relative_to(CORPUS)), 1, "ts013", script.read_text())
    return _connectors[script]


def test_the_corpus_is_complete():
    assert len(CASES) == 628
    assert "Apache License" in (CORPUS / "LICENSE").read_text().splitlines()[0]


@pytest.mark.parametrize(("script", "example"), CASES)
def test_vendor_example(script, example):
    given = example.input
    script_input = ts013_input(bytes(given.get("bytes") or []), given.get("fPort"), given.get("recvTime"))
    decoding = _engine.decode(_connector(script), "corpus", str(script), script_input)
    actual = actual_output(decoding.decoded, decoding.errors, decoding.warnings)
    # The engine's output as JSON (what a record stores), compared with the YAML's values.
    assert differences(example.output, orjson.loads(orjson.dumps(actual))) == []
