"""``inlet inspect`` shows each uplink's delivery outcomes per destination, in a real browser (headless Chromium) on
the local stack, whose delivery path runs as the stack's does: one destination delivered, one retrying with the
receiver's answer as the reason, one dead-lettered (the receiver answered 410), then the retried one delivered.
And ``inlet records redecode --deliver --local`` sends the re-decoded uplink through the same local delivery path."""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests.destinations_harness import Receiver
from tests.e2e.test_inspector_browser import CHROMIUM, CHROMIUM_ARGS, Inspector

pytestmark = pytest.mark.e2e

WAIT_MS = 20_000


@pytest.fixture(scope="module")
def relay(local_stack):
    """Tenant ``relay``: a key, a device, three webhooks on this machine (fine, failing once, gone)."""
    created = local_stack.cli("keys", "create", "--tenant", "relay", "--local", "--json")
    assert created.returncode == 0, created.stderr
    for serial in ("RELAY-1", "RELAY-2"):  # RELAY-2 stores its payload undecoded, until it is re-decoded
        added = local_stack.cli("devices", "add", serial, "--tenant", "relay", "--local")
        assert added.returncode == 0, added.stderr
    receivers = {"fine": Receiver([]), "flaky": Receiver(["500"]), "gone": Receiver(["410"])}
    for name, receiver in receivers.items():
        receiver.start()
        added = local_stack.cli("destinations", "add", name, "--tenant", "relay", "--kind", "webhook",
                                "--url", receiver.url, "--local")  # fmt: skip
        assert added.returncode == 0, added.stderr
    time.sleep(0.5)  # the local function sees the key's new flag (the CLI's --local changes apply at once)
    inspector = Inspector(local_stack.env, "relay")
    yield {"key": json.loads(created.stdout)["key"], "inspector": inspector, "stack": local_stack, **receivers}
    inspector.stop()
    for receiver in receivers.values():
        receiver.stop()


def test_the_page_shows_each_uplinks_delivery_outcome_per_destination(relay):
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    headers = {"Authorization": relay["key"], "Content-Type": "application/json"}
    answer = requests.post(relay["stack"].url, json={"serial": "RELAY-1", "payload": "0102", "port": 1},
                           headers=headers, timeout=10)  # fmt: skip
    assert answer.status_code == 200, answer.text
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(relay["inspector"].url)
        item = page.locator(".request .item", has_text="RELAY-1").first
        expect(item.locator(".delivery")).to_have_count(3, timeout=WAIT_MS)
        expect(item.locator(".delivery.delivered")).to_have_text("→ fine: delivered", timeout=WAIT_MS)
        expect(item.locator(".delivery.dead_lettered")).to_contain_text("→ gone: dead-lettered (webhook_410")
        retrying = item.locator(".delivery.retrying")
        expect(retrying).to_contain_text("→ flaky: retrying (webhook_500, attempt")
        # the retried delivery succeeds after its backoff: the page follows it without a reload
        expect(item.locator('.delivery[data-destination="flaky"]')).to_have_text("→ flaky: delivered", timeout=40_000)
        browser.close()
    for name in ("fine", "flaky"):  # each delivered once
        assert [json.loads(r.body)["serial"] for r in relay[name].arrived()].count("RELAY-1") == 1


def test_redecode_deliver_on_the_local_stack_reaches_the_webhook_as_a_new_event(relay):
    headers = {"Authorization": relay["key"], "Content-Type": "application/json"}
    uplink = {"serial": "RELAY-2", "payload": "016700e1", "port": 1}  # Cayenne LPP: channel 1, 22.5 °C
    assert requests.post(relay["stack"].url, json=uplink, headers=headers, timeout=10).status_code == 200
    first = wait_for(relay["fine"], lambda b: b["serial"] == "RELAY-2")
    assert "decoded" not in first
    done = relay["stack"].cli("records", "redecode", "RELAY-2", "--tenant", "relay", "--since", "1h",
                              "--connector", "cayenne-lpp", "--deliver", "--local", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["deliveries_queued"] == 3  # fine, flaky and gone take it
    again = wait_for(relay["fine"], lambda b: b.get("redecoded") is True)
    assert again["id"] == first["id"] and again["delivery_id"] != first["delivery_id"]
    assert again["decoded"]["temperature_1"] == 22.5


def wait_for(receiver, wanted, seconds: float = 20) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [b for b in (json.loads(r.body) for r in receiver.arrived()) if wanted(b)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError("the delivery did not arrive")
