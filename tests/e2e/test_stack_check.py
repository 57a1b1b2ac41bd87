"""`inlet check --local` against the local stack (a real process over HTTP), healthy and broken."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.e2e.conftest import LocalStack, process_env

pytestmark = pytest.mark.e2e

DEPLOYMENT_STEPS = ("the 'live' alias is on the latest published version", "the delivery function runs the same layer")


def _left_behind(stack: LocalStack, tenant: str) -> list[str]:
    keys = json.loads(stack.cli("keys", "list", "--local", "--json").stdout)
    devices = json.loads(stack.cli("devices", "list", "--local", "--tenant", tenant, "--json").stdout)
    return [k["id"] for k in keys if k["tenant"] == tenant] + [d["serial"] for d in devices]


def test_a_healthy_local_stack_passes_and_keeps_nothing_of_the_check(local_stack):
    shown = local_stack.cli("check", "--local")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    lines = shown.stdout.splitlines()
    for step in ("POST one uplink", "read the record back", "answered as a replay", "remove the throwaway key"):
        [line] = [x for x in lines if step in x]
        assert line.startswith("ok") and " ms)" in line
    for step in DEPLOYMENT_STEPS:  # no Lambda locally: said, not passed
        [line] = [x for x in lines if step in x]
        assert line.startswith("n/a") and "not applicable locally" in line

    result = json.loads(local_stack.cli("check", "--local", "--json").stdout)
    assert result["passed"] is True
    outcomes = {s["name"]: s["outcome"] for s in result["steps"]}
    assert [outcomes[s] for s in DEPLOYMENT_STEPS] == ["not applicable", "not applicable"]
    assert sum(name.startswith("remove the throwaway") for name in outcomes) == 3
    assert _left_behind(local_stack, result["tenant"]) == []


def test_a_stack_that_cannot_store_fails_at_the_post_says_what_to_do_and_still_cleans_up(tmp_path):
    stack = LocalStack(tmp_path, process_env(tmp_path))
    try:
        state = json.loads((tmp_path / "local.json").read_text())
        dynamodb = boto3.client("dynamodb", endpoint_url=state["endpoint_url"], region_name=state.get("region"),
                                aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
        dynamodb.delete_table(TableName=state["records_table"])  # the endpoint can no longer store anything

        shown = stack.cli("check", "--local")
        assert shown.returncode == 1
        assert "FAIL POST one uplink" in shown.stdout and "HTTP 503" in shown.stdout
        assert "to do: the endpoint fails" in shown.stdout
        assert "read the record back" not in shown.stdout  # the first failure ends the check
        assert next(x for x in shown.stdout.splitlines() if "remove the throwaway key" in x).startswith("ok")

        result = json.loads(stack.cli("check", "--local", "--json").stdout)
        assert result["passed"] is False
        assert _left_behind(stack, result["tenant"]) == []
    finally:
        stack.stop()


def test_check_needs_a_target(local_stack):
    shown = local_stack.cli("check")
    assert shown.returncode == 1 and "--stack NAME" in shown.stderr
