"""`inlet check`'s POST step: it waits out a key or device not yet visible, each attempt a new request (a refused
one may be kept as the answer its exact retry gets), and names what it saw when the endpoint fails."""

from __future__ import annotations

import json

import pytest
import requests
from inlet_cli.stack_check import StackCheck, run_step
from inlet_cli.targets import Target

pytestmark = pytest.mark.unit

URL = "https://uplink.example.com/uplink"


def _answer(status: int, body: dict, headers: dict | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, json.dumps(body).encode()
    response.headers.update(headers or {})
    return response


def _check(answers: list[requests.Response]) -> tuple[StackCheck, list[dict]]:
    sent: list[dict] = []

    def post(url, json, headers, timeout):
        assert url == URL and headers["Content-Type"] == "application/json"
        sent.append(dict(json))
        return answers.pop(0)

    return StackCheck(Target("stack 'x'", uplink_url=URL), post=post, sleep=lambda _s: None), sent


def test_a_device_not_yet_visible_is_waited_for_with_a_new_request_each_time():
    accepted = {"accepted": 1, "items": [{"id": "g-0"}]}
    check, sent = _check([_answer(404, {"message": "device not found"}), _answer(200, accepted)])
    step = run_step("post", check.post_uplink)
    assert step.outcome == "passed" and "record g-0" in step.detail
    assert len(sent) == 2 and sent[0] != sent[1] and sent[1] == check.body  # the replay step resends the last one


def test_a_failing_endpoint_fails_the_step_with_its_status_and_what_to_do():
    check, _ = _check([_answer(503, {"message": "Record store unavailable"})])
    step = run_step("post", check.post_uplink)
    assert step.outcome == "failed" and "HTTP 503" in step.detail and "logs" in step.todo


def test_a_first_answer_marked_as_a_replay_fails():
    check, _ = _check([_answer(200, {"accepted": 1, "items": [{"id": "g-0"}]}, {"x-inlet-replayed": "true"})])
    assert run_step("post", check.post_uplink).outcome == "failed"
