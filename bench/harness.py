"""The real handler in-process, configured like the deployed function, with AWS answered by ``FakeAws``.

Logs and metrics stay on (INFO, EMF) as in Lambda, written to /dev/null: their formatting is part of the cost.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass

from bench.paths import add_source_dirs

add_source_dirs()

BENCH_KEY = "at" + "0b" * 16  # any well-formed key: the fake SSM knows every key


@dataclass(frozen=True)
class LambdaContext:
    function_name: str = "inlet-uplink"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:inlet-uplink"
    aws_request_id: str = "bench"


def configure_environment() -> None:
    """The function's environment (template.yaml names), dummy credentials, never a real endpoint."""
    from inlet_cli.local import env as local_env

    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    os.environ.update(local_env.function_environment(POWERTOOLS_METRICS_DISABLED="false", POWERTOOLS_LOG_LEVEL="INFO"))


def event(body: bytes, key: str = BENCH_KEY, request_id: str = "bench") -> dict:
    """An API Gateway HTTP API (payload 2.0) event, as the Lambda runtime hands it to the handler."""
    now_ms = int(time.time() * 1000)
    return {
        "version": "2.0",
        "routeKey": "POST /uplink",
        "rawPath": "/uplink",
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "authorization": key, "content-length": str(len(body))},
        "requestContext": {
            "requestId": request_id,
            "timeEpoch": now_ms,
            "http": {"method": "POST", "path": "/uplink", "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7"},
        },
        "body": body.decode(),
        "isBase64Encoded": False,
    }


class Harness:
    """``invoke(event)`` runs the real handler; ``fake`` counts the AWS calls it makes."""

    def __init__(self, inspect: bool = False) -> None:
        configure_environment()
        import app
        from inlet.adapters.aws import client

        from bench.fakeaws import FakeAws

        self.app = app
        self.context = LambdaContext()
        self._devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the harness
        app.logger.registered_handler.setStream(self._devnull)
        self.clients = (client("ssm"), client("dynamodb"))
        self.fake = FakeAws(inspect=inspect).install(*self.clients)
        self.reset_caches()

    def reset_caches(self) -> None:
        """A cold container: settings and dependencies (key and device caches) rebuilt on the next call."""
        from inlet.service.wiring import dependencies
        from inlet.settings import load_settings

        load_settings.cache_clear()
        dependencies.cache_clear()

    def invoke(self, evt: dict) -> dict:
        with contextlib.redirect_stdout(self._devnull):  # Metrics prints its EMF document to stdout
            answer = self.app.handler(evt, self.context)
        if answer["statusCode"] != 200:
            raise RuntimeError(f"handler answered {answer['statusCode']}: {answer['body'][:300]}")
        return answer

    def close(self) -> None:
        from bench.fakeaws import FakeAws

        FakeAws.uninstall(*self.clients)
        # the logger outlives the harness (a later one sets its own stream, flushing this one first): give it back
        # the function's stream before the file closes
        self.app.logger.registered_handler.setStream(sys.stdout)
        self._devnull.close()
