"""openapi.yaml as the tests read it: the document, its answers, and whether an answer is what it documents."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from openapi_schema_validator import OAS30Validator

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = yaml.safe_load((ROOT / "openapi.yaml").read_text())
OPERATION = DOCUMENT["paths"]["/uplink"]["post"]


def resolved(node: object) -> object:
    """The node with every local ``$ref`` replaced by what it names (the document has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: object = DOCUMENT
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolved(target)
        return {name: resolved(value) for name, value in node.items()}
    if isinstance(node, list):
        return [resolved(value) for value in node]
    return node


@cache
def answer_validator(status: int) -> OAS30Validator:
    return OAS30Validator(resolved(OPERATION["responses"][str(status)]["content"]["application/json"]["schema"]))


def undocumented(status: int, headers: dict[str, str], body: object) -> list[str]:
    """How an answer (lower-case header names, parsed JSON body) differs from what openapi.yaml says of it."""
    answer = OPERATION["responses"].get(str(status))
    if answer is None:
        return [f"undocumented status {status}"]
    required = [name for name, header in resolved(answer.get("headers", {})).items() if header.get("required")]
    found = [f"{status} without the {name} header" for name in required if name.lower() not in headers]
    error = next(iter(answer_validator(status).iter_errors(body)), None)
    if error is not None:
        found.append(f"{status} body not as documented: {error.message[:160]}")
    return found
