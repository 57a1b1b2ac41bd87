"""`inlet check --stack NAME` on a deployed stack as moto emulates it: its Outputs, tables, SSM keys and Lambda
functions; the endpoint's HTTP front is the real handler, invoked with the API Gateway event the POST becomes."""

from __future__ import annotations

import json
from json import dumps

import boto3
import pytest
import requests
from inlet_cli.local import env as local_env
from inlet_cli.main import main

from tests.helpers import http_event, invoke
from tests.lambda_functions import deploy_functions

pytestmark = pytest.mark.integration

URL = "https://uplink.example.com/uplink"


def _through_the_handler(url, json, headers, timeout):
    """The HTTP API in front of the function: the request as its event, the function's answer as the response."""
    assert url == URL
    status, body, answer_headers = invoke(http_event(json, key=headers["Authorization"]))
    response = requests.Response()
    response.status_code, response._content = status, dumps(body).encode()
    response.headers.update(answer_headers)
    return response


@pytest.fixture
def stack(moto_aws, monkeypatch):
    monkeypatch.setattr(requests, "post", _through_the_handler)
    lambda_ = deploy_functions(local_env.REGION)
    env = local_env.function_environment()
    outputs = {"KeysPath": env["KEYS_PATH"], "DevicesTableName": env["DEVICES_TABLE"],
               "RecordsTableName": env["RECORDS_TABLE"], "DedupTableName": env["DEDUP_TABLE"], "UplinkEndpoint": URL,
               "UplinkFunctionName": "uplink", "DeliverFunctionName": "deliver"}  # fmt: skip
    template = {"Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {name: {"Value": value} for name, value in outputs.items()}}  # fmt: skip
    boto3.client("cloudformation").create_stack(StackName="inlet-test", TemplateBody=json.dumps(template))
    return moto_aws, lambda_


def _left_behind(moto_aws, tenant: str) -> list:
    parameters = moto_aws["ssm"].get_parameters_by_path(Path=local_env.function_environment()["KEYS_PATH"])
    keys = [p for p in parameters["Parameters"] if tenant in p["Value"]]
    items = moto_aws["dynamodb"].scan(TableName=local_env.function_environment()["DEVICES_TABLE"])["Items"]
    records = moto_aws["dynamodb"].scan(TableName=local_env.function_environment()["RECORDS_TABLE"])["Items"]
    return keys + [i for i in items + records if tenant in json.dumps(i)]


def test_a_healthy_stack_passes_every_step_and_keeps_nothing(stack, capsys):
    moto_aws, _ = stack
    assert main(["check", "--stack", "inlet-test", "--json"]) == 0
    out = capsys.readouterr().out  # the in-process handler prints its metrics (EMF lines) before the result
    result = json.loads(out[out.index('{\n  "target"') :])
    assert result["passed"] and {s["outcome"] for s in result["steps"]} == {"passed"}
    assert [s["detail"] for s in result["steps"] if "alias" in s["name"]] == ["uplink:live -> version 1"]
    assert _left_behind(moto_aws, result["tenant"]) == []


def test_an_alias_left_behind_fails_with_what_to_do_and_still_cleans_up(stack, capsys):
    moto_aws, lambda_ = stack
    lambda_.update_function_configuration(FunctionName="uplink", Description="a newer version")
    lambda_.publish_version(FunctionName="uplink")  # published, but the alias did not move (a rollback)
    assert main(["check", "--stack", "inlet-test"]) == 1
    shown = capsys.readouterr().out
    assert "FAIL the 'live' alias is on the latest published version" in shown
    assert "saw: live is on version 1, the latest published is 2" in shown and "rolled back" in shown
    assert "delivery function runs the same layer" not in shown  # the first failure ends the check
    tenant = shown.split("tenant ")[1].split(",")[0]
    assert _left_behind(moto_aws, tenant) == []
