"""``webhook``: an HTTPS POST of the body to the user's URL, signed as Standard Webhooks says.

Settings: ``url``, ``headers`` (the receiver's own, e.g. Authorization), ``timeout`` (seconds, 1-30, default 10).
With ``--batch N`` (N > 1) every request carries 1 to N deliveries,
``{"version": 1, "type": "batch", "deliveries": [...]}``, its ``webhook-id`` derived from theirs (each delivery's
own ``delivery_id`` stays the idempotency key).
"""

from __future__ import annotations

import hashlib
import time

import orjson

from inlet.destinations.kind import REFUSED, RETRY, Answer, Context, Delivery, Destination, Kind
from inlet.destinations.webhook import addresses, post, signing

MAX_BATCH = 100
DEFAULT_TIMEOUT, MAX_TIMEOUT = 10.0, 30.0
FORBIDDEN_HEADERS = {"host", "content-length", "content-type", "webhook-id", "webhook-timestamp", "webhook-signature"}


def configure(options: dict, deployed: bool) -> dict:
    url = options.get("url") or ""
    if not url:
        raise ValueError("a webhook needs --url https://...")
    try:
        addresses.check_url(url, deployed)
    except addresses.Forbidden as exc:
        raise ValueError(str(exc)) from None
    headers = dict(options.get("headers") or {})
    for name in headers:
        if name.lower() in FORBIDDEN_HEADERS:
            raise ValueError(f"header {name} is set by Inlet")
    timeout = float(options.get("timeout") or DEFAULT_TIMEOUT)
    if not 1 <= timeout <= MAX_TIMEOUT:
        raise ValueError(f"--timeout must be between 1 and {MAX_TIMEOUT:g} seconds")
    return {"url": url, "headers": headers, "timeout": timeout}


def send(destination: Destination, deliveries: list[Delivery], context: Context) -> list[Answer]:
    settings = destination.settings
    message_id, payload = _request(deliveries, batched=destination.batch > 1)
    try:
        target = addresses.resolve(settings["url"], context.deployed)
    except addresses.Forbidden as exc:
        return [post.forbidden(exc)] * len(deliveries)
    except LookupError as exc:
        return [Answer(RETRY, f"webhook_dns: {exc}")] * len(deliveries)
    secrets = context.secrets()
    if not secrets:
        return [Answer(RETRY, "webhook_secret_missing: the destination's secret could not be read")] * len(deliveries)
    signed = signing.headers(secrets, message_id, int(time.time()), payload)
    headers = {**settings.get("headers", {}), **signed, "Content-Type": "application/json", "User-Agent": "Inlet"}
    answer = post.post(target, headers, payload, float(settings.get("timeout") or DEFAULT_TIMEOUT), post.pool_for)
    return [answer] * len(deliveries)


def _request(deliveries: list[Delivery], batched: bool) -> tuple[str, bytes]:
    """A destination with ``--batch`` over 1 always gets the batch form (of one, when one is waiting)."""
    if not batched:
        return deliveries[0].id, orjson.dumps(deliveries[0].body)
    ids = "".join(d.id for d in deliveries)
    batch_id = "msg_" + hashlib.sha256(ids.encode()).hexdigest()[:32]
    return batch_id, orjson.dumps({"version": 1, "type": "batch", "deliveries": [d.body for d in deliveries]})


KIND = Kind(
    name="webhook",
    summary="HTTPS POST to your URL, signed (Standard Webhooks)",
    configure=configure,
    send=send,
    target=lambda destination: destination.settings.get("url", ""),
    max_batch=MAX_BATCH,
    signed=True,
)

__all__ = ["KIND", "REFUSED"]
