"""``inlet local invoke EVENT.json`` (``make invoke``): the real handler once, under moto, without Docker."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.e2e.conftest import ROOT, inlet, process_env

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("event", "status"), [("uplink-tts-v3.json", 200), ("error-unknown-device.json", 404)])
def test_prints_the_lambda_result_alone_on_stdout(tmp_path, event, status):
    done = inlet(process_env(tmp_path), "local", "invoke", f"events/{event}")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # the function's logs went to stderr
    assert result["statusCode"] == status and result["headers"]["content-type"] == "application/json"
    assert json.loads(result["body"])["status"] is (status == 200)


def test_a_missing_event_file_is_one_line(tmp_path):
    done = inlet(process_env(tmp_path), "local", "invoke", "events/none.json")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("inlet: error: events/none.json") and done.stderr.count("\n") == 1


@pytest.mark.parametrize("body", [{"serial": "AA-BB-01", "payload": "0011aa"}, [{"serial": "AA-BB-01"}]])
def test_a_network_server_body_instead_of_an_event_is_explained(tmp_path, body):
    raw = tmp_path / "uplink body.json"
    raw.write_text(json.dumps(body))
    done = inlet(process_env(tmp_path), "local", "invoke", str(raw))
    assert done.returncode == 1 and done.stdout == ""
    assert "not an API Gateway event" in done.stderr and "events/uplink-single.json" in done.stderr
    assert f"--data-binary '@{raw}'" in done.stderr  # what to run instead, quoted for the shell
    assert done.stderr.count("\n") == 1


def test_make_invoke_puts_only_the_result_on_stdout(tmp_path):
    env = {**process_env(tmp_path), "MAKEFLAGS": ""}
    done = subprocess.run(
        ["make", "--no-print-directory", "invoke", "EVENT=events/uplink-tts-v3.json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["statusCode"] == 200  # the whole of stdout is the result: no echoed command
