"""The hook behind ``inlet local run --with-tagoio``: a moto server, the local TagoIO, the demo TagoIO key and the
in-process poller; an uplink sent with that key shows up in the local TagoIO, over real HTTP all the way."""

from __future__ import annotations

import os
import time

import pytest
import requests
from inlet_cli.local import stack as local_stack
from inlet_cli.local.api_event import LambdaContext
from inlet_cli.local.forward import start_tagoio_forwarding

from tests.helpers import http_event, restart_container
from tests.tagoio_harness import forget_delivery_containers

pytestmark = pytest.mark.e2e


@pytest.fixture
def clean_environment(tmp_path, monkeypatch):
    """local_aws() and the hook set os.environ for the function, as the local stack does: undo it afterwards."""
    saved = dict(os.environ)
    monkeypatch.setenv("INLET_STATE_DIR", str(tmp_path))
    forget_delivery_containers()
    yield tmp_path
    os.environ.clear()
    os.environ.update(saved)
    forget_delivery_containers()
    restart_container()


def test_an_uplink_of_the_tagoio_demo_key_reaches_the_local_tagoio(clean_environment):
    with local_stack.local_aws("server") as aws:
        keys = local_stack.prepare_stack(aws)
        forwarding = start_tagoio_forwarding(keys, clean_environment)
        try:
            key = forwarding.key_file.read_text().strip()
            assert oct(forwarding.key_file.stat().st_mode & 0o777) == "0o600"
            handler = local_stack.load_handler()
            answer = handler(
                http_event({"serial": "AA-BB-01", "payload": "0011aa", "port": 10}, key=key), LambdaContext()
            )
            assert answer["statusCode"] == 200
            stored = _wait_for(f"{forwarding.tagoio.url}/_admin/data?serial=AA-BB-01")
            assert {(r["variable"], r["value"]) for r in stored} == {("payload", "0011aa"), ("port", 10)}
        finally:
            forwarding.stop()


def _wait_for(url: str, seconds: float = 15) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        stored = requests.get(url, timeout=5).json()["result"]
        if stored:
            return stored
        time.sleep(0.2)
    raise AssertionError("the uplink did not reach the local TagoIO")
