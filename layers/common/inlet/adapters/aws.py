"""boto3 clients: created lazily on first use, reused across warm invocations, replaceable in tests.

``AWS_ENDPOINT_URL`` (honoured by botocore itself) points every client at a local emulator.
"""

from __future__ import annotations

from functools import cache, lru_cache

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from inlet.adapters import time_budget
from inlet.errors import ServiceUnavailable

# Standard mode retries throttling and 5xx with jittered backoff; timeouts keep a slow dependency from eating the
# whole Lambda timeout. DynamoDB skips client-side parameter validation: our adapters build every request, and
# validating 1,000-item batches costs more CPU than the rest of the request.
# The invocation's time budget (time_budget) decides whether one more attempt may start.
_BASE = {
    "retries": {"mode": "standard", "max_attempts": time_budget.MAX_ATTEMPTS},
    "connect_timeout": time_budget.CONNECT_TIMEOUT,
    "read_timeout": time_budget.READ_TIMEOUT,
}
_CONFIGS = {"dynamodb": Config(**_BASE, parameter_validation=False), "ssm": Config(**_BASE)}


@lru_cache(maxsize=1)
def _session() -> boto3.session.Session:
    """One session for every client: its loader caches the endpoint and model files they share."""
    return boto3.session.Session()


@cache
def client(service: str):
    made = _session().client(service, config=_CONFIGS.get(service, Config(**_BASE)))
    # first: the check runs before anything else answers the request (moto in tests, the bench's in-process AWS)
    made.meta.events.register_first("before-send", time_budget.refuse_late_attempt)
    return made


class LazyClient:
    """An adapter's boto3 client: the one injected in its constructor (tests), else the shared one on first use.

    ``dynamodb = LazyClient("dynamodb")`` in a class reads the instance's ``_dynamodb``; nothing is created at import
    or construction time.
    """

    def __init__(self, service: str) -> None:
        self.service = service

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = f"_{name}"

    def __get__(self, instance: object, owner: type | None = None):
        if instance is None:
            return self
        value = getattr(instance, self.attribute, None)
        if value is None:
            value = client(self.service)
            setattr(instance, self.attribute, value)
        return value


def error_code(exc: Exception) -> str:
    """The AWS error code of an SDK failure; "" for failures without one (BotoCoreError: connection, timeout)."""
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code", "")


def unavailable(what: str, exc: Exception) -> ServiceUnavailable:
    """Translate an SDK failure that survived botocore's retries into a 503 (never a 401 or a 500)."""
    detail = error_code(exc) or type(exc).__name__
    return ServiceUnavailable(f"{what} unavailable, retry later", cause=detail)


SDK_ERRORS = (ClientError, BotoCoreError)


def partition_after(partition: str, after_sk: str | None) -> tuple[str, dict]:
    """A Query's key condition and values for one partition (``device``), only past ``after_sk`` when given."""
    condition, values = "device = :d", {":d": {"S": partition}}
    if after_sk:
        condition += " AND sk > :after"
        values[":after"] = {"S": after_sk}
    return condition, values
