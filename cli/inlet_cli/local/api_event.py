"""What API Gateway HTTP API (payload format 2.0) hands the function, what it makes of the answer, and a context.

The local server builds the same event a deployed stack would, so the real handler runs unchanged.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

ROUTE_PATH = "/uplink"
ROUTE_KEY = f"POST {ROUTE_PATH}"
ACCOUNT_ID = "123456789012"
API_ID = "inletlocal"
FUNCTION_NAME = "inlet-local-uplink"


def http_api_event(
    method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str, now: float | None = None
) -> dict:
    now = time.time() if now is None else now
    split = urlsplit(target)
    lowered, cookies = _headers(headers, source_ip)
    event: dict = {"version": "2.0", "routeKey": ROUTE_KEY, "rawPath": split.path, "rawQueryString": split.query}
    if cookies:
        event["cookies"] = cookies
    event["headers"] = lowered
    query = query_parameters(split.query)
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = _request_context(method, split.path, lowered, source_ip, now)
    event.update(_body(body))
    return event


def query_parameters(raw_query: str) -> dict[str, str]:
    """Decoded parameters; a repeated name has its values joined by commas (as API Gateway does)."""
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    return params


def _headers(headers: list[tuple[str, str]], source_ip: str) -> tuple[dict[str, str], list[str]]:
    """Lower-case names, repeated headers joined by commas; cookies move to their own list (payload 2.0)."""
    lowered: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        name = name.lower()
        if name == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        else:
            lowered[name] = f"{lowered[name]},{value}" if name in lowered else value
    forwarded = lowered.get("x-forwarded-for")
    lowered["x-forwarded-for"] = f"{forwarded}, {source_ip}" if forwarded else source_ip
    host = lowered.get("host", "")
    lowered.setdefault("x-forwarded-port", host.rpartition(":")[2] if ":" in host else "80")
    lowered.setdefault("x-forwarded-proto", "http")
    lowered.setdefault("x-amzn-trace-id", f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}")
    return lowered, cookies


def _request_context(method: str, path: str, headers: dict[str, str], source_ip: str, now: float) -> dict:
    domain = headers.get("host", "127.0.0.1")
    return {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": domain,
        "domainPrefix": domain.split(".")[0],
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": ROUTE_KEY,
        "stage": "$default",
        "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now * 1000),
    }


def _body(body: bytes) -> dict:
    if not body:
        return {"isBase64Encoded": False}
    try:
        return {"body": body.decode("utf-8"), "isBase64Encoded": False}
    except UnicodeDecodeError:
        return {"body": base64.b64encode(body).decode(), "isBase64Encoded": True}


def http_answer(result: object) -> tuple[int, list[tuple[str, str]], bytes]:
    """A function result as the HTTP answer API Gateway would send (payload 2.0 rules)."""
    if not (isinstance(result, dict) and "statusCode" in result):
        return 200, [("content-type", "application/json")], json.dumps(result).encode()  # a bare value is JSON
    headers = [(str(k).lower(), str(v)) for k, v in (result.get("headers") or {}).items()]
    headers += [("set-cookie", str(c)) for c in result.get("cookies") or []]
    if not any(name == "content-type" for name, _ in headers):
        headers.append(("content-type", "application/json"))
    body = str(result.get("body") or "")
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    return int(result["statusCode"]), headers, data


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that the handler and Powertools read."""

    function_name: str = FUNCTION_NAME
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    timeout_seconds: int = 15  # the template's Globals.Function.Timeout
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = f"/aws/lambda/{FUNCTION_NAME}"
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
