"""The request's decode budget through the real handler: uplinks whose codec always runs to its time limit are all
stored, decoded or deferred, and the answer is a 2xx within the invocation's 15 s.

300 uplinks at 100 ms each need 30 s of decoding, four times the budget: enough to prove the deferral. The handler's
AWS calls stop once they could outlive the invocation (a 503 then), so a 200 here is the proof that storing came
inside the 15 s; no wall-clock assertion (the engine-level test runs 1,000 uplinks)."""

from __future__ import annotations

import pytest
from inlet_cli.main import main

from tests.cli_runs import run_json
from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

SPINS = "function decodeUplink(input) { for (;;) {} }"


def test_uplinks_at_their_time_limit_are_stored_within_the_invocation(seeded, capsys, tmp_path):
    codec = tmp_path / "spin.js"
    codec.write_text(SPINS)
    assert main(["connectors", "add", "spin", "--file", str(codec), "--kind", "ts013"]) == 0
    assert main(["devices", "add", "SPIN-01", "--tenant", "demo", "--connector", "spin"]) == 0
    body = [{"serial": "SPIN-01", "payload": f"{n:04x}", "port": 1} for n in range(300)]
    status, receipt, _ = invoke(http_event(body))
    assert status == 200 and receipt["accepted"] == 300, receipt
    capsys.readouterr()
    records = run_json(capsys, "records", "SPIN-01", "--tenant", "demo", "--limit", "1000")
    assert len(records) == 300 and all("decode_failed" in r["flags"] for r in records)
    deferred = [r for r in records if "decode_deferred" in r["flags"]]
    assert deferred and "budget ran out" in deferred[0]["decoder"]["errors"][0]
    assert {r["payload"] for r in records} == {item["payload"] for item in body}  # every raw payload kept
