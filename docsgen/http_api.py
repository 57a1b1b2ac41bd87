"""The HTTP API page, rendered from ``openapi.yaml``: the operations, their parameters, the ways of sending the key,
the body and every answer with its headers. The page follows the document; the document is checked against the
code by ``tests/unit/test_openapi.py`` and the fuzzers."""

from __future__ import annotations

from pathlib import Path

import yaml

OPENAPI = Path(__file__).resolve().parent.parent / "openapi.yaml"


def render(path: Path = OPENAPI) -> str:
    doc = yaml.safe_load(path.read_text())
    lines = [doc["info"].get("description", "").strip(), ""]
    lines += _security(doc)
    for route, operations in doc["paths"].items():
        for method, operation in operations.items():
            lines += _operation(doc, route, method, operation)
    lines += _schemas(doc)
    return "\n".join(lines).rstrip() + "\n"


def _security(doc: dict) -> list[str]:
    lines = ["## Sending the key", "", "| scheme | how | |", "|---|---|---|"]
    for name, scheme in doc["components"]["securitySchemes"].items():
        how = f"{scheme.get('in', 'header')} `{scheme.get('name', 'Authorization')}`"
        if scheme["type"] == "http":
            how = f"header `Authorization: {scheme['scheme'].capitalize()} …`"
        lines.append(f"| `{name}` | {how} | {_cell(scheme.get('description', ''))} |")
    return [*lines, ""]


def _operation(doc: dict, route: str, method: str, operation: dict) -> list[str]:
    lines = [f"## `{method.upper()} {route}`", "", f"**{operation.get('summary', '')}**", ""]
    lines += [operation.get("description", "").strip(), ""]
    params = [_resolve(doc, p) for p in operation.get("parameters", [])]
    if params:
        lines += ["### Parameters", "", "| name | in | what it is |", "|---|---|---|"]
        lines += [f"| `{p['name']}` | {p['in']} | {_cell(p.get('description', ''))} |" for p in params]
        lines.append("")
    body = operation.get("requestBody")
    if body:
        lines += ["### Body", "", _cell(body.get("description", "")), ""]
        lines += [f"- `{media}`: {_schema_name(spec.get('schema', {}))}" for media, spec in body["content"].items()]
        lines.append("")
    lines += ["### Answers", "", "| status | meaning | headers | body |", "|---|---|---|---|"]
    for status, answer in operation["responses"].items():
        answer = _resolve(doc, answer)
        headers = ", ".join(f"`{h}`" for h in answer.get("headers", {}))
        bodies = ", ".join(_schema_name(s.get("schema", {})) for s in answer.get("content", {}).values())
        lines.append(f"| {status} | {_cell(answer.get('description', ''))} | {headers} | {bodies} |")
    return [*lines, ""]


def _schemas(doc: dict) -> list[str]:
    lines = ["## Schemas", ""]
    for name, schema in doc["components"]["schemas"].items():
        lines += [f"### {name}", "", _cell(schema.get("description", "")), ""]
        props = schema.get("properties") or {}
        if props:
            required = set(schema.get("required", []))
            lines += ["| field | type | required | what it is |", "|---|---|---|---|"]
            for field, spec in props.items():
                kind = _schema_name(spec)
                lines.append(
                    f"| `{field}` | {kind} | {'yes' if field in required else ''} | "
                    f"{_cell(spec.get('description', ''))} |"
                )
            lines.append("")
    return lines


def _resolve(doc: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _schema_name(schema: dict) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return f"[{name}](#{name.lower()})"
    for combo in ("oneOf", "anyOf", "allOf"):
        if combo in schema:
            return " or ".join(_schema_name(s) for s in schema[combo])
    if schema.get("type") == "array":
        return f"array of {_schema_name(schema.get('items', {}))}"
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    return str(schema.get("type", "any"))


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")
