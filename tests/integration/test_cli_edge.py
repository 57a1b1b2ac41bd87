"""`inlet edge rotate --stack NAME` (moto's Secrets Manager and CloudFormation): a new value the function accepts
alongside the previous one, its version id printed for the deploy, the value itself never shown."""

from __future__ import annotations

import json

import boto3
import pytest
from inlet_cli.main import main

from tests.cli_runs import error_of
from tests.helpers import http_event, invoke, restart_container

pytestmark = pytest.mark.integration

ONE = {"serial": "AA-BB-01", "payload": "01", "port": 1}


def _stack(outputs: dict[str, str]) -> None:
    template = {"Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {name: {"Value": value} for name, value in outputs.items()}}  # fmt: skip
    boto3.client("cloudformation").create_stack(StackName="inlet-test", TemplateBody=json.dumps(template))


def test_a_rotation_puts_a_new_value_both_are_accepted_and_none_is_shown(seeded, capsys, monkeypatch):
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(Name="edge-origin", SecretString="first-value")["ARN"]
    _stack({"EdgeOriginSecretArn": arn})
    monkeypatch.setenv("EDGE_ORIGIN_SECRET_ARN", arn)

    assert main(["edge", "rotate", "--stack", "inlet-test"]) == 0
    shown = capsys.readouterr()
    version = shown.out.strip()
    current = secrets.get_secret_value(SecretId=arn)
    assert current["VersionId"] == version and current["SecretString"] not in shown.out + shown.err
    assert f"EdgeOriginSecretVersion={version}" in shown.err.replace("\n", "")
    assert secrets.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"] == "first-value"

    restart_container()
    for value in ("first-value", current["SecretString"]):  # CloudFront, before and after the deploy
        assert invoke(http_event(ONE, headers={"x-inlet-origin": value}))[0] == 200


def test_a_stack_without_the_edge_front_or_the_local_stack_is_refused(moto_aws, capsys):
    _stack({"KeysPath": "/inlet/test/keys"})
    assert "has no edge front" in error_of(capsys, "edge", "rotate", "--stack", "inlet-test")
    assert "--stack NAME" in error_of(capsys, "edge", "rotate", "--local")
