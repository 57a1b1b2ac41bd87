"""template.yaml's TagoIO forwarding: durable queues, a worker wired for partial batches, least privilege, and a local
stack whose queues match the template."""

from __future__ import annotations

import pytest
from inlet.settings import delivery_settings_from
from inlet_cli import localdeliver
from inlet_cli.template import load_template

pytestmark = pytest.mark.integration
FOURTEEN_DAYS = 1_209_600


@pytest.fixture(scope="module")
def resources() -> dict:
    return load_template()["Resources"]


def test_the_delivery_queue_keeps_deliveries_14_days_encrypted_and_ends_in_its_dead_letter_queue(resources):
    queue = resources["DeliveryQueue"]["Properties"]
    dlq = resources["DeliveryDLQ"]["Properties"]
    assert queue["MessageRetentionPeriod"] == dlq["MessageRetentionPeriod"] == FOURTEEN_DAYS
    assert queue["SqsManagedSseEnabled"] and dlq["SqsManagedSseEnabled"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": "DeliveryDLQ.Arn"}
    worker = resources["DeliverFunction"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    for name in ("DeliveryQueue", "DeliveryDLQ"):
        assert resources[name]["DeletionPolicy"] == "Retain"  # they may hold accepted uplinks


def test_the_worker_reports_partial_batch_failures_and_has_its_configuration(resources):
    worker = resources["DeliverFunction"]["Properties"]
    event = worker["Events"]["Deliveries"]
    assert event["Type"] == "SQS" and event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["Queue"] == {"Fn::GetAtt": "DeliveryQueue.Arn"}
    names = set(worker["Environment"]["Variables"])
    settings = delivery_settings_from(dict.fromkeys(names, "1"))  # every variable the worker needs is there
    assert settings.network_token_path == "1" and "NETWORK_TOKEN_PATH" in names
    assert worker["CodeUri"] == "functions/deliver/" and worker["Handler"] == "app.handler"
    assert "DeliverFunctionLogGroup" in resources


def test_the_uplink_function_queues_deliveries_and_reads_network_tokens_only_under_its_path(resources):
    uplink = resources["UplinkFunction"]["Properties"]
    env = uplink["Environment"]["Variables"]
    assert env["DELIVERY_QUEUE_URL"] == {"Ref": "DeliveryQueue"}
    assert env["NETWORK_TOKEN_PATH"] == {"Fn::Sub": "/inlet/${Stage}/tagoio"}
    statements = [s for p in uplink["Policies"] if isinstance(p, dict) for s in p.get("Statement", [])]
    ssm = [s for s in statements if "ssm:GetParameter" in s["Action"]]
    resources_read = sorted(s["Resource"]["Fn::Sub"].rsplit("parameter", 1)[1] for s in ssm)
    assert resources_read == ["/inlet/${Stage}/keys/*", "/inlet/${Stage}/tagoio/*"]
    assert {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": "DeliveryQueue.QueueName"}}} in uplink["Policies"]


def test_the_worker_may_postpone_deliveries_and_write_only_to_the_dead_letter_queue(resources):
    policies = resources["DeliverFunction"]["Properties"]["Policies"]
    statements = [s for p in policies if isinstance(p, dict) for s in p.get("Statement", [])]
    postpone = next(s for s in statements if s["Sid"] == "PostponeDeliveries")
    assert postpone["Action"] == "sqs:ChangeMessageVisibility"
    assert postpone["Resource"] == {"Fn::GetAtt": "DeliveryQueue.Arn"}
    assert {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": "DeliveryDLQ.QueueName"}}} in policies


def test_the_outputs_name_the_queues_for_inlet_replay():
    assert {"DeliveryQueueUrl", "DeliveryDLQUrl", "NetworkTokenPath"} <= set(load_template()["Outputs"])


def test_the_local_stack_s_queues_match_the_template(resources):
    queue = resources["DeliveryQueue"]["Properties"]
    parameters = load_template()["Parameters"]
    assert queue["VisibilityTimeout"] == localdeliver.VISIBILITY_TIMEOUT
    assert parameters["DeliveryMaxReceiveCount"]["Default"] == localdeliver.MAX_RECEIVE_COUNT
