"""TypeScript TagoIO connectors transpiled by Inlet's transpiler and run in Inlet's engine give the records that the
same connectors give when built by TagoIO's toolchain (swc, target es2020) and run in Node.

Two corpora (tests/fixtures/tagoio-ts/README.md): Inlet's own TypeScript parsers (``inlet/``, always run), and the
TypeScript connectors of ``tago-io/decoders`` that have tests (``tago-io-decoders.json``: their test inputs and Node's
records; that repository carries no licence, so its sources are not copied here: the comparison runs when a checkout
of it is named by ``INLET_TAGOIO_DECODERS``).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from inlet_cli.errors import CliError
from inlet_cli.typescript import transpile

from tests.typescript_corpus import run_cases

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parents[1] / "fixtures" / "tagoio-ts"
OWN = FIXTURES / "inlet"
# Differences that are the engines', not the transpiler's: a message V8 and QuickJS word differently.
ENGINE_WORDING = {
    ("decoders/network/kpn-things/v1.0.0/payload.ts", 2): "JSON.parse's error message (V8 and QuickJS word it apart)",
}


def test_own_typescript_parsers_give_nodes_records():
    corpus = json.loads((OWN / "expected.json").read_text())["connectors"]
    assert len(corpus) == 4
    for name, entry in corpus.items():
        source = (OWN / name).read_bytes().decode()  # as Node read it: no newline translated
        assert hashlib.sha256(source.encode()).hexdigest() == entry["sha256"], f"{name} changed: regenerate"
        assert run_cases(name, transpile(source, name), entry["cases"]) == []


@pytest.mark.skipif(not os.environ.get("INLET_TAGOIO_DECODERS"), reason="INLET_TAGOIO_DECODERS names no checkout")
def test_tago_io_decoders_typescript_connectors_give_nodes_records():
    root = Path(os.environ["INLET_TAGOIO_DECODERS"])
    corpus = json.loads((FIXTURES / "tago-io-decoders.json").read_text())["connectors"]
    differences, inputs = [], 0
    for path, entry in corpus.items():
        source = (root / path).read_bytes().decode()
        assert hashlib.sha256(source.encode()).hexdigest() == entry["sha256"], f"{path}: not the commit the corpus ran"
        cases = [case for index, case in enumerate(entry["cases"]) if (path, index) not in ENGINE_WORDING]
        inputs += len(cases)
        differences += run_cases(path, transpile(source, path), cases)
    assert differences == []
    assert (len(corpus), inputs) == (72, 242)


def test_types_interfaces_and_enums_become_javascript():
    javascript = transpile("interface A { b: number }\nenum E { X = 2 }\nconst a: A = { b: E.X as number };\n")
    assert "interface" not in javascript and ": A" not in javascript and " as " not in javascript
    assert "E[E[" in javascript  # the enum object, as swc makes it


def test_invalid_typescript_names_the_file_and_the_reason():
    with pytest.raises(CliError, match=r"^parser\.ts: not valid TypeScript: .+"):
        transpile("const a: = 1;", "parser.ts")
