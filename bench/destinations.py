"""Destinations: (1) AWS calls on the ingest path for a key without and with destinations (the same scenarios as
``bench.calls``, counted on the same fake AWS: the figures must be equal), and the record item's size; (2) cost per
million deliveries per kind, from the calls and sizes the fan-out and the delivery function make on moto (counted
per operation with botocore hooks, CPU time measured) and AWS's list prices; (3) latency from the 2xx to the webhook
receiver on the local stack (the moto server and the same stream and queue pollers as `inlet local run`), p50/p99.

Run alone: ``python -m bench.destinations`` (prints JSON).
"""

from __future__ import annotations

import json
import math
import statistics
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import workloads
from bench.calls import scenarios
from bench.paths import add_source_dirs

add_source_dirs()

# AWS list prices (us-east-1, 2026): USD per unit.
SQS_REQUEST = 0.40 / 1e6  # per 64 KB chunk of a request
LAMBDA_REQUEST, GB_S = 0.20 / 1e6, 0.0000133334  # arm64
EVENTS_PUT = 1.00 / 1e6  # custom events, per 64 KB chunk
IOT_MESSAGE = 1.00 / 1e6  # messaging, per 5 KB chunk
WRU = 0.625 / 1e6
EGRESS_GB = 0.09  # data transfer out to the internet (webhooks)
FUNCTION_MB = 256
AWS_CALL_MS = 10.0  # assumed in-region round trip per call (as bench.cost)
DELIVERIES = 200


def ingest_calls(harness) -> dict:
    """``bench.calls``' scenarios twice: the key plain, then flagged with destinations."""
    fake, figures = harness.fake, {}
    fake.inspect = True
    try:
        for flagged in (False, True):
            for name, key, body, cold in scenarios(200):
                from inlet.core.keys import key_hash

                (fake.with_destinations.add if flagged else fake.with_destinations.discard)(key_hash(key))
                harness.reset_caches()
                if not cold:
                    harness.invoke(__import__("bench.harness", fromlist=["event"]).event(body, key=key))
                fake.reset()
                harness.invoke(__import__("bench.harness", fromlist=["event"]).event(body, key=key))
                label = "with_destinations" if flagged else "without"
                figures.setdefault(name, {})[label] = {
                    "calls": sum(fake.calls.values()),
                    "by_operation": dict(sorted(fake.calls.items())),
                    "record_item_bytes_avg": round(sum(fake.item_bytes) / max(1, len(fake.item_bytes)), 1),
                }
    finally:
        fake.inspect = False
        fake.with_destinations.clear()
    for figure in figures.values():
        figure["extra_calls"] = figure["with_destinations"]["calls"] - figure["without"]["calls"]
    return figures


class Counting:
    """Counts every AWS call by service and operation, through botocore's event hooks."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()

    def params(self, params, model, **_):
        self.calls[f"{model.service_model.service_name}.{model.name}"] += 1


def delivery_costs() -> dict:
    """Per kind: DELIVERIES uplinks through the fan-out and the delivery function on moto, calls counted."""
    import os
    import tempfile

    import boto3
    from moto import mock_aws

    results = {}
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    for kind in ("webhook", "eventbridge", "iot"):
        with tempfile.TemporaryDirectory() as directory, mock_aws():
            os.environ["INLET_STATE_DIR"] = directory
            results[kind] = _one_kind(kind, boto3)
    return results


def _one_kind(kind: str, boto3) -> dict:
    from inlet.adapters import aws
    from inlet_cli.local import env as local_env

    from tests.destinations_harness import Receiver

    counting = Counting()
    aws.client.cache_clear()
    aws._session.cache_clear()  # a session made before moto was imported would bypass it
    boto3.setup_default_session()
    for session in (boto3._get_default_session(), aws._session()):
        session.events.register("provide-client-params.*.*", counting.params)
    stack = _moto_stack(boto3)
    receiver = Receiver().start() if kind == "webhook" else None
    if kind == "eventbridge":
        boto3.client("events", region_name=local_env.REGION).create_event_bus(Name=local_env.EVENT_BUS)
    _add(kind, {"url": receiver.url} if receiver else {})
    _ingest(DELIVERIES)
    counting.calls.clear()
    started = time.process_time()
    stack.pump(rounds=1000)  # the stream to the fan-out, then the queue to the delivery function
    cpu_ms = (time.process_time() - started) * 1000
    for session in (boto3._get_default_session(), aws._session()):
        session.events.unregister("provide-client-params.*.*", counting.params)
    payload_bytes = 0.0
    if receiver:
        payload_bytes = sum(len(r.body) for r in receiver.requests) / max(1, len(receiver.requests))
        receiver.stop()
    return _priced(kind, counting, cpu_ms, DELIVERIES, payload_bytes)


def _moto_stack(boto3):
    import os

    from inlet_cli.local import env as local_env
    from inlet_cli.template import create_tables

    for name, value in local_env.function_environment().items():
        os.environ[name] = value
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    dynamodb = boto3.client("dynamodb", region_name=local_env.REGION)
    create_tables(dynamodb, local_env.TABLES)
    from tests.helpers import restart_container

    restart_container()
    from inlet.service.wiring import dependencies

    local_env.seed_events_data(dependencies().keys, dependencies().devices)

    class _Patch:
        def setenv(self, name, value):
            os.environ[name] = value

    from tests.destinations_harness import DestinationsStack

    return DestinationsStack(_Patch())


def _add(kind: str, options: dict) -> None:
    from inlet.adapters.keys import KeyStore
    from inlet.destinations import Destination
    from inlet.destinations.store import DestinationStore
    from inlet_cli import destination_admin
    from inlet_cli.local import env as local_env

    from tests.helpers import restart_container

    keys, store = KeyStore(local_env.KEYS_PATH), DestinationStore(local_env.DESTINATIONS_PATH)
    destination_admin.add(keys, store, Destination(local_env.EVENTS_TENANT, "bench", kind), options, deployed=False)
    restart_container()


def _ingest(count: int) -> None:
    from tests.helpers import http_event, invoke

    body = json.loads(workloads.body("flat", count, seed=950))
    serials = ("70B3D57ED0000001", "70B3D57ED0000002", "AA-BB-01")
    items = [{**item, "serial": serials[i % 3]} for i, item in enumerate(body if isinstance(body, list) else [body])]
    for start in range(0, len(items), 50):
        status, answer, _ = invoke(http_event(items[start : start + 50]))
        if status != 200:
            raise RuntimeError(f"ingest answered {status}: {answer}")


def _priced(kind: str, counting: Counting, cpu_ms: float, delivered: int, payload_bytes: float) -> dict:
    calls = dict(counting.calls)
    # Lambda's event source mapping deletes a batch's messages in one DeleteMessageBatch; the local pump deletes
    # them one by one: priced as Lambda does it. Stream reads by Lambda are free (not priced).
    calls["sqs.DeleteMessageBatch"] = calls.get("sqs.ReceiveMessage", 0)
    calls.pop("sqs.DeleteMessage", None)
    per = {name: count / delivered for name, count in calls.items()}
    sqs_calls = sum(v for k, v in per.items() if k.startswith("sqs.") and k != "sqs.GetQueueAttributes")
    dynamodb_writes = sum(v for k, v in per.items() if k.startswith("dynamodb.") and "Update" in k)
    invocations = per.get("sqs.ReceiveMessage", 0) * 2  # one fan-out and one delivery invocation per batch
    aws_calls = sum(per.values())
    duration_ms = cpu_ms / delivered * max(1.0, 1769 / FUNCTION_MB) + aws_calls * AWS_CALL_MS
    million = 1e6
    usd = {
        "sqs": million * sqs_calls * SQS_REQUEST,
        "lambda": million * (invocations * LAMBDA_REQUEST + duration_ms / 1000 * FUNCTION_MB / 1024 * GB_S),
        "dynamodb_health": million * dynamodb_writes * WRU,
        "eventbridge": million * EVENTS_PUT if kind == "eventbridge" else 0.0,
        "iot": million * IOT_MESSAGE if kind == "iot" else 0.0,
        "egress": million * payload_bytes / 1e9 * EGRESS_GB if kind == "webhook" else 0.0,
    }
    return {
        "deliveries": delivered,
        "aws_calls_per_delivery": round(aws_calls, 3),
        "calls_per_delivery": {k: round(v, 3) for k, v in sorted(per.items())},
        "cpu_ms_per_delivery": round(cpu_ms / delivered, 3),
        "request_bytes": round(payload_bytes),
        "usd_per_million": {k: round(v, 2) for k, v in usd.items()},
        "usd_per_million_total": round(sum(usd.values()), 2),
        "note": "calls counted on moto (fan-out and delivery); CPU includes moto's own work in-process (an upper "
        "bound); Lambda duration = CPU scaled to 256 MB + 10 ms per AWS call",
    }


def latency(count: int = 100) -> dict:
    """2xx -> webhook receiver on the local stack: the moto server, the uplink handler, the destinations' pollers."""
    import os
    import tempfile

    from inlet_cli.local import env as local_env
    from inlet_cli.local import stack as local_stack
    from inlet_cli.local.destinations import LocalDestinations

    arrivals: dict[str, float] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            return

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                arrivals.setdefault(body["id"], time.perf_counter())
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as directory, local_stack.local_aws("server") as aws:
        os.environ["INLET_STATE_DIR"] = directory
        from tests.helpers import restart_container

        restart_container()  # clients made for the earlier figures' emulator are dropped
        _fresh_destination_functions()
        local_stack.prepare_stack(aws)
        destinations = LocalDestinations(aws.endpoint_url)
        try:
            _add("webhook", {"url": f"http://127.0.0.1:{server.server_address[1]}/hook"})
            from tests.helpers import http_event, invoke

            answered: dict[str, float] = {}
            for i in range(count):
                item = {"serial": "AA-BB-01", "payload": f"{i:04x}", "port": 1}
                _status, body, _ = invoke(http_event(item))
                answered[body["items"][0]["id"]] = time.perf_counter()
                time.sleep(0.05)
            deadline = time.monotonic() + 30
            while len(arrivals) < count and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            destinations.stop()
            server.shutdown()
    waits = sorted((arrivals[i] - t) * 1000 for i, t in answered.items() if i in arrivals)
    return {
        "uplinks": count,
        "arrived": len(waits),
        "p50_ms": round(statistics.median(waits), 1) if waits else None,
        "p99_ms": round(waits[max(0, math.ceil(0.99 * len(waits)) - 1)], 1) if waits else None,
        "note": f"local stack: moto server, stream and queue polled every 0.2 s when idle (Lambda polls ~4/s); "
        f"{local_env.REGION} emulated",
    }


def _fresh_destination_functions() -> None:
    """New containers for the destination functions (their settings, clients and caches)."""
    from inlet.adapters import aws
    from inlet.destinations import wiring
    from inlet.destinations.settings import load_destination_settings

    for cached in (load_destination_settings, wiring.delivery_dependencies, wiring.fan_out_dependencies):
        cached.cache_clear()
    wiring._iot_data.cache_clear()
    aws.client.cache_clear()
    aws._session.cache_clear()


def main() -> None:
    from bench.harness import Harness

    harness = Harness()
    try:
        calls = ingest_calls(harness)
    finally:
        harness.close()
    print(json.dumps({"ingest_calls": calls, "delivery_costs": delivery_costs(), "latency": latency()}, indent=2))


if __name__ == "__main__":
    main()
