"""API Gateway HTTP API (payload 2.0) event -> ``HttpRequest``."""

from __future__ import annotations

import base64
import binascii

from inlet.core.request import HttpRequest
from inlet.errors import BadRequest


def request_from_event(event: dict) -> HttpRequest:
    if not isinstance(event, dict):
        raise BadRequest(f"Event must be an object, got {type(event).__name__}")
    return HttpRequest(
        headers={str(k).lower(): str(v) for k, v in _mapping(event, "headers").items()},
        query={str(k): str(v) for k, v in _mapping(event, "queryStringParameters").items()},
        body=_body_bytes(event),
        source_ip=_source_ip(event),
    )


def _source_ip(event: dict) -> str:
    http = (event.get("requestContext") or {}).get("http") if isinstance(event.get("requestContext"), dict) else None
    value = http.get("sourceIp") if isinstance(http, dict) else None
    return value if isinstance(value, str) else ""


def _mapping(event: dict, name: str) -> dict:
    value = event.get(name) or {}
    if not isinstance(value, dict):
        raise BadRequest(f"Event {name} must be an object, got {type(value).__name__}")
    return value


def _body_bytes(event: dict) -> bytes:
    body = event.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):  # a direct invocation may put anything here; API Gateway always sends text
        raise BadRequest(f"Event body must be a string, got {type(body).__name__}")
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body)
        except (binascii.Error, ValueError):
            pass  # not base64 after all: let JSON parsing report it
    # "surrogatepass": a direct invocation can carry a lone surrogate, which strict UTF-8 cannot encode; passed
    # through, it makes invalid UTF-8 that JSON parsing refuses with a 400 that says where.
    return body.encode("utf-8", "surrogatepass")
