"""``inlet local invoke EVENT.json`` (``make invoke``): the real handler once, under moto, without Docker."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import inlet, process_env

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
