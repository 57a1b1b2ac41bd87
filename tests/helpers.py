"""Builders shared by the tests: one way to make an API Gateway HTTP API (payload 2.0) event and invoke the handler."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from urllib.parse import urlencode

from inlet_cli.local import env as local_env


class LambdaContext:
    function_name = "inlet-uplink-test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:inlet-uplink-test"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 15_000


def http_event(
    body=None,
    *,
    key: str | None = local_env.EVENTS_KEY,
    content_type: str | None = "application/json",
    query: dict | None = None,
    headers: dict | None = None,
    base64_body: bool = False,
) -> dict:
    """``body`` may be bytes/str (sent as is) or any JSON value (encoded)."""
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, bytes):
        body = body.decode()
    all_headers = {"host": "localhost", "user-agent": "pytest"}
    if content_type:
        all_headers["content-type"] = content_type
    if key:
        all_headers["authorization"] = key
    all_headers.update(headers or {})
    if base64_body and body is not None:
        body = base64.b64encode(body.encode()).decode()
    return {
        "version": "2.0",
        "routeKey": "POST /uplink",
        "rawPath": "/uplink",
        "rawQueryString": urlencode(query or {}),
        "headers": all_headers,
        "queryStringParameters": query or None,
        "requestContext": {
            "http": {"method": "POST", "path": "/uplink", "sourceIp": "127.0.0.1"},
            "requestId": str(uuid.uuid4()),
            "routeKey": "POST /uplink",
            "stage": "$default",
            "timeEpoch": int(time.time() * 1000),
        },
        "body": body,
        "isBase64Encoded": base64_body,
    }


def invoke(event: dict) -> tuple[int, dict, dict]:
    """Call the real handler; return (status, parsed body, headers)."""
    import app

    answer = app.handler(event, LambdaContext())
    return answer["statusCode"], json.loads(answer["body"]), answer["headers"]


def restart_container() -> None:
    """Forget settings, clients and caches, as a new Lambda container would (after an environment change)."""
    from inlet.adapters.aws import client
    from inlet.service.decoding import script_engine
    from inlet.service.wiring import dependencies
    from inlet.settings import load_settings

    for cached in (load_settings, dependencies, client, script_engine):  # a cold container has no engine yet
        cached.cache_clear()


class Atomic:
    """DynamoDB applies each request atomically (a conditional write is checked and written as one step); moto does
    it in several steps without a lock. Serialising the calls, not the workers, gives moto DynamoDB's guarantee."""

    lock = threading.Lock()

    def __init__(self, client) -> None:
        self._client = client

    def __getattr__(self, name: str):
        method = getattr(self._client, name)

        def call(*args, **kwargs):
            with Atomic.lock:
                return method(*args, **kwargs)

        return call


def all_at_once(count: int, action):
    """``action()`` in ``count`` threads released together (a barrier): what each returned, in finishing order."""
    results = []
    barrier = threading.Barrier(count)

    def run():
        barrier.wait()
        results.append(action())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
