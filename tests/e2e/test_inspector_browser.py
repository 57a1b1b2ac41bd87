"""``inlet inspect`` in a real browser: the local stack, the inspector in its own process, headless Chromium.

What a person sees is asserted: a row per request with its status, a refusal's message and its item's reason,
a decoded device's values, the device filter hiding the other devices' rows, and the chart's points. With
``INLET_SCREENSHOT=docs/inspector.png`` the test also saves the page as docs/inspector.md shows it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from inlet_cli.local import env as local_env
from inlet_cli.targets import from_local_state

from tests.e2e.conftest import ROOT, Drain

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WAIT_MS = 15_000
TEMPERATURES = (21.5, 22.0, 23.5)  # Cayenne LPP channel 1 temperatures, in 0.1 °C steps on the wire
CODEC = """function decodeUplink(input) {
  console.log("port " + input.fPort + ", " + input.bytes.length + " bytes");
  if (input.fPort !== 1) return { errors: ["unknown FPort " + input.fPort] };
  return { data: { level: input.bytes[0] } };
}"""


# A TagoIO parser in TypeScript that keeps its input (the uplink's metadata) and adds two records of its own
PARSER = """interface Rec { variable: string; value: unknown; unit?: string }
const raw = payload.find((r: Rec) => r.variable === "payload");
if (raw) {
  const bytes = Buffer.from(String(raw.value), "hex");
  payload = payload.concat([
    { variable: "battery", value: bytes.readUInt16BE(0) / 1000, unit: "V" },
    { variable: "temperature", value: bytes.readInt16BE(2) / 10, unit: "°C" },
  ] as Rec[]);
}
"""


def lpp_temperature(celsius: float) -> str:
    return "0167" + f"{round(celsius * 10) & 0xFFFF:04x}"


class Inspector:
    """``inlet inspect --local --no-open --port 0`` as a real process: its URL once it serves."""

    def __init__(self, env: dict[str, str], tenant: str) -> None:
        command = [sys.executable, "-m", "inlet_cli.main", "inspect", "--tenant", tenant, "--local", "--no-open"]
        self.process = subprocess.Popen(
            [*command, "--port", "0"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.stdout, self.stderr = Drain(self.process.stdout), Drain(self.process.stderr)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            found = re.search(r"on (http://127\.0\.0\.1:\d+/)", self.stdout.text())
            if found:
                self.url = found.group(1)
                return
            time.sleep(0.05)
        raise AssertionError(f"inlet inspect did not start: {self.stderr.text(1)}")

    def stop(self) -> str:
        self.process.terminate()
        self.process.wait(15)
        return self.stderr.text(5)


@pytest.fixture(scope="module")
def shop(local_stack, tmp_path_factory):
    """A tenant of its own with a key, a Cayenne LPP device, a plain one and one with a JavaScript codec that logs
    to its console, its log switched on by the inspector."""
    created = local_stack.cli("keys", "create", "--tenant", "shop", "--local", "--json")
    assert created.returncode == 0, created.stderr
    key = json.loads(created.stdout)["key"]
    codec = tmp_path_factory.mktemp("codec") / "level.js"
    codec.write_text(CODEC)
    added = local_stack.cli("connectors", "add", "shop-level", "--file", str(codec), "--kind", "ts013", "--local")
    assert added.returncode == 0, added.stderr
    parser = tmp_path_factory.mktemp("parser") / "battery.ts"
    parser.write_text(PARSER)
    added = local_stack.cli("connectors", "add", "shop-battery", "--file", str(parser), "--local")
    assert added.returncode == 0, added.stderr
    devices = (("SHOP-1", "cayenne-lpp"), ("SHOP-2", "generic-sensor"), ("SHOP-3", "shop-level"),
               ("SHOP-4", "shop-battery"))  # fmt: skip
    for serial, connector in devices:
        added = local_stack.cli("devices", "add", serial, "--tenant", "shop", "--connector", connector, "--local")
        assert added.returncode == 0, added.stderr
    inspector = Inspector(local_stack.env, "shop")
    yield {"key": key, "inspector": inspector, "stack": local_stack}
    if inspector.process.poll() is None:
        inspector.stop()


def post(shop, body) -> int:
    data = body if isinstance(body, str) else json.dumps(body)
    headers = {"Authorization": shop["key"], "Content-Type": "application/json", "User-Agent": "e2e-lns/1.0"}
    return requests.post(shop["stack"].url, data=data, headers=headers, timeout=10).status_code


@pytest.fixture(scope="module")
def page(shop):
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        yield page
        browser.close()


def test_the_page_shows_every_request_live_and_filters_and_charts_a_device(shop, page):
    from playwright.sync_api import expect

    # Given accepted uplinks of two devices and a refusal (an unknown device), sent before the page is opened
    for celsius in TEMPERATURES:
        assert post(shop, {"serial": "SHOP-1", "payload": lpp_temperature(celsius), "port": 1}) == 200
    batch = [{"serial": "SHOP-2", "payload": "0011aa", "port": 10}, {"serial": "SHOP-3", "payload": "07", "port": 9}]
    assert post(shop, batch) == 200
    assert post(shop, {"serial": "NOPE-9", "payload": "00"}) == 404
    # When the inspector's page is opened, and a bad body arrives while it is open
    page.goto(shop["inspector"].url)
    expect(page.locator(".request")).to_have_count(5, timeout=WAIT_MS)
    assert post(shop, '{"serial": ') == 400
    expect(page.locator(".request")).to_have_count(6, timeout=WAIT_MS)

    # Then there is a row per request, newest first, with its status
    rows = page.locator(".request")
    assert [rows.nth(i).get_attribute("data-status") for i in range(6)] == ["400", "404", "200", "200", "200", "200"]
    assert "Invalid JSON body" in rows.nth(0).inner_text()
    refused = rows.nth(1).inner_text()
    assert "Device not found" in refused and "device_not_found" in refused and "NOPE-9" in refused
    batch_row = rows.nth(2).inner_text()
    assert "SHOP-2 port 10 payload 0011aa" in batch_row and "decoder shop-level@1: unknown FPort 9" in batch_row
    assert "console: port 9, 1 bytes" in batch_row
    assert '"temperature_1":23.5' in rows.nth(3).inner_text() and "e2e-lns/1.0" in rows.nth(3).inner_text()

    # And the device filter keeps only that device's rows, and the chart has a point per uplink
    page.select_option("#device", "SHOP-1")
    expect(page.locator("#chart circle")).to_have_count(3, timeout=WAIT_MS)
    visible = page.locator(".request:visible")
    assert visible.count() == 3 and all("SHOP-1" in visible.nth(i).inner_text() for i in range(3))
    assert "SHOP-2" not in page.locator("#requests").inner_text()  # hidden rows are not shown as text
    assert page.locator("#variable").input_value() == "temperature_1"
    heights = [float(page.locator("#chart circle").nth(i).get_attribute("cy")) for i in range(3)]
    assert heights[0] > heights[1] > heights[2]  # 21.5, 22.0, 23.5: higher values are drawn higher up
    if os.environ.get("INLET_SCREENSHOT"):
        page.select_option("#device", "")
        page.screenshot(path=os.environ["INLET_SCREENSHOT"], full_page=True)


def test_a_tagoio_parsers_own_records_are_a_table_and_the_rest_is_on_demand(shop, page):
    from playwright.sync_api import expect

    uplink = {"serial": "SHOP-4", "payload": "0e7400e7", "port": 2, "rssi": -71, "snr": 7.5, "gateway": "gw-1"}
    assert post(shop, uplink) == 200
    page.select_option("#device", "")
    row = page.locator(".request", has_text="SHOP-4").first
    expect(row.locator(".parsed-records tr")).to_have_count(3, timeout=WAIT_MS)  # a header and two records
    cells = row.locator(".parsed-records td")
    assert [cells.nth(i).inner_text() for i in range(6)] == ["battery", "3.7", "V", "temperature", "23.1", "°C"]
    whole = row.locator(".all-records")
    counted = re.search(r"the parser's whole result \((\d+) records\)", whole.inner_text())
    assert counted and int(counted.group(1)) >= 8  # payload, port, fport, rssi, snr, gateway and its own two
    assert not whole.locator("code").is_visible()  # the input records only on demand
    whole.locator("summary").click()
    expect(whole.locator("code")).to_be_visible()
    assert '"variable":"rssi"' in whole.locator("code").inner_text()


def test_stopping_the_inspector_switches_the_log_off(shop, page, monkeypatch):
    notes = shop["inspector"].stop()
    assert "request log off for 1 key(s)" in notes
    listed = shop["stack"].cli("keys", "list", "--tenant", "shop", "--local", "--json")
    assert [k["log_until"] for k in json.loads(listed.stdout)] == [0]
    assert post(shop, {"serial": "SHOP-2", "payload": "01", "port": 1}) == 200
    monkeypatch.setenv(local_env.STATE_DIR_ENV, str(shop["stack"].state_dir))
    assert len(from_local_state().request_log_store().after("shop")) == 7  # served, and no longer logged
