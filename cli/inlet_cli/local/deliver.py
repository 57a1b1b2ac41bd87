"""A local stand-in for Lambda's SQS event source mapping of the TagoIO delivery worker.

``poll_once`` does what the mapping does: receive up to 10 messages, hand them to the real handler as an SQS event,
and delete the ones the partial batch response does not name. ``Poller`` repeats it in a thread for
``inlet local run --with-tagoio``; it exists only when a TagoIO-sink key does (the DynamoDB-only stack polls nothing).
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Callable

from inlet_cli.local.api_event import LambdaContext
from inlet_cli.template import ROOT

DELIVER_APP = ROOT / "functions" / "deliver" / "app.py"
VISIBILITY_TIMEOUT = 360  # as template.yaml: 6 x the worker's timeout
MAX_RECEIVE_COUNT = 100


def create_delivery_queues(sqs, prefix: str = "inlet-local") -> tuple[str, str]:
    """The delivery queue and its dead-letter queue, as template.yaml defines them; returns their URLs."""
    dlq = sqs.create_queue(QueueName=f"{prefix}-deliveries-dlq", Attributes={"MessageRetentionPeriod": "1209600"})
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq["QueueUrl"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVE_COUNT})
    queue = sqs.create_queue(
        QueueName=f"{prefix}-deliveries",
        Attributes={
            "MessageRetentionPeriod": "1209600",
            "VisibilityTimeout": str(VISIBILITY_TIMEOUT),
            "RedrivePolicy": redrive,
        },
    )
    return queue["QueueUrl"], dlq["QueueUrl"]


def load_deliver_handler() -> Callable[[dict, object], dict]:
    """functions/deliver/app.py's handler, under its own module name (functions/uplink also has an ``app``)."""
    spec = importlib.util.spec_from_file_location("inlet_deliver_app", DELIVER_APP)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.handler


def sqs_event(messages: list[dict]) -> dict:
    """Lambda's SQS event for messages from ReceiveMessage (AttributeNames/MessageAttributeNames ``All``)."""
    records = []
    for message in messages:
        attributes = {
            name: {"stringValue": value.get("StringValue"), "dataType": value["DataType"]}
            for name, value in (message.get("MessageAttributes") or {}).items()
        }
        records.append(
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": attributes,
                "eventSource": "aws:sqs",
            }
        )
    return {"Records": records}


def poll_once(sqs, queue_url: str, handler: Callable, max_messages: int = 10, wait_seconds: int = 0) -> dict | None:
    """One receive -> invoke -> delete round; the handler's answer, or ``None`` when the queue had nothing."""
    answer = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=max_messages,
        WaitTimeSeconds=wait_seconds,
        VisibilityTimeout=VISIBILITY_TIMEOUT,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )
    messages = answer.get("Messages", [])
    if not messages:
        return None
    response = handler(sqs_event(messages), LambdaContext())
    failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
    for message in messages:
        if message["MessageId"] not in failed:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return response


class Poller(threading.Thread):
    def __init__(self, sqs, queue_url: str, handler: Callable, idle_seconds: float = 1.0) -> None:
        super().__init__(name="inlet-local-deliveries", daemon=True)
        self._sqs, self._queue_url, self._handler = sqs, queue_url, handler
        self._idle = idle_seconds
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                answer = poll_once(self._sqs, self._queue_url, self._handler)
            except Exception:
                answer = None
            if answer is None:
                self._stopped.wait(self._idle)

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)
