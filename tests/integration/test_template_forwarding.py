"""template.yaml's TagoIO forwarding: durable queues, a worker wired for partial batches, least privilege, and a local
stack whose queues match the template."""

from __future__ import annotations

import pytest
from inlet.settings import delivery_settings_from
from inlet_cli.local import deliver as local_deliver
from inlet_cli.template import load_template

pytestmark = pytest.mark.integration
FOURTEEN_DAYS = 1_209_600


@pytest.fixture(scope="module")
def resources() -> dict:
    return load_template()["Resources"]


def test_the_delivery_queue_keeps_deliveries_encrypted_and_ends_in_its_dead_letter_queue(resources):
    queue = resources["DeliveryQueue"]["Properties"]
    dlq = resources["DeliveryDLQ"]["Properties"]
    assert queue["SqsManagedSseEnabled"] and dlq["SqsManagedSseEnabled"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": "DeliveryDLQ.Arn"}
    worker = resources["DeliverFunction"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    for name in ("DeliveryQueue", "DeliveryDLQ"):
        assert resources[name]["DeletionPolicy"] == "RetainExceptOnCreate"  # they may hold accepted uplinks


def test_a_delivery_outlives_its_retries_and_then_has_a_week_in_the_dead_letter_queue(resources):
    # A message keeps its first timestamp when SQS moves it: the DLQ must keep it longer than the queue did.
    queue, dlq = resources["DeliveryQueue"]["Properties"], resources["DeliveryDLQ"]["Properties"]
    most_attempts = load_template()["Parameters"]["DeliveryMaxReceiveCount"]["MaxValue"]
    backoff = int(resources["DeliverFunction"]["Properties"]["Environment"]["Variables"]["MAX_BACKOFF_SECONDS"])
    assert most_attempts * backoff < queue["MessageRetentionPeriod"]
    assert dlq["MessageRetentionPeriod"] == FOURTEEN_DAYS
    assert dlq["MessageRetentionPeriod"] - queue["MessageRetentionPeriod"] >= 7 * 86400


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
    env = resources["UplinkFunction"]["Properties"]["Environment"]["Variables"]
    assert env["DELIVERY_QUEUE_URL"] == {"Ref": "DeliveryQueue"}
    assert env["NETWORK_TOKEN_PATH"] == {"Fn::Sub": "/inlet/${Stage}/tagoio"}
    # (what each role may do with them: test_template_iam.py, on the transformed template)


def test_the_outputs_name_the_queues_for_inlet_replay():
    assert {"DeliveryQueueUrl", "DeliveryDLQUrl", "NetworkTokenPath"} <= set(load_template()["Outputs"])


def test_the_local_stack_s_queues_match_the_template(resources):
    queue = resources["DeliveryQueue"]["Properties"]
    parameters = load_template()["Parameters"]
    assert queue["VisibilityTimeout"] == local_deliver.VISIBILITY_TIMEOUT
    assert parameters["DeliveryMaxReceiveCount"]["Default"] == local_deliver.MAX_RECEIVE_COUNT
