"""API Gateway HTTP API (payload 2.0) event -> ``HttpRequest``."""

from __future__ import annotations

import base64
import binascii

from inlet.core.request import HttpRequest


def request_from_event(event: dict) -> HttpRequest:
    context = event.get("requestContext") or {}
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    return HttpRequest(
        headers=headers,
        query=dict(event.get("queryStringParameters") or {}),
        body=_body_bytes(event),
        request_id=str(context.get("requestId", "")),
        source_ip=str((context.get("http") or {}).get("sourceIp", "")),
        received_ms=int(context.get("timeEpoch") or 0),
    )


def _body_bytes(event: dict) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body)
        except (binascii.Error, ValueError):
            return body.encode()  # not base64 after all: let JSON parsing report it
    return body.encode()
