"""A forwarding stack for the tests: moto (SSM, DynamoDB, SQS), the real uplink and delivery handlers, a real local
TagoIO over HTTP. Retry waits are recorded, then shrunk to 0 so that a retried message is visible at once."""

from __future__ import annotations

import boto3
from inlet.adapters.keys import KeyStore
from inlet.destinations.tagoio.api import TagoApi
from inlet.destinations.tagoio.settings import tagoio_settings
from inlet_cli.local import env as local_env
from inlet_cli.local.deliver import create_delivery_queues, load_deliver_handler, poll_once
from inlet_cli.local_tagoio.server import LocalTagoIO

from tests.helpers import http_event, invoke, restart_container

KEY = "at" + "c0ffee" + "0" * 26  # the Inlet key of the forwarding tests (tenant demo)
TAGO_AUTHORIZATION = "at" + "ab" * 16
NETWORK_TOKEN_PATH = "/inlet/local/tagoio"
NETWORK_TOKEN_PARAM = f"{NETWORK_TOKEN_PATH}/test-network"
SERIALS = ("70B3D57ED0000001", "70B3D57ED0000002", "A84041000181C2F1")


def forget_delivery_containers() -> None:
    from inlet.destinations.tagoio.worker_wiring import delivery_dependencies
    from inlet.settings import load_delivery_settings

    restart_container()
    delivery_dependencies.cache_clear()
    load_delivery_settings.cache_clear()


class TagoStack:
    def __init__(self, tagoio: LocalTagoIO, moto_aws: dict, monkeypatch, sink: str = "tagoio") -> None:
        self.tagoio = tagoio
        self.sqs = boto3.client("sqs", region_name=local_env.REGION)
        self.queue_url, self.dlq_url = create_delivery_queues(self.sqs, "inlet-test")
        self.network_token = tagoio.state.add_network_token()
        moto_aws["ssm"].put_parameter(Name=NETWORK_TOKEN_PARAM, Value=self.network_token, Type="SecureString")
        self.device_tokens = {serial: tagoio.state.add_device(TAGO_AUTHORIZATION, serial) for serial in SERIALS}
        for name, value in (
            ("DELIVERY_QUEUE_URL", self.queue_url),
            ("DEAD_LETTER_QUEUE_URL", self.dlq_url),
            ("NETWORK_TOKEN_PATH", NETWORK_TOKEN_PATH),
        ):
            monkeypatch.setenv(name, value)
        forget_delivery_containers()
        settings = tagoio_settings(NETWORK_TOKEN_PARAM, TAGO_AUTHORIZATION, api_url=tagoio.url)
        keys = KeyStore(local_env.KEYS_PATH, ssm=moto_aws["ssm"])
        local_env.put_key(keys, KEY, local_env.EVENTS_TENANT, name="tagoio test key", sink=sink, tagoio=settings)
        self.handler = load_deliver_handler()
        self.delays: list[int] = []
        self._prepare_worker()

    def _prepare_worker(self) -> None:
        from inlet.destinations.tagoio.worker_wiring import delivery_dependencies

        deps = delivery_dependencies()
        deps.visibility = self._visibility
        deps.jitter = lambda: 0.0
        deps.apis[self.tagoio.url] = TagoApi(self.tagoio.url, timeouts=(1.0, 0.5))  # short read timeout

    def _visibility(self, seconds: int) -> int:
        self.delays.append(seconds)  # what the worker decided
        return 0  # what the test waits

    def send(self, body) -> tuple[int, dict]:
        status, answer, _ = invoke(http_event(body, key=KEY))
        return status, answer

    def deliver_once(self, max_messages: int = 10) -> dict | None:
        return poll_once(self.sqs, self.queue_url, self.handler, max_messages)

    def drain(self, rounds: int = 20) -> list[dict]:
        answers = []
        for _ in range(rounds):
            answer = self.deliver_once()
            if answer is None:
                return answers
            answers.append(answer)
        raise AssertionError(f"the queue did not drain in {rounds} rounds")

    def waiting(self, url: str | None = None) -> int:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=url or self.queue_url, AttributeNames=names)["Attributes"]
        return sum(int(attributes[name]) for name in names)

    def stored(self, serial: str) -> list[dict]:
        return self.tagoio.state.records(serial, TAGO_AUTHORIZATION)

    def posts(self) -> list[int]:
        return [status for method, path, status in self.tagoio.state.calls if (method, path) == ("POST", "/data")]
