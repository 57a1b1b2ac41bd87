"""The local stack over real HTTP: ``inlet local run --port 0`` in its own process, the CLI in others."""

from __future__ import annotations

import json
import socket
import stat
import subprocess
import sys
import time

import boto3
import pytest
import requests
from inlet.adapters.records import from_item
from inlet_cli.local import env as local_env
from moto.server import ThreadedMotoServer

from tests.e2e.conftest import READY_TIMEOUT, ROOT, LocalStack, inlet, process_env

pytestmark = pytest.mark.e2e

TIMEOUT = 10
JSON = {"Content-Type": "application/json"}


def post(stack: LocalStack, body, key: str | None = None, headers: dict | None = None, **kwargs) -> requests.Response:
    headers = {**JSON, **({"Authorization": key} if key else {}), **(headers or {})}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return requests.post(stack.url, data=data, headers=headers, timeout=TIMEOUT, **kwargs)


def test_single_uplink_gets_a_receipt(local_stack):
    answer = post(local_stack, {"serial": "AA-BB-01", "payload": "0011AA", "port": 10}, local_stack.key)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["status"] is True and body["accepted"] == 1
    assert body["items"] == [{"index": 0, "serial": "AA-BB-01", "status": "accepted", "id": f"{body['group']}-0"}]


def test_batch_gets_one_receipt_per_item(local_stack):
    batch = [{"serial": "AA-BB-01", "payload": "01"}, {"serial": "aa-bb-02", "payload": "02"}, {"serial": "NOPE"}]
    body = post(local_stack, batch, f"Bearer {local_stack.key}").json()
    assert (body["accepted"], body["rejected"]) == (2, 1)
    assert [item["status"] for item in body["items"]] == ["accepted", "accepted", "rejected"]


def test_key_in_the_query_string_is_accepted(local_stack):
    answer = post(local_stack, {"serial": "AA-BB-02", "payload": "0a"}, params={"authorization": local_stack.key})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("body", "key", "headers", "status", "message"),
    [
        ({"serial": "AA-BB-01"}, None, {}, 401, "Missing authorization"),
        ({"serial": "AA-BB-01"}, "at00000000000000000000000000000000", {}, 401, "Invalid authorization"),
        ({"serial": "AA-BB-01"}, "demo", {"Content-Type": "text/plain"}, 415, "application/json"),
        ('{"serial": ', "demo", {}, 400, "Invalid JSON body"),
        ({"payload": "00"}, "demo", {}, 400, "Missing serial"),
    ],
)
def test_refusals(local_stack, body, key, headers, status, message):
    answer = post(local_stack, body, local_stack.key if key == "demo" else key, headers)
    assert answer.status_code == status
    assert answer.json()["status"] is False and message in answer.json()["message"]


def test_retry_of_the_same_body_is_replayed(local_stack):
    body = {"serial": "AA-BB-01", "payload": "0b0b", "port": 7, "retry": "yes"}
    first, second = (post(local_stack, body, local_stack.key) for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert "x-inlet-replayed" not in first.headers and second.headers["x-inlet-replayed"] == "true"


def test_other_routes_answer_like_api_gateway(local_stack):
    base = local_stack.url.removesuffix("/uplink")
    assert requests.get(local_stack.url, timeout=TIMEOUT).status_code == 404
    answer = requests.post(f"{base}/other", json={}, timeout=TIMEOUT)
    assert (answer.status_code, answer.json()) == (404, {"message": "Not Found"})


def test_records_are_visible_through_the_cli(local_stack):
    post(local_stack, {"serial": "AA-BB-02", "payload": "CAFE", "port": 3}, local_stack.key)
    shown = local_stack.cli("records", "aa-bb-02", "--tenant", "demo", "--local", "--json")
    assert shown.returncode == 0, shown.stderr
    assert {"payload": "cafe", "port": 3}.items() <= json.loads(shown.stdout)[0].items()


def test_local_invoke_against_the_running_stack(local_stack):
    done = local_stack.cli("local", "invoke", "events/uplink-batch.json", "--local")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["statusCode"] == 200


def test_demo_key_is_private_and_never_printed(local_stack):
    key_file = local_stack.state_dir / local_env.DEMO_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    post(local_stack, {"serial": "AA-BB-01", "payload": "01"}, params={"authorization": local_stack.key})
    output = local_stack.output()
    assert "POST /uplink 200" in output  # the access log is there...
    assert local_stack.key not in output  # ...without the key, from the header or the query string
    assert local_stack.key not in (local_stack.state_dir / local_env.STATE_FILE).read_text()


def test_stops_cleanly_and_forgets_its_state(tmp_path):
    stack = LocalStack(tmp_path, process_env(tmp_path))
    assert (tmp_path / local_env.STATE_FILE).exists()
    assert stack.stop() == 0
    assert not (tmp_path / local_env.STATE_FILE).exists()  # its moto died with it: --local must not find it
    gone = inlet(stack.env, "devices", "list", "--tenant", "demo", "--local")
    assert gone.returncode == 1 and "no local stack" in gone.stderr


def test_uses_the_emulator_that_aws_endpoint_url_names(tmp_path):
    emulator = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    emulator.start()
    host, port = emulator.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    aws = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    stack = LocalStack(tmp_path, process_env(tmp_path, AWS_DEFAULT_REGION="us-east-1", **aws))
    try:
        state = json.loads((tmp_path / local_env.STATE_FILE).read_text())
        assert endpoint in stack.output() and state["endpoint_url"] == endpoint
        assert post(stack, {"serial": "AA-BB-01", "payload": "abcd"}, stack.key).status_code == 200

        # The records are in the emulator we started, not in one of the stack's own
        dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", **_credentials())
        items = dynamodb.scan(TableName=local_env.TABLES["RecordsTable"])["Items"]
        assert [from_item(item)["payload"] for item in items] == ["abcd"]
    finally:
        assert stack.stop() == 0
        emulator.stop()
    assert (tmp_path / local_env.STATE_FILE).exists()  # the data outlives this process: --local still works


def _credentials() -> dict[str, str]:
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def test_a_script_that_waits_for_the_port_finds_the_stack_ready(tmp_path):
    # Given `inlet local run` starting on a known port, and a script that only waits until the port accepts
    port = _free_port()
    env = process_env(tmp_path)
    command = [sys.executable, "-m", "inlet_cli.main", "local", "run", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, server)
        # Then, at that moment, what --local needs exists...
        assert (tmp_path / local_env.STATE_FILE).exists() and (tmp_path / local_env.DEMO_KEY_FILE).exists()
        # ...and the CLI run at once finds the tables and the demo data
        listed = inlet(env, "devices", "list", "--tenant", "demo", "--local", "--json")
        assert listed.returncode == 0, listed.stderr
        assert {d["serial"] for d in json.loads(listed.stdout)} == set(local_env.DEMO_DEVICES)
    finally:
        server.terminate()
        assert server.wait(15) == 0


def test_a_device_added_with_the_cli_is_accepted_at_once(local_stack):
    serial = "NEW-DEV-01"
    assert post(local_stack, {"serial": serial, "payload": "01"}, local_stack.key).status_code == 404  # a miss...
    added = local_stack.cli("devices", "add", serial, "--tenant", "demo", "--local")
    assert added.returncode == 0, added.stderr
    assert "DEVICE_MISS_CACHE_SECONDS" not in added.stderr  # no delay to warn about here
    assert post(local_stack, {"serial": serial, "payload": "02"}, local_stack.key).status_code == 200  # ...forgotten

    assert local_stack.cli("devices", "remove", serial, "--tenant", "demo", "--local").returncode == 0
    assert post(local_stack, {"serial": serial, "payload": "03"}, local_stack.key).status_code == 404


def test_a_key_revoked_with_the_cli_is_refused_at_once(local_stack):
    created = local_stack.cli("keys", "create", "--tenant", "demo", "--local", "--json")
    key = json.loads(created.stdout)["key"]
    assert post(local_stack, {"serial": "AA-BB-01", "payload": "04"}, key).status_code == 200
    revoked = local_stack.cli("keys", "revoke", json.loads(created.stdout)["id"], "--local")
    assert revoked.returncode == 0 and "next request" in revoked.stderr
    assert post(local_stack, {"serial": "AA-BB-01", "payload": "05"}, key).status_code == 401


def test_a_tagoio_key_on_a_stack_that_does_not_forward_is_refused_clearly(local_stack):
    options = ["--tagoio-api-url", "http://127.0.0.1:9", "--network-token-param", "lns"]
    authorization = ["--tagoio-authorization", "at" + "ab" * 16]
    created = local_stack.cli(
        "keys", "create", "--tenant", "demo", "--sink", "tagoio", *options, *authorization, "--local"
    )
    assert created.returncode == 1 and created.stdout == ""
    assert "does not forward to TagoIO" in created.stderr and "make run TAGOIO=1" in created.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, server: subprocess.Popen) -> None:
    """What `until nc -z 127.0.0.1 $PORT; do sleep 0.05; done` does."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, f"inlet local run exited with {server.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)
    raise AssertionError(f"port {port} never accepted a connection")
