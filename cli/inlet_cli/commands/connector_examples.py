"""``inlet connectors test FILE.yaml``: a TTN Device Repository codec description's uplink examples, run here.

An example's ``normalizedOutput``, when it has one, is compared with what the codec's ``normalizeUplink`` gave.

The description names its script (``uplinkDecoder.fileName``, beside the YAML) and lists ``examples`` with the
output their vendor expects. Each runs in the engine the deployed function uses, one context for all of them as a
warm function reuses it across uplinks, and is reported as pass or fail with every difference (the comparison of
the repository's own validator: deep equality, ``errors`` and ``warnings`` compared when expected).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson
from inlet.core.decoding.references import KIND_TS013, Connector
from yaml import YAMLError

from inlet_cli.commands.decode import decode_one, read_script, script_engine
from inlet_cli.decoder_examples import Example, actual_output, differences, load_description, uplink_examples
from inlet_cli.errors import CliError
from inlet_cli.output import print_json, say

SCRIPT_VERSION = 0  # a file on disk is no stored version
NORMALIZE_NOTE = "normalizeUplink: "  # how a decode's warnings carry normalizeUplink's errors and warnings


def check_compiles(kind: str, source: str, shown: str) -> None:
    """Refuse a script with a syntax error, or one that closes the function it is wrapped in, before it is stored:
    every uplink would fail with it. Compiles only: nothing of the script runs here (source_check)."""
    from inlet.adapters.javascript.limits import DEFAULT_LIMITS
    from inlet.adapters.javascript.source_check import LoadFailure, check_source

    try:
        check_source(kind, source, DEFAULT_LIMITS[kind])
    except LoadFailure as failure:
        raise CliError(f"{shown}: {failure}") from None


def test_examples(args: argparse.Namespace) -> int:
    path = Path(args.file)
    script_name, examples = read_description(path)
    script = path.parent / script_name
    connector = Connector(script.name, SCRIPT_VERSION, KIND_TS013, read_script(script))
    engine = script_engine()  # one context for every example, as a warm function reuses it across uplinks
    results = [run_example(engine, connector, index, example) for index, example in enumerate(examples)]
    failed = [r for r in results if not r["passed"]]
    if args.json:
        print_json(
            {
                "file": str(path),
                "script": str(script),
                "passed": len(results) - len(failed),
                "failed": len(failed),
                "examples": results,
            }
        )
    else:
        show(results)
    if not examples:
        raise CliError(f"{path} has no uplink examples")
    if failed:
        raise CliError(f"{len(failed)} of {len(results)} examples failed")
    return 0


def read_description(path: Path) -> tuple[str, list[Example]]:
    try:
        return uplink_examples(load_description(path.read_text(encoding="utf-8")))
    except (YAMLError, ValueError) as exc:
        raise CliError(f"{path}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def run_example(engine, connector: Connector, index: int, example: Example) -> dict:
    given = example.input
    try:
        payload = bytes(given.get("bytes") or [])
    except (TypeError, ValueError):
        problem = f"input.bytes must be a list of numbers 0-255, got {given.get('bytes')!r}"
        return {"index": index, "description": example.description, "passed": False, "differences": [problem]}
    decoding = decode_one(connector, payload.hex(), given.get("fPort"), [], engine, _text(given.get("recvTime")))
    notes = [w.removeprefix(NORMALIZE_NOTE) for w in decoding.warnings if w.startswith(NORMALIZE_NOTE)]
    warnings = [w for w in decoding.warnings if not w.startswith(NORMALIZE_NOTE)]
    # the output as a record stores it (JSON), compared with the YAML's values
    actual = orjson.loads(orjson.dumps(actual_output(decoding.decoded, decoding.errors, warnings)))
    found = differences(example.output, actual)
    result = {"index": index, "description": example.description, "expected": example.output, "actual": actual}
    if example.normalized_output is not None:
        normalized = orjson.loads(orjson.dumps(actual_output(decoding.normalized, [], notes)))
        found += differences(example.normalized_output, normalized, "normalizedOutput")
        result |= {"expected_normalized": example.normalized_output, "actual_normalized": normalized}
    return {**result, "passed": not found, "differences": found, "logs": decoding.logs}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def show(results: list[dict]) -> None:
    for result in results:
        mark = "pass" if result["passed"] else "FAIL"
        say(f"{mark}  #{result['index'] + 1} {result['description']}")
        for difference in result["differences"]:
            say(f"      {difference}")
    passed = sum(r["passed"] for r in results)
    say(f"{passed} of {len(results)} examples passed")
