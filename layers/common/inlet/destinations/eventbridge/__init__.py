"""``eventbridge``: PutEvents to the stack's own event bus (default) or a bus ARN given at ``add``.

Each delivery is one event: source ``inlet``, detail-type ``Uplink`` (``Device event`` for device events), detail =
the body. Users attach rules (any target) and an archive for replay to the bus (docs/destinations.md).
"""

from __future__ import annotations

import re

import orjson

from inlet.destinations.aws_answers import SDK_ERRORS, sdk_failure
from inlet.destinations.body import DEVICE_EVENT
from inlet.destinations.kind import DELIVERED, REFUSED, RETRY, Answer, Context, Delivery, Destination, Kind

SOURCE = "inlet"
DETAIL_TYPES = {DEVICE_EVENT: "Device event"}  # anything else: "Uplink"
MAX_ENTRIES = 10  # PutEvents: 10 entries a call
BUS_ARN = re.compile(r"^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus/[A-Za-z0-9._/-]{1,256}$")
RETRIED_CODES = {"ThrottlingException", "InternalException", "InternalFailure", "ServiceUnavailable"}


def configure(options: dict, deployed: bool) -> dict:
    bus = options.get("bus") or ""
    if bus and not BUS_ARN.match(bus):
        raise ValueError("--bus must be an event bus ARN (arn:aws:events:REGION:ACCOUNT:event-bus/NAME)")
    return {"bus": bus}  # empty: the stack's own bus


def send(destination: Destination, deliveries: list[Delivery], context: Context) -> list[Answer]:
    bus = destination.settings.get("bus") or context.stack_bus
    if not bus:
        return [Answer(RETRY, "eventbridge_no_bus: the stack's event bus is not configured")] * len(deliveries)
    entries = [
        {
            "Source": SOURCE,
            "DetailType": DETAIL_TYPES.get(d.body.get("type"), "Uplink"),
            "Detail": orjson.dumps(d.body).decode(),
            "EventBusName": bus,
        }
        for d in deliveries
    ]
    try:
        answer = context.client("events").put_events(Entries=entries)
    except SDK_ERRORS as exc:
        return [sdk_failure("eventbridge", exc)] * len(deliveries)
    return [_entry(result) for result in answer.get("Entries", [])] or [Answer(RETRY, "eventbridge_no_answer")]


def _entry(result: dict) -> Answer:
    code = result.get("ErrorCode")
    if not code:
        return Answer(DELIVERED, response=f"event {result.get('EventId', '')}")
    reason = f"eventbridge_{code}: {result.get('ErrorMessage', '')}".strip()
    return Answer(RETRY if code in RETRIED_CODES else REFUSED, reason)


KIND = Kind(
    name="eventbridge",
    summary="PutEvents to the stack's event bus or yours (source inlet, detail-type Uplink)",
    configure=configure,
    send=send,
    target=lambda destination: destination.settings.get("bus") or "(the stack's bus)",
    max_batch=MAX_ENTRIES,
)
