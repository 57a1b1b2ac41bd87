"""One CloudWatch alarm per destination on moto: `inlet destinations add` creates it on the destination's
``DestinationFailed`` (dimension destination=<tenant>/<name>), `list`/`show` show its state, `remove` deletes it."""

from __future__ import annotations

import json

import boto3
import pytest
from inlet_cli import destination_alarms
from inlet_cli.local import env as local_env

from tests.cli_runs import run_json
from tests.integration.test_cli_destinations import TENANT, add_local_webhook, receiver, stack  # noqa: F401

pytestmark = pytest.mark.integration
ALARM = f"inlet-local-destination-{TENANT}-backend"


def cloudwatch():
    return boto3.client("cloudwatch", region_name=local_env.REGION)


def test_add_creates_the_destinations_alarm_and_remove_deletes_it(stack, receiver, capsys, monkeypatch):  # noqa: F811
    added = add_local_webhook(capsys, monkeypatch, "backend", receiver.url)
    assert added["alarm"]["name"] == ALARM
    [alarm] = cloudwatch().describe_alarms(AlarmNames=[ALARM])["MetricAlarms"]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("Inlet", "DestinationFailed", "Sum")
    assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
        "service": "inlet",
        "destination": f"{TENANT}/backend",
    }
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["AlarmActions"] == []  # the local stack has no AlarmTopic
    assert receiver.url not in str(alarm)  # the URL is no part of it

    cloudwatch().set_alarm_state(AlarmName=ALARM, StateValue="ALARM", StateReason="3 failures")
    [row] = run_json(capsys, "destinations", "list", "--tenant", TENANT, "--local")
    assert row["alarm"] == {"name": ALARM, "state": "ALARM", "reason": "3 failures"}
    shown = run_json(capsys, "destinations", "show", "backend", "--tenant", TENANT, "--local")
    assert shown["alarm"]["state"] == "ALARM"

    removed = run_json(capsys, "destinations", "remove", "backend", "--tenant", TENANT, "--local")
    assert removed["alarm"] == {"name": ALARM, "deleted": True}
    assert cloudwatch().describe_alarms(AlarmNames=[ALARM])["MetricAlarms"] == []


def test_another_tenants_destination_of_the_same_name_has_its_own_alarm(moto_aws):
    watch = cloudwatch()
    for tenant in ("acme", "beta"):
        destination_alarms.put(watch, "prod", "Inlet/prod", "", tenant, "crm")
    destination_alarms.delete(watch, "prod", "acme", "crm")
    left = watch.describe_alarms(AlarmNamePrefix="prod-destination-")["MetricAlarms"]
    assert [a["AlarmName"] for a in left] == ["prod-destination-beta-crm"]
    assert destination_alarms.state(watch, "prod", "acme", "crm")["state"] == "missing"


def test_a_stack_with_an_alarm_topic_is_notified_when_it_goes_off_and_clears(moto_aws):
    topic = boto3.client("sns", region_name=local_env.REGION).create_topic(Name="alarms")["TopicArn"]
    watch = cloudwatch()
    name = destination_alarms.put(watch, "prod", "Inlet/prod", topic, "acme", "crm")
    [alarm] = watch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]
    assert alarm["Namespace"] == "Inlet/prod" and alarm["Period"] == 900


def test_on_a_deployed_stack_the_alarm_is_named_after_it_and_notifies_its_alarm_topic(seeded, capsys, monkeypatch):
    topic = boto3.client("sns", region_name=local_env.REGION).create_topic(Name="alarms")["TopicArn"]
    outputs = {
        "KeysPath": local_env.KEYS_PATH, "DestinationsPath": local_env.DESTINATIONS_PATH,
        "AlarmTopicArn": topic, "MetricsNamespace": "Inlet/prod",
    }  # fmt: skip
    template = {
        "Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {name: {"Value": value} for name, value in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(StackName="inlet-prod", TemplateBody=json.dumps(template))
    bus = f"arn:aws:events:{local_env.REGION}:123456789012:event-bus/ops"
    argv = ("--tenant", TENANT, "--stack", "inlet-prod")
    added = run_json(capsys, "destinations", "add", "ops", "--kind", "eventbridge", "--bus", bus, *argv)
    name = f"inlet-prod-destination-{TENANT}-ops"
    assert added["alarm"] == {"name": name, "notifies": topic}
    [alarm] = cloudwatch().describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert alarm["AlarmActions"] == [topic] == alarm["OKActions"] and alarm["Namespace"] == "Inlet/prod"
    assert run_json(capsys, "destinations", "remove", "ops", *argv)["alarm"]["deleted"] is True
    assert cloudwatch().describe_alarms(AlarmNames=[name])["MetricAlarms"] == []


def test_alarm_recreates_one_deleted_by_hand(stack, receiver, capsys, monkeypatch):  # noqa: F811
    add_local_webhook(capsys, monkeypatch, "backend", receiver.url)
    cloudwatch().delete_alarms(AlarmNames=[ALARM])
    [row] = run_json(capsys, "destinations", "list", "--tenant", TENANT, "--local")
    assert row["alarm"]["state"] == "missing"
    assert run_json(capsys, "destinations", "alarm", "backend", "--tenant", TENANT, "--local")["name"] == ALARM
    assert len(cloudwatch().describe_alarms(AlarmNames=[ALARM])["MetricAlarms"]) == 1
