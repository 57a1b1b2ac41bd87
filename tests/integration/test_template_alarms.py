"""Alarms, their notification topic and the dashboard, in the template CloudFormation deploys (after the SAM
transform), checked against what the code emits and what the template itself sets (timeouts, tables, queues)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from inlet.core import records
from inlet_cli.template import load_template

from tests.integration.sam_transform import transformed

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
EMAIL = {"AlarmEmail": "ops@example.com"}
# Every InletError status (and the edge front's 403) becomes a Refused<status> metric of the handler.
STATUSES = sorted(
    {int(s) for path in ("layers/common/inlet/errors.py", "layers/common/inlet/core/edge_origin.py")
     for s in re.findall(r"status = (\d{3})", (ROOT / path).read_text())}
)  # fmt: skip
REASONS = [records.DEVICE_NOT_FOUND, records.INVALID_SERIAL, records.ITEM_TOO_LARGE, records.ITEM_TOO_DEEP,
           records.ITEM_NOT_STORABLE]  # fmt: skip


def alarms(resources: dict) -> dict[str, dict]:
    return {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}


def watched(props: dict) -> list[tuple[str, str, dict]]:
    """``(namespace, metric, dimensions)`` of every metric an alarm reads (plain or metric math)."""
    if "MetricName" in props:
        return [(props["Namespace"], props["MetricName"], {d["Name"]: d["Value"] for d in props["Dimensions"]})]
    found = []
    for query in props["Metrics"]:
        if "MetricStat" in query:
            metric = query["MetricStat"]["Metric"]
            found.append(
                (metric["Namespace"], metric["MetricName"], {d["Name"]: d["Value"] for d in metric["Dimensions"]})
            )
    return found


def test_without_an_email_there_is_no_topic_and_no_alarm_has_actions():
    resources = transformed()["Resources"]
    assert "AlarmTopic" not in resources
    for name, props in alarms(resources).items():
        assert "AlarmActions" not in props and "OKActions" not in props, name


def test_with_an_email_every_alarm_notifies_the_topic_when_it_fires_and_when_it_clears():
    resources = transformed(EMAIL)["Resources"]
    topic = resources["AlarmTopic"]["Properties"]
    assert topic["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]
    found = alarms(resources)
    assert len(found) >= 12
    for name, props in found.items():
        assert props["AlarmActions"] == props["OKActions"] == [{"Ref": "AlarmTopic"}], name


def test_the_email_parameter_accepts_an_address_or_nothing():
    pattern = re.compile(load_template()["Parameters"]["AlarmEmail"]["AllowedPattern"])
    assert pattern.fullmatch("") and pattern.fullmatch("ops+inlet@example.co.uk")
    assert not pattern.fullmatch("ops") and not pattern.fullmatch("a b@example.com")


def resource_of(dimensions: dict) -> str:
    """The resource an alarm's metric is about: its first dimension's ``Ref`` or ``GetAtt`` (for the endpoint's own
    metrics: their last dimension's value, e.g. a destination kind)."""
    value = next(iter(dimensions.values()))
    if isinstance(value, str):
        return list(dimensions.values())[-1]
    return value.get("Ref") or value["Fn::GetAtt"]


def test_each_operational_figure_has_an_alarm():
    metrics = {
        (
            str(namespace.get("Fn::Sub", namespace)) if isinstance(namespace, dict) else namespace,
            name,
            resource_of(dimensions),
        )
        for props in alarms(transformed()["Resources"]).values()
        for namespace, name, dimensions in watched(props)
    }
    expected = {
        ("AWS/ApiGateway", "5xx", "UplinkApi"), ("AWS/ApiGateway", "4xx", "UplinkApi"),
        ("AWS/Lambda", "Errors", "UplinkFunction"), ("AWS/Lambda", "Errors", "DeliverFunction"),
        ("AWS/Lambda", "Throttles", "UplinkFunction"), ("AWS/Lambda", "Throttles", "DeliverFunction"),
        ("AWS/Lambda", "Duration", "UplinkFunction"), ("AWS/Lambda", "Duration", "DeliverFunction"),
        ("AWS/DynamoDB", "ReadThrottleEvents", "DevicesTable"), ("AWS/DynamoDB", "WriteThrottleEvents", "DevicesTable"),
        ("AWS/DynamoDB", "WriteThrottleEvents", "RecordsTable"), ("AWS/DynamoDB", "WriteThrottleEvents", "DedupTable"),
        ("AWS/DynamoDB", "ReadThrottleEvents", "ConnectorsTable"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "DeliveryDLQ.QueueName"),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", "DeliveryDLQ.QueueName"),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", "DeliveryQueue.QueueName"),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", "DestinationsQueue.QueueName"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "DestinationsDLQ.QueueName"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "DestinationsFanOutDLQ.QueueName"),
        ("AWS/Lambda", "IteratorAge", "DestinationsFanOutFunction"),
        ("Inlet/${Stage}", "DestinationFailed", "webhook"), ("Inlet/${Stage}", "DestinationFailed", "eventbridge"),
        ("Inlet/${Stage}", "DestinationFailed", "iot"),
    }  # fmt: skip
    assert expected <= metrics, expected - metrics


@pytest.mark.parametrize(("alarm", "function"), [("UplinkFunctionDurationAlarm", "UplinkFunction"),
                                                 ("DeliverFunctionDurationAlarm", "DeliverFunction")])  # fmt: skip
def test_duration_alarms_fire_near_each_function_s_own_timeout(alarm, function):
    template = load_template()
    timeout_ms = 1000 * template["Resources"][function]["Properties"].get(
        "Timeout", template["Globals"]["Function"]["Timeout"]
    )
    threshold = template["Resources"][alarm]["Properties"]["Threshold"]
    assert timeout_ms / 2 < threshold < timeout_ms


def test_the_4xx_alarm_threshold_is_the_parameter_and_needs_enough_requests():
    props = transformed({"Api4xxAlarmPercent": "35"})["Resources"]["UplinkApi4xxAlarm"]["Properties"]
    assert props["Threshold"] == {"Ref": "Api4xxAlarmPercent"}
    expression = next(q["Expression"] for q in props["Metrics"] if "Expression" in q)
    assert expression.startswith("IF(requests >= 20,") and "refusals / requests" in expression


# --- Dashboard --------------------------------------------------------------------------------------------------------
def dashboard() -> tuple[dict, dict]:
    """The dashboard's body as CloudFormation substitutes it (placeholders for names), and its ``Fn::Sub`` variables."""
    body, variables = load_template()["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    text = re.sub(r"\$\{([^}]+)\}", lambda m: "20" if m.group(1) == "Api4xxAlarmPercent" else f"<{m.group(1)}>", body)
    return json.loads(text), variables


def test_the_dashboard_body_is_json_and_shows_every_alarm():
    body, _ = dashboard()
    [alarm_widget] = [w for w in body["widgets"] if w["type"] == "alarm"]
    assert set(alarm_widget["properties"]["alarms"]) == {
        f"<{name}.Arn>" for name in alarms(load_template()["Resources"])
    }
    for widget in body["widgets"]:
        assert {"x", "y", "width", "height"} <= set(widget) and widget["x"] + widget["width"] <= 24


def test_the_dashboard_reads_the_endpoint_s_metrics_where_the_function_writes_them():
    body, variables = dashboard()
    function_env = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["Namespace"] == function_env["POWERTOOLS_METRICS_NAMESPACE"] == {"Fn::Sub": "Inlet/${Stage}"}
    text = json.dumps(body)
    handler = (ROOT / "functions/uplink/app.py").read_text()
    plain = set(re.findall(r'add_metric\(name="(\w+)"', handler))
    assert {"Accepted", "Replayed", "Unexpected", "KeyCacheHits", "DeviceCacheHits"} <= plain
    for name in plain:
        assert f'"{name}"' in text, name
    assert 'name=f"Refused{error.status}"' in handler and 'name=f"Rejected_{reason}"' in handler
    for status in STATUSES:
        assert f'"Refused{status}"' in text, status
    for reason in REASONS:
        assert f'"Rejected_{reason}"' in text, reason
    assert 'name=f"Ignored_{kind}"' in handler and "MetricName=Ignored" in text  # every type, by search
    deliver = (ROOT / "functions/deliver/app.py").read_text()
    assert 'name=f"Delivery_{status}"' in deliver and "MetricName=Delivery" in text  # every outcome, by search
    assert 'name=f"TagoDevice_{verdict}"' in deliver and "MetricName=TagoDevice" in text
    assert '"service", "inlet"' in text and function_env["POWERTOOLS_SERVICE_NAME"] == "inlet"


def test_every_destination_shows_on_the_dashboard_by_a_search_over_its_dimension():
    body, _ = dashboard()
    expressions = [
        m[0]["expression"] for w in body["widgets"] if w["type"] == "metric"
        for m in w["properties"]["metrics"] if isinstance(m[0], dict) and "destination}" in m[0].get("expression", "")
    ]  # fmt: skip
    app = (ROOT / "functions/destinations/app.py").read_text()
    emitted = set(re.findall(r'add_metric\(name="(Destination[A-Z]\w+)"', app)) | {"DestinationFailed"}
    assert emitted == {"DestinationDelivered", "DestinationFailed", "DestinationDeadLettered",
                       "DestinationOldestUndeliveredAge"}  # fmt: skip
    searched = {}
    for expression in expressions:
        match = re.fullmatch(r"SEARCH\('\{<Namespace>,service,destination\} MetricName=\"(\w+)\"', '(\w+)', 300\)",
                             expression)  # fmt: skip
        assert match, expression
        searched[match.group(1)] = match.group(2)
    assert set(searched) == emitted
    assert searched["DestinationOldestUndeliveredAge"] == "Maximum" and searched["DestinationFailed"] == "Sum"


def test_the_outputs_name_the_alarm_topic_and_the_metrics_namespace_for_the_cli():
    outputs = load_template()["Outputs"]
    assert outputs["AlarmTopicArn"] == {
        "Condition": "HasAlarmTopic", "Description": outputs["AlarmTopicArn"]["Description"],
        "Value": {"Ref": "AlarmTopic"},
    }  # fmt: skip
    function_env = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert outputs["MetricsNamespace"]["Value"] == function_env["POWERTOOLS_METRICS_NAMESPACE"]
