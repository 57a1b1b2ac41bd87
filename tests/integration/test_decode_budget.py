"""The request's decode budget through the real handler: uplinks whose codec always runs to its time limit are all
stored, decoded or deferred, and the answer comes well before the function's 15 s timeout."""

from __future__ import annotations

import time

import pytest
from inlet_cli.main import main

from tests.cli_runs import run_json
from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

SPINS = "function decodeUplink(input) { for (;;) {} }"


def test_1000_uplinks_at_their_time_limit_are_stored_before_the_timeout(seeded, capsys, tmp_path):
    codec = tmp_path / "spin.js"
    codec.write_text(SPINS)
    assert main(["connectors", "add", "spin", "--file", str(codec), "--kind", "ts013"]) == 0
    assert main(["devices", "add", "SPIN-01", "--tenant", "demo", "--connector", "spin"]) == 0
    body = [{"serial": "SPIN-01", "payload": f"{n:04x}", "port": 1} for n in range(1000)]
    started = time.monotonic()
    status, receipt, _ = invoke(http_event(body))
    elapsed = time.monotonic() - started
    assert status == 200 and receipt["accepted"] == 1000, receipt
    assert elapsed < 12  # decoding stops at half of the 15 s left; storing 1,000 records comes after it
    capsys.readouterr()
    records = run_json(capsys, "records", "SPIN-01", "--tenant", "demo", "--limit", "1000")
    assert len(records) == 1000 and all("decode_failed" in r["flags"] for r in records)
    deferred = [r for r in records if "decode_deferred" in r["flags"]]
    assert deferred and "budget ran out" in deferred[0]["decoder"]["errors"][0]
    assert {r["payload"] for r in records} == {item["payload"] for item in body}  # every raw payload kept
