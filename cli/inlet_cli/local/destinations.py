"""A local stand-in for the destinations' two event sources, as the stack runs them:

- the Records table's stream -> the fan-out function, with the event source mapping's filter (``deliver`` on an
  INSERT) applied here as Lambda applies it before invoking;
- the Destinations queue -> the delivery function (``inlet_cli.local.deliver.poll_once``: receive, invoke, delete
  what the partial batch response does not name).

``DestinationPollers`` runs both in threads for ``inlet local run``; tests call ``pump`` to run them to quiescence.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import threading
from collections.abc import Callable

from inlet_cli.local import env as local_env
from inlet_cli.local.api_event import LambdaContext
from inlet_cli.local.deliver import MAX_RECEIVE_COUNT, poll_once
from inlet_cli.template import ROOT

APP = ROOT / "functions" / "destinations" / "app.py"
VISIBILITY_TIMEOUT = 180  # as template.yaml: 6 x the delivery function's timeout
QUEUE_PREFIX = "inlet-local-destinations"


def environment(queue_url: str, dlq_url: str, **extra: str) -> dict[str, str]:
    """The destination functions' environment as the template gives it, with the local names."""
    return {
        "DESTINATIONS_PATH": local_env.DESTINATIONS_PATH,
        "DESTINATIONS_QUEUE_URL": queue_url,
        "DESTINATIONS_DLQ_URL": dlq_url,
        "DEDUP_TABLE": local_env.TABLES["DedupTable"],
        "RECORDS_TABLE": local_env.TABLES["RecordsTable"],
        "EVENT_BUS_NAME": local_env.EVENT_BUS,
        "DESTINATIONS_PRIVATE_ADDRESSES": "allow-loopback",  # local only: receivers on this machine
        # the emulator's iot-data (a deployed stack looks its account's endpoint up once per container)
        "IOT_DATA_ENDPOINT": os.environ.get("AWS_ENDPOINT_URL")
        or f"https://data-ats.iot.{local_env.REGION}.amazonaws.com",
        **extra,
    }


def create_queues(sqs, prefix: str = QUEUE_PREFIX) -> tuple[str, str]:
    dlq = sqs.create_queue(QueueName=f"{prefix}-dlq", Attributes={"MessageRetentionPeriod": "1209600"})
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq["QueueUrl"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVE_COUNT * 20})
    queue = sqs.create_queue(
        QueueName=prefix,
        Attributes={
            "MessageRetentionPeriod": "1209600",
            "VisibilityTimeout": str(VISIBILITY_TIMEOUT),
            "RedrivePolicy": redrive,
        },
    )
    return queue["QueueUrl"], dlq["QueueUrl"]


def load_handlers() -> tuple[Callable, Callable]:
    """functions/destinations/app.py's ``fan_out`` and ``deliver``, under their own module name."""
    spec = importlib.util.spec_from_file_location("inlet_destinations_app", APP)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.fan_out, module.deliver


class StreamReader:
    """Reads a table's stream from the moment it is made (``LATEST``, as the template's mapping starts on a new
    stack; records restored into a kept local stack are not delivered again). As Lambda's mapping does, a batch is
    read again until the function took it: ``read`` gives the records, ``commit`` moves past them."""

    def __init__(self, dynamodb, streams, table: str) -> None:
        self._streams = streams
        self._arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        self._iterators: dict[str, str] = {}
        self._next: dict[str, str] = {}
        self._lock = threading.Lock()
        self._start = "LATEST"
        self.read()  # fixes each shard's starting point now

    def read(self) -> list[dict]:
        with self._lock:
            shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
            records = []
            for shard in shards:
                shard_id = shard["ShardId"]
                if shard_id not in self._iterators:
                    self._iterators[shard_id] = self._streams.get_shard_iterator(
                        StreamArn=self._arn, ShardId=shard_id, ShardIteratorType=self._start
                    )["ShardIterator"]
                self._start = "TRIM_HORIZON"  # a shard that appears later is read from its start
                answer = self._streams.get_records(ShardIterator=self._iterators[shard_id], Limit=1000)
                self._next[shard_id] = answer.get("NextShardIterator") or self._iterators[shard_id]
                records.extend(answer.get("Records", []))
            return records

    def commit(self) -> None:
        with self._lock:
            self._iterators.update(self._next)


def lambda_stream_event(records: list[dict]) -> dict:
    """Lambda's DynamoDB stream event, filtered as the template's mapping filters (INSERT with ``deliver``)."""
    kept = [
        {**r, "dynamodb": {**r["dynamodb"], "NewImage": _json_image(r["dynamodb"].get("NewImage") or {})}}
        for r in records
        if r.get("eventName") == "INSERT" and "deliver" in (r.get("dynamodb", {}).get("NewImage") or {})
    ]
    return {"Records": kept}


def _json_image(image: dict) -> dict:
    """boto3 gives binary values as bytes; Lambda's event gives them as base64 text."""
    return {
        name: {"B": base64.b64encode(bytes(value["B"])).decode()} if "B" in value else value
        for name, value in image.items()
    }


def pump_stream(reader: StreamReader, fan_out: Callable) -> int:
    """One read of the stream handed to the fan-out; if it raised, the same records come again at the next call (as
    Lambda retries a stream batch until it succeeds)."""
    event = lambda_stream_event(reader.read())
    if event["Records"]:
        fan_out(event, LambdaContext())
    reader.commit()
    return len(event["Records"])


def pump_queue(sqs, queue_url: str, deliver: Callable) -> int:
    answer = poll_once(sqs, queue_url, deliver)
    return 0 if answer is None else 1


class DestinationPollers(threading.Thread):
    def __init__(self, reader: StreamReader, sqs, queue_url: str, handlers, idle_seconds: float = 0.2) -> None:
        super().__init__(name="inlet-local-destinations", daemon=True)
        self._reader, self._sqs, self._queue_url = reader, sqs, queue_url
        self._fan_out, self._deliver = handlers
        self._idle = idle_seconds
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            busy = 0
            for step in (lambda: pump_stream(self._reader, self._fan_out), self._deliver_some):
                try:
                    busy += step()
                except Exception:  # as Lambda: the event source tries again
                    continue
            if not busy:
                self._stopped.wait(self._idle)

    def _deliver_some(self) -> int:
        return pump_queue(self._sqs, self._queue_url, self._deliver)

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)


class LocalDestinations:
    """What ``inlet local run`` starts for destinations: the queues, the stack's bus, the two pollers."""

    def __init__(self, aws_endpoint: str) -> None:
        import boto3

        self.sqs = boto3.client("sqs")
        self.queue_url, self.dlq_url = create_queues(self.sqs)
        events = boto3.client("events")
        if local_env.EVENT_BUS not in {b["Name"] for b in events.list_event_buses()["EventBuses"]}:
            events.create_event_bus(Name=local_env.EVENT_BUS)
        for name, value in environment(self.queue_url, self.dlq_url).items():
            os.environ[name] = value
        reader = StreamReader(
            boto3.client("dynamodb"), boto3.client("dynamodbstreams"), local_env.TABLES["RecordsTable"]
        )
        self.pollers = DestinationPollers(reader, self.sqs, self.queue_url, load_handlers())
        self.pollers.start()

    def state(self) -> dict[str, str]:
        """Entries for the local state file (the CLI's --local finds the destinations there)."""
        return {
            "destinations_path": local_env.DESTINATIONS_PATH,
            "destinations_queue_url": self.queue_url,
            "destinations_dlq_url": self.dlq_url,
            "event_bus": local_env.EVENT_BUS,
        }

    def stop(self) -> None:
        self.pollers.stop()
