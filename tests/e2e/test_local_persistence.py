"""The local stack keeps its data across restarts (``inlet local run`` stopped cleanly, or killed), and forgets it
on ``inlet local reset`` / ``--reset``: keys (the demo key too), devices, connectors and records."""

from __future__ import annotations

import json
import signal

import pytest
import requests

from tests.e2e.conftest import LocalStack, process_env

pytestmark = pytest.mark.e2e

TIMEOUT = 10
SCRIPT = "function decodeUplink(input) { return { data: { first: input.bytes[0] } }; }\n"


def post(stack: LocalStack, key: str, serial: str, payload: str) -> dict:
    body = json.dumps({"serial": serial, "payload": payload, "port": 1})
    headers = {"Authorization": key, "Content-Type": "application/json"}
    answer = requests.post(stack.url, data=body, headers=headers, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def cli_json(stack: LocalStack, *args: str):
    done = stack.cli(*args, "--local", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def payloads(stack: LocalStack, tenant: str, serial: str) -> list[str]:
    return sorted(r["payload"] for r in cli_json(stack, "records", serial, "--tenant", tenant))


def test_data_survives_a_clean_stop_a_kill_and_goes_with_reset(tmp_path):
    env = process_env(tmp_path)
    (tmp_path / "th.js").write_text(SCRIPT)
    stack = LocalStack(tmp_path, env)
    try:
        demo_key = stack.key
        acme_key = cli_json(stack, "keys", "create", "--tenant", "acme", "--name", "kept")["key"]
        cli_json(stack, "connectors", "add", "kept-th", "--file", str(tmp_path / "th.js"), "--kind", "ts013")
        cli_json(stack, "devices", "add", "KEPT-01", "--tenant", "acme", "--connector", "kept-th")
        cli_json(stack, "devices", "remove", "AA-BB-02", "--tenant", "demo")
        post(stack, acme_key, "KEPT-01", "2a")
        post(stack, demo_key, "AA-BB-01", "01")
    finally:
        assert stack.stop() == 0  # SIGTERM: a clean stop, the journal compacted into the snapshot

    stack = LocalStack(tmp_path, env)
    try:
        assert stack.key == demo_key  # the demo key too
        assert "played back" in stack.output()
        assert payloads(stack, "acme", "KEPT-01") == ["2a"]
        assert payloads(stack, "demo", "AA-BB-01") == ["01"]
        record = cli_json(stack, "records", "KEPT-01", "--tenant", "acme")[0]
        assert record["decoded"] == {"first": 42} and record["decoder"]["connector"] == "kept-th@1"
        serials = {d["serial"] for d in cli_json(stack, "devices", "list", "--tenant", "demo", "--no-health")}
        assert "AA-BB-02" not in serials and "AA-BB-01" in serials  # a removed demo device is not seeded again
        post(stack, acme_key, "KEPT-01", "2b")  # the key created before the first stop still works
        stack.process.send_signal(signal.SIGKILL)  # a crash: no compaction, the journal is played back
        stack.process.wait(10)
    finally:
        stack.stop()

    stack = LocalStack(tmp_path, env)
    try:
        assert payloads(stack, "acme", "KEPT-01") == ["2a", "2b"]  # answered before the kill: kept
        assert [c["name"] for c in cli_json(stack, "connectors", "list") if c["name"] == "kept-th"] == ["kept-th"]
    finally:
        assert stack.stop() == 0

    reset = stack.cli("local", "reset")
    assert reset.returncode == 0 and "forgotten" in reset.stdout
    stack = LocalStack(tmp_path, env)
    try:
        assert stack.key != demo_key
        assert payloads(stack, "demo", "AA-BB-01") == []
        serials = {d["serial"] for d in cli_json(stack, "devices", "list", "--tenant", "demo", "--no-health")}
        assert "AA-BB-02" in serials  # seeded again
        refused = stack.cli("local", "reset")
        assert refused.returncode == 1 and "is running" in refused.stderr
    finally:
        stack.stop()
