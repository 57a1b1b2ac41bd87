"""The one place where outcomes and errors become HTTP answers (API Gateway HTTP API, payload format 2.0)."""

from __future__ import annotations

import orjson

from inlet.errors import InletError, RequestInProgress, ServiceUnavailable

JSON_HEADERS = {"content-type": "application/json"}


def http_answer(status: int, body: dict, headers: dict[str, str] | None = None) -> dict:
    return {
        "statusCode": status,
        "headers": {**JSON_HEADERS, **(headers or {})},
        "body": orjson.dumps(body).decode(),
    }


def error_answer(error: InletError) -> dict:
    body: dict = {"status": False, "message": error.message}
    body.update({k: v for k, v in error.details.items() if k in _PUBLIC_DETAILS})
    headers = {}
    if isinstance(error, (ServiceUnavailable, RequestInProgress)):
        headers["retry-after"] = str(error.retry_after)
    return http_answer(error.status, body, headers)


def unexpected_answer() -> dict:
    """A bug must not look like a verdict on the input: 503 tells the sender nothing was accepted and to retry."""
    # "nothing was stored" would not be true after a half-written batch; what is true is that a retry is safe
    return error_answer(
        ServiceUnavailable("Internal error; retry later: a retry stores each uplink once", retry_after=10)
    )


_PUBLIC_DETAILS = ("index", "indexes", "items", "limit")
