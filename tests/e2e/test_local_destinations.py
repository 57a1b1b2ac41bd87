"""`inlet local run` runs the destinations' delivery path as the stack does: a webhook on this machine receives the
uplinks posted to the local endpoint, signed; EventBridge and IoT destinations go to the emulator."""

from __future__ import annotations

import json
import time

import pytest
import requests
from standardwebhooks import Webhook

from tests.destinations_harness import Receiver
from tests.e2e.test_local_stack import JSON, TIMEOUT

pytestmark = pytest.mark.e2e


def test_a_webhook_on_this_machine_receives_the_local_stacks_uplinks(local_stack):
    receiver = Receiver(["500"]).start()  # the first attempt fails: retried by the local delivery path
    try:
        added = local_stack.cli(
            "destinations", "add", "mine", "--tenant", "demo", "--kind", "webhook", "--url", receiver.url,
            "--local", "--json",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        secret = json.loads(added.stdout)["secret"]
        time.sleep(0.5)  # the local function sees the key's new flag (the CLI's --local changes apply at once)
        items = [{"serial": "AA-BB-01", "payload": f"00{i:02x}", "port": 10} for i in range(3)]
        answer = requests.post(local_stack.url, json=items, headers={**JSON, "Authorization": local_stack.key},
                               timeout=TIMEOUT)  # fmt: skip
        ids = sorted(item["id"] for item in answer.json()["items"])
        deadline = time.monotonic() + 40  # the failed one waits its backoff (5-10 s)
        while time.monotonic() < deadline and len({json.loads(r.body)["id"] for r in receiver.arrived()}) < 3:
            time.sleep(0.2)
        arrived = receiver.arrived()
        assert sorted({json.loads(r.body)["id"] for r in arrived}) == ids
        for request in arrived:
            Webhook(secret).verify(request.body, request.headers)
        listed = local_stack.cli("destinations", "list", "--tenant", "demo", "--local", "--json")
        assert json.loads(listed.stdout)[0]["health"]["delivered_24h"] >= 3
    finally:
        receiver.stop()
