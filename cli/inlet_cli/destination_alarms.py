"""One CloudWatch alarm per destination, made by `inlet destinations add` and deleted by `remove`: destinations are
created at run time, so the template cannot list them. It watches the delivery function's ``DestinationFailed``
(retried or dead-lettered attempts; dimensions service=inlet, destination=<tenant>/<name>) over 15 minutes, as the
per-kind alarms of the template do, and notifies the stack's AlarmTopic when it has one (output AlarmTopicArn)."""

from __future__ import annotations

from inlet.destinations.figures import DIMENSION, FAILED_METRIC, dimension_value

PERIOD_S = 900
LOCAL_NAMESPACE = "Inlet"  # the local stack's POWERTOOLS_METRICS_NAMESPACE (local/env.py)


def alarm_name(stack: str, tenant: str, name: str) -> str:
    return f"{stack or 'inlet'}-destination-{tenant}-{name}"


def put(cloudwatch, stack: str, namespace: str, topic_arn: str, tenant: str, name: str) -> str:
    """Create (or update: PutMetricAlarm replaces an alarm of the same name) the destination's alarm; its name."""
    alarm = alarm_name(stack, tenant, name)
    actions = [topic_arn] if topic_arn else []
    cloudwatch.put_metric_alarm(
        AlarmName=alarm,
        AlarmDescription=f"Deliveries to destination {name} of tenant {tenant} keep failing (15 min); "
        f"`inlet destinations show {name} --tenant {tenant}` says why.",
        AlarmActions=actions,
        OKActions=actions,
        Namespace=namespace,
        MetricName=FAILED_METRIC,
        Dimensions=[{"Name": "service", "Value": "inlet"}, {"Name": DIMENSION, "Value": dimension_value(tenant, name)}],
        Statistic="Sum",
        Period=PERIOD_S,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )
    return alarm


def delete(cloudwatch, stack: str, tenant: str, name: str) -> str:
    alarm = alarm_name(stack, tenant, name)
    cloudwatch.delete_alarms(AlarmNames=[alarm])  # an alarm that does not exist is no error
    return alarm


def state(cloudwatch, stack: str, tenant: str, name: str) -> dict:
    """``{name, state, reason}``; state ``missing`` when the alarm is gone (made before alarms, or deleted by hand)."""
    return states(cloudwatch, stack, tenant, [name])[name]


def states(cloudwatch, stack: str, tenant: str, names: list[str]) -> dict[str, dict]:
    """Each destination's alarm state, 100 alarms a DescribeAlarms call (its limit of AlarmNames)."""
    wanted = {alarm_name(stack, tenant, name): name for name in names}
    found: dict[str, dict] = {}
    alarm_names = list(wanted)
    for start in range(0, len(alarm_names), 100):
        page = cloudwatch.describe_alarms(AlarmNames=alarm_names[start : start + 100], MaxRecords=100)
        found.update({alarm["AlarmName"]: alarm for alarm in page.get("MetricAlarms") or []})
    return {name: _state_of(alarm, found.get(alarm)) for alarm, name in wanted.items()}


def _state_of(name: str, alarm: dict | None) -> dict:
    if alarm is None:
        return {"name": name, "state": "missing", "reason": ""}
    return {"name": name, "state": alarm["StateValue"], "reason": alarm.get("StateReason", "")}


# --- what the commands call: the target's stack, namespace and topic; a failure is reported, never fatal ------------
def stack_of(target) -> str:
    return target.stack_name or ("inlet-local" if target.local else "inlet")


def namespace_of(target) -> str:
    return target.metrics_namespace or (LOCAL_NAMESPACE if target.local else "")


def create_for(target, tenant: str, name: str) -> dict:
    namespace = namespace_of(target)
    if not namespace:
        return {"error": f"{target.source} names no metrics namespace (stack output MetricsNamespace): no alarm"}
    try:
        alarm = put(target.client("cloudwatch"), stack_of(target), namespace, target.alarm_topic_arn, tenant, name)
    except Exception as exc:  # the destination is stored: say why its alarm is not (cloudwatch:PutMetricAlarm)
        return {"error": f"alarm not created (cloudwatch:PutMetricAlarm): {exc}"}
    return {"name": alarm, "notifies": target.alarm_topic_arn or "nobody (the stack has no AlarmTopic)"}


def delete_for(target, tenant: str, name: str) -> dict:
    try:
        return {"name": delete(target.client("cloudwatch"), stack_of(target), tenant, name), "deleted": True}
    except Exception as exc:
        return {"error": f"alarm not deleted (cloudwatch:DeleteAlarms): {exc}"}


def states_for(target, tenant: str, names: list[str]) -> dict[str, dict]:
    if not names:
        return {}
    try:
        return states(target.client("cloudwatch"), stack_of(target), tenant, names)
    except Exception as exc:  # list and show still answer (cloudwatch:DescribeAlarms refused, say)
        unknown = {"state": "unknown", "reason": str(exc)}
        return {name: {"name": alarm_name(stack_of(target), tenant, name), **unknown} for name in names}
