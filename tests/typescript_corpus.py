"""Running TypeScript TagoIO connectors as Inlet does, and comparing their records with those Node gave.

A case is a parser input (``payload``, maybe ``device``) and what the connector built by TagoIO's toolchain (swc)
returned in Node (``records``, or ``error``); ``volatile`` lists the paths whose values changed between two Node runs
a second apart (times taken from the clock): there only the presence of a value is compared.
"""

from __future__ import annotations

import orjson
from inlet.adapters.javascript.engine import Job, ScriptEngine
from inlet.core.decoding.references import KIND_TAGOIO, Connector

SCOPE = "typescript-corpus"


def run_cases(name: str, javascript: str, cases: list[dict]) -> list[str]:
    """The differences between Inlet's records and Node's, one line each (empty: the same records)."""
    connector = Connector(name, 1, KIND_TAGOIO, javascript)
    engine = ScriptEngine()  # one context per connector, reused across its inputs as a warm function does
    found = []
    for index, case in enumerate(cases):
        device = case.get("device") or {"id": "corpus", "params": [], "tags": []}
        job = Job(f"device-{index}", case["payload"], device)
        decoding = engine.decode_many(connector, SCOPE, [job])[0]
        found += [f"{name} input {index}: {line}" for line in compare(case, decoding)]
    return found


def compare(case: dict, decoding) -> list[str]:
    if "error" in case:
        return [] if decoding.failed else [f"Node threw {case['error']!r}, Inlet returned {decoding.decoded!r}"]
    if decoding.failed:
        return [f"Inlet failed ({'; '.join(decoding.errors)}), Node returned records"]
    actual = orjson.loads(orjson.dumps(decoding.decoded))  # as stored: JSON
    volatile = set(case.get("volatile") or ())
    return [f"{path}: {what}" for path, what in differences(case["records"], actual, "", volatile)]


def differences(expected: object, actual: object, path: str, volatile: set[str]) -> list[tuple[str, str]]:
    if path in volatile:
        return [] if (expected is None) == (actual is None) else [(path, f"expected a value like {expected!r}")]
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = sorted(set(expected) | set(actual))
        return [d for key in keys for d in differences(expected.get(key), actual.get(key), f"{path}.{key}", volatile)]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [(path, f"{len(actual)} items, Node gave {len(expected)}")]
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in
                differences(e, a, f"{path}[{i}]", volatile)]  # fmt: skip
    if type(expected) is type(actual) and expected == actual:
        return []
    numbers = isinstance(expected, int | float) and isinstance(actual, int | float) and not isinstance(actual, bool)
    if numbers and float(expected) == float(actual):
        return []  # 1 and 1.0 are one number in JavaScript
    return [(path, f"expected {expected!r}, got {actual!r}")]
