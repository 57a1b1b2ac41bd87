"""API Gateway HTTP API (payload 2.0) event -> ``HttpRequest``."""

from __future__ import annotations

import base64
import binascii

from inlet.core.request import HttpRequest


def request_from_event(event: dict) -> HttpRequest:
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    return HttpRequest(
        headers=headers,
        query=dict(event.get("queryStringParameters") or {}),
        body=_body_bytes(event),
    )


def _body_bytes(event: dict) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body)
        except (binascii.Error, ValueError):
            return body.encode()  # not base64 after all: let JSON parsing report it
    return body.encode()
