"""Codec descriptions of the TTN Device Repository: their uplink examples, read and compared as its validator does.

A description (``vendor/<vendor>/<codec>.yaml``) names its script (``uplinkDecoder.fileName``) and lists
``examples``: an ``input`` (``fPort``, ``bytes``, maybe ``recvTime``) and the expected ``output`` (``data`` and/or
``errors`` / ``warnings``). The repository reads YAML as YAML 1.2 (js-yaml): only ``true``/``false`` are booleans
(not ``yes``, ``on``, ``NO``), ``010`` is ten, and dates stay text. PyYAML's default is YAML 1.1, so this module
has its own loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with the implicit types of YAML 1.2's core schema."""


_Yaml12Loader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("tag:yaml.org,2002:int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
]
for _tag, _pattern, _first in _RESOLVERS:
    _Yaml12Loader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))


def _int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = loader.construct_scalar(node)
    if text.startswith(("0x", "0o")):
        return int(text[2:], 16 if text[1] == "x" else 8)
    return int(text, 10)


_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int)


def load_description(text: str) -> dict:
    description = yaml.load(text, Loader=_Yaml12Loader)  # a SafeLoader subclass: no arbitrary objects
    if not isinstance(description, dict):
        raise ValueError("a codec description is a YAML mapping")
    return description


@dataclass(frozen=True)
class Example:
    description: str
    input: dict
    output: dict
    normalized_output: dict | None = None  # ``normalizedOutput``: what normalizeUplink gives (``data``, ...)


def uplink_examples(description: dict) -> tuple[str, list[Example]]:
    """The uplink decoder's script file name and its examples."""
    decoder = description.get("uplinkDecoder")
    if not isinstance(decoder, dict) or not isinstance(decoder.get("fileName"), str):
        raise ValueError("the description has no uplinkDecoder.fileName")
    examples = [
        Example(
            str(e.get("description", f"example {i + 1}")),
            e.get("input") or {},
            e.get("output") or {},
            e.get("normalizedOutput") if isinstance(e.get("normalizedOutput"), dict) else None,
        )
        for i, e in enumerate(decoder.get("examples") or [])
    ]
    return decoder["fileName"], examples


def actual_output(data: object, errors: list[str], warnings: list[str]) -> dict:
    """A decode in the examples' form: ``data`` when there is some, ``errors``/``warnings`` when not empty."""
    output: dict = {} if data is None else {"data": data}
    if errors:
        output["errors"] = errors
    if warnings:
        output["warnings"] = warnings
    return output


def differences(expected: dict, actual: dict, path: str = "output") -> list[str]:
    """Where ``actual`` differs from ``expected`` (deep equality; an empty ``errors``/``warnings`` list is none)."""
    expected = {k: v for k, v in expected.items() if not (k in ("errors", "warnings") and v == [])}
    return _diff(expected, actual, path)


def _diff(expected: object, actual: object, path: str) -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in actual:
                found.append(f"{path}.{key}: missing (expected {expected[key]!r})")
            elif key not in expected:
                found.append(f"{path}.{key}: unexpected {actual[key]!r}")
            else:
                found += _diff(expected[key], actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in _diff(e, a, f"{path}[{i}]")]
    same_kind = isinstance(expected, bool) == isinstance(actual, bool)  # true is not 1 in JavaScript
    if same_kind and expected == actual:
        return []
    return [f"{path}: expected {expected!r}, got {actual!r}"]
