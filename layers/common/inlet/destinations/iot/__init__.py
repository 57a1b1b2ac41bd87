"""``iot``: an AWS IoT Core MQTT publish (``iot-data`` Publish, QoS 1) of the body to a topic template.

The template (default ``inlet/{tenant}/{serial}/up``) may use ``{tenant}``, ``{serial}``, ``{destination}``,
``{type}`` and must start with ``inlet/``: the delivery function may publish under that prefix only (least privilege).
``endpoint`` is the account's ``iot:Data-ATS`` endpoint, looked up by `inlet destinations add` with the caller's
credentials, so that the delivery function needs no ``iot:DescribeEndpoint`` (which has no resource-level scope).
"""

from __future__ import annotations

import re
import string

import orjson

from inlet.destinations.aws_answers import SDK_ERRORS, sdk_failure
from inlet.destinations.kind import DELIVERED, Answer, Context, Delivery, Destination, Kind

DEFAULT_TOPIC = "inlet/{tenant}/{serial}/up"
PREFIX = "inlet/"
PLACEHOLDERS = {"tenant", "serial", "destination", "type"}
MAX_TOPIC_BYTES = 256
_UNSAFE = re.compile(r"[#+\x00]")  # MQTT wildcards and NUL never belong in a published topic


def configure(options: dict, deployed: bool) -> dict:
    topic = options.get("topic") or DEFAULT_TOPIC
    if not topic.startswith(PREFIX):
        raise ValueError(f"--topic must start with {PREFIX} (the stack may publish under it only)")
    names = {name for _, name, _, _ in string.Formatter().parse(topic) if name is not None}
    if names - PLACEHOLDERS:
        raise ValueError(f"--topic may use {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))} only")
    if _UNSAFE.search(topic):
        raise ValueError("--topic must not hold MQTT wildcards (# +)")
    endpoint = options.get("endpoint") or ""
    if deployed and not endpoint:
        raise ValueError(
            "the account's IoT data endpoint is needed (aws iot describe-endpoint --endpoint-type iot:Data-ATS)"
        )
    return {"topic": topic, "endpoint": endpoint}


def topic_for(template: str, destination: Destination, body: dict) -> str:
    values = {
        "tenant": destination.tenant,
        "serial": _safe(body.get("serial") or ""),
        "destination": destination.name,
        "type": body.get("type", "uplink"),
    }
    return template.format(**values)[:MAX_TOPIC_BYTES]


def _safe(level: str) -> str:
    """A serial as one topic level: no '/', no wildcards."""
    return re.sub(r"[/#+\x00]", "_", level)


def send(destination: Destination, deliveries: list[Delivery], context: Context) -> list[Answer]:
    template = destination.settings.get("topic") or DEFAULT_TOPIC
    client = context.client("iot-data", destination.settings.get("endpoint", ""))
    answers = []
    for delivery in deliveries:
        try:
            client.publish(
                topic=topic_for(template, destination, delivery.body), qos=1, payload=orjson.dumps(delivery.body)
            )
        except SDK_ERRORS as exc:
            answers.append(sdk_failure("iot", exc))
            continue
        answers.append(Answer(DELIVERED))
    return answers


KIND = Kind(
    name="iot",
    summary="AWS IoT Core MQTT publish (QoS 1) to a topic template",
    configure=configure,
    send=send,
    target=lambda destination: destination.settings.get("topic") or DEFAULT_TOPIC,
    max_batch=10,
)
