"""A stack with destinations on moto, run as the deployed one runs: the uplink function writes records, the Records
stream feeds the fan-out (``inlet_cli.local.destinations``, the local stack's own stand-in for the event source
mappings), the delivery function sends. And a webhook receiver on this machine that misbehaves on cue.

The receiver follows HTTP as a webhook receiver may answer it (RFC 9110): a status with a body, or no answer in time,
or a dropped connection (a TCP reset, as a crashed or overloaded server gives). ``script`` lists what the next
requests get, one entry each: ``ok``, ``500``, ``410``, ``429`` (with ``Retry-After: 1``), ``timeout`` (answers 200 only
after the sender gave up), ``reset``; when it runs out, every request gets ``ok``.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
from inlet_cli.local import destinations as local_destinations
from inlet_cli.local import env as local_env


@dataclass
class Received:
    mode: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    script: list[str] = field(default_factory=list)
    late_seconds: float = 1.6  # how long a "timeout" answer takes (the destination's timeout is 1 s)
    requests: list[Received] = field(default_factory=list)

    def start(self) -> Receiver:
        receiver = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    mode = receiver.script.pop(0) if receiver.script else "ok"
                    receiver.requests.append(Received(mode, {k.lower(): v for k, v in self.headers.items()}, body))
                if mode == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                if mode == "timeout":
                    time.sleep(receiver.late_seconds)
                status = {"ok": 200, "timeout": 200, "500": 500, "410": 410, "429": 429}[mode]
                self.send_response(status)
                if mode == "429":
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def arrived(self) -> list[Received]:
        """What the receiver accepted (answered 2xx, including answers the sender no longer waited for)."""
        return [r for r in self.requests if r.mode in ("ok", "timeout")]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class DestinationsStack:
    """The destination functions wired to moto; ``pump`` runs the stream and the queue until nothing moves."""

    def __init__(self, monkeypatch) -> None:
        self.sqs = boto3.client("sqs", region_name=local_env.REGION)
        dynamodb = boto3.client("dynamodb", region_name=local_env.REGION)
        self.queue_url, self.dlq_url = local_destinations.create_queues(self.sqs)
        for name, value in local_destinations.environment(self.queue_url, self.dlq_url).items():
            monkeypatch.setenv(name, value)
        from inlet.destinations import settings, wiring

        caches = (settings.load_destination_settings, wiring.delivery_dependencies, wiring.fan_out_dependencies)
        for cached in (*caches, wiring._iot_data):
            cached.cache_clear()
        self.fan_out, self.deliver = local_destinations.load_handlers()
        streams = boto3.client("dynamodbstreams", region_name=local_env.REGION)
        self.reader = local_destinations.StreamReader(dynamodb, streams, local_env.TABLES["RecordsTable"])
        deps = wiring.delivery_dependencies()
        deps.visibility = lambda seconds: 0  # the waits shrink, never the decisions
        self.deps = deps

    def pump(self, rounds: int = 200) -> int:
        """Run the stream and the queue until the queue is empty (or ``rounds`` deliveries rounds passed)."""
        local_destinations.pump_stream(self.reader, self.fan_out)
        for done in range(rounds):
            if not local_destinations.pump_queue(self.sqs, self.queue_url, self.deliver):
                return done
        return rounds

    def dead_letters(self) -> list[dict]:
        answer = self.sqs.receive_message(
            QueueUrl=self.dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], VisibilityTimeout=0
        )
        return answer.get("Messages", [])


def bodies(received: list[Received]) -> list[dict]:
    return [json.loads(r.body) for r in received]
