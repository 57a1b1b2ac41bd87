"""Least privilege in the template CloudFormation deploys (after the SAM transform), checked against the code.

The adapters' boto3 calls (``self.<client>.<operation>(...)``, their convention) are read from their source with
``ast``; the table below says which of them each function reaches and which only the CLI makes. A new AWS call in an
adapter fails ``test_every_aws_call_of_the_adapters_is_assigned`` until it is assigned here, and then the role must
grant exactly it: no more, no less.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from inlet.core.key_tags import tag_secret_name

from tests.integration.sam_transform import transformed
from tests.sam_templates import COMBINATIONS

pytestmark = pytest.mark.integration

ADAPTERS = Path(__file__).resolve().parents[2] / "layers/common/inlet/adapters"
DESTINATIONS = ADAPTERS.parent / "destinations"  # each destination kind's package holds its own adapters
CLIENTS = {
    **{name: name for name in ("ssm", "dynamodb", "sqs", "secretsmanager")},
    **{f"_{name}": name for name in ("ssm", "dynamodb", "sqs", "secretsmanager")},
}
BATCH_OF = {"SendMessageBatch": "SendMessage", "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}

# Adapter methods that call AWS -> the environment variable naming the resource they call it on, per function.
# KeyStore._fetch_with_gate reads a key and the key tag secret (beside the keys path) in one GetParameters call.
# fmt: off
REACHED = {
    "UplinkFunction": {
        "KeyStore._fetch": ["KEYS_PATH"], "KeyStore._values": ["KEYS_PATH", "KEY_TAG_SECRET"],
        "NetworkTokens.get": ["NETWORK_TOKEN_PATH"],
        "DeviceStore._batch_get": ["DEVICES_TABLE"], "DeviceStore.add": ["DEVICES_TABLE"],
        "RecordStore.put_many": ["RECORDS_TABLE"], "RecordStore.put_first": ["RECORDS_TABLE"],
        "RequestLogStore.put": ["RECORDS_TABLE"], "UnknownDeviceLog.put": ["RECORDS_TABLE"],
        "DedupStore.claim": ["DEDUP_TABLE"], "DedupStore._take_over": ["DEDUP_TABLE"],
        "DedupStore.release": ["DEDUP_TABLE"], "DedupStore._finish": ["DEDUP_TABLE"],
        "DeliveryQueue._send_batch": ["DELIVERY_QUEUE_URL"],
        "ConnectorStore.get": ["CONNECTORS_TABLE"], "ConnectorStore._query_latest": ["CONNECTORS_TABLE"],
        "EdgeOriginSecret._value": ["EDGE_ORIGIN_SECRET_ARN"],  # with the edge front only (else the variable is "")
    },
    "DeliverFunction": {
        "KeyStore._fetch": ["KEYS_PATH"], "NetworkTokens.get": ["NETWORK_TOKEN_PATH"],
        "DeliveryQueue.defer": ["DELIVERY_QUEUE_URL"], "DeliveryQueue.keep": ["DEAD_LETTER_QUEUE_URL"],
        "DeliveryClaims.claim": ["DEDUP_TABLE"], "DeliveryClaims.settle": ["DEDUP_TABLE"],
        "DeliveryClaims.set_device": ["DEDUP_TABLE"], "DeliveryClaims._get": ["DEDUP_TABLE"],
    },
    "DestinationsFanOutFunction": {
        "DestinationStore._read_tenant": ["DESTINATIONS_PATH"], "DeliveryQueue._send_batch": ["DESTINATIONS_QUEUE_URL"],
        "Health._update": ["DEDUP_TABLE"],
    },
    "DestinationsDeliverFunction": {
        "DestinationStore._read_tenant": ["DESTINATIONS_PATH"], "DeliveryQueue.defer": ["DESTINATIONS_QUEUE_URL"],
        "DeliveryQueue.keep": ["DESTINATIONS_DLQ_URL"], "Health._update": ["DEDUP_TABLE"],
        "RecordStore.get": ["RECORDS_TABLE"], "DeliveryOutcomes._write": ["DEDUP_TABLE"],
    },
}
CLI_ONLY = {  # `inlet keys|devices|records|replay` with the operator's own credentials
    "KeyStore._create_gate", "KeyStore.put", "KeyStore.list", "DeviceStore.remove", "DeviceStore.list",
    "RecordStore.latest", "RecordStore.between", "RecordStore.count_between", "RequestLogStore.after",
    "DestinationStore.get", "DestinationStore.put", "DestinationStore.remove", "Health._get_many",
    "DeliveryOutcomes._read",
    "ConnectorStore.add", "ConnectorStore.versions", "ConnectorStore.latest_of_each", "ConnectorStore.remove",
    "ConnectorStore._highest_removed", "DeviceStore.get", "DeviceStore.replace", "DeviceStore.naming",
}
# Granted although no adapter calls them, each for a reason the code does not show.
RUNTIME_GRANTS = {
    "UplinkFunction": {
        ("logs:CreateLogStream", "UplinkFunctionLogGroup"), ("logs:PutLogEvents", "UplinkFunctionLogGroup"),
        ("kms:Decrypt", "aws/ssm via SSM"),  # SecureStrings are decrypted by SSM with this key
    },
    "DeliverFunction": {
        ("logs:CreateLogStream", "DeliverFunctionLogGroup"), ("logs:PutLogEvents", "DeliverFunctionLogGroup"),
        ("kms:Decrypt", "aws/ssm via SSM"),
        # Lambda's event source mapping polls the queue with the function's role
        ("sqs:ReceiveMessage", "DeliveryQueue"), ("sqs:DeleteMessage", "DeliveryQueue"),
        ("sqs:GetQueueAttributes", "DeliveryQueue"),
    },
    "DestinationsFanOutFunction": {
        ("logs:CreateLogStream", "DestinationsFanOutLogGroup"), ("logs:PutLogEvents", "DestinationsFanOutLogGroup"),
        ("kms:Decrypt", "aws/ssm via SSM"),
        # Lambda's event source mapping reads the Records stream with the function's role, and sends what it could not
        # deliver to the mapping's on-failure queue
        ("dynamodb:DescribeStream", "RecordsTable"), ("dynamodb:GetRecords", "RecordsTable"),
        ("dynamodb:GetShardIterator", "RecordsTable"), ("sqs:SendMessage", "DestinationsFanOutDLQ"),
    },
    "DestinationsDeliverFunction": {
        ("logs:CreateLogStream", "DestinationsDeliverLogGroup"), ("logs:PutLogEvents", "DestinationsDeliverLogGroup"),
        ("kms:Decrypt", "aws/ssm via SSM"),
        ("sqs:ReceiveMessage", "DestinationsQueue"), ("sqs:DeleteMessage", "DestinationsQueue"),
        ("sqs:GetQueueAttributes", "DestinationsQueue"),
        # the kinds call their services through the context's clients (inlet/destinations/<kind>/): on the stack's bus,
        # and under the inlet/ topic prefix only
        ("events:PutEvents", "EventBus"),
        ("iot:Publish", "arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:topic/inlet/*"),
    },
}
# Calls a destination kind makes through the delivery context's clients (``context.client(service)``, no adapter
# class), on the resource an environment variable names; granted only when that part is on (the variable not "").
KIND_CALLS = {
    "DestinationsDeliverFunction": {("firehose:PutRecordBatch", "LAKE_STREAM")},  # the lake kind (DataLake=Enabled)
}
# Actions AWS offers no resource-level permission for: the only statements allowed on Resource "*".
NO_RESOURCE_LEVEL = {
    "xray:PutTraceSegments": "X-Ray segments belong to no resource (Tracing=Active/PassThrough only)",
    "xray:PutTelemetryRecords": "X-Ray telemetry belongs to no resource (Tracing=Active/PassThrough only)",
}
# fmt: on
DEPLOYMENTS = COMBINATIONS  # every parameter combination of the transformed-template checks


# --- The code: every boto3 call of the adapters -----------------------------------------------------------------------
def aws_calls() -> dict[str, set[str]]:
    """``{"Class.method": {"ssm:GetParameter", ...}}`` for every adapter method that calls a boto3 client."""
    calls: dict[str, set[str]] = {}
    for path in sorted([*ADAPTERS.glob("*.py"), *DESTINATIONS.rglob("*.py")]):
        for cls in (n for n in ast.parse(path.read_text()).body if isinstance(n, ast.ClassDef)):
            for method in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
                actions = {a for node in ast.walk(method) if (a := _action(node))}
                if actions:
                    calls[f"{cls.name}.{method.name}"] = actions
    return calls


def _action(node: ast.AST) -> str | None:
    """``self.ssm.get_parameter(...)`` -> ``ssm:GetParameter``; ``get_paginator("query")`` -> ``dynamodb:Query``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner = node.func.value
    if not (isinstance(owner, ast.Attribute) and owner.attr in CLIENTS and isinstance(owner.value, ast.Name)):
        return None
    operation = node.func.attr
    if operation == "get_paginator":
        operation = node.args[0].value
    name = "".join(part.capitalize() for part in operation.split("_"))
    return f"{CLIENTS[owner.attr]}:{BATCH_OF.get(name, name)}"


def test_every_aws_call_of_the_adapters_is_assigned():
    calls = aws_calls()
    assigned = {method for methods in REACHED.values() for method in methods} | CLI_ONLY
    assert set(calls) == assigned, f"unassigned: {set(calls) - assigned}, gone: {assigned - set(calls)}"


# --- The transformed template ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=sorted(DEPLOYMENTS))
def deployed(request) -> dict:
    return transformed(DEPLOYMENTS[request.param])["Resources"]


def _roles(resources: dict) -> dict[str, dict]:
    return {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::IAM::Role"}


def _statements(role: dict) -> list[dict]:
    return [s for policy in role.get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_no_role_grants_every_resource_or_carries_a_managed_policy(deployed):
    roles = _roles(deployed)
    assert {"UplinkFunctionRole", "DeliverFunctionRole", "UplinkDeploymentRole"} <= set(roles)
    for name, role in roles.items():
        assert not role.get("ManagedPolicyArns"), f"{name}: managed policies grant Resource '*'"
        for statement in _statements(role):
            assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
            assert not any("*" in action for action in _as_list(statement["Action"])), statement
            if "*" in _as_list(statement["Resource"]):
                assert set(_as_list(statement["Action"])) <= set(NO_RESOURCE_LEVEL), f"{name}: {statement}"


def test_each_function_runs_with_its_own_explicit_role(deployed):
    for function in ("UplinkFunction", "DeliverFunction"):
        assert _resource_name(deployed[function]["Properties"]["Role"]) == f"{function}Role"


@pytest.mark.parametrize("function", sorted(REACHED))
def test_each_function_is_granted_exactly_what_its_code_calls(deployed, function):
    role = deployed[_resource_name(deployed[function]["Properties"]["Role"])]["Properties"]
    granted = {
        (action, _resource_name(resource))
        for statement in _statements(role)
        if not set(_as_list(statement["Action"])) <= set(NO_RESOURCE_LEVEL)
        for action in _as_list(statement["Action"])
        for resource in _as_list(statement["Resource"])
    }
    assert granted == _needed(function, deployed), f"extra: {granted - _needed(function, deployed)}"


def _needed(function: str, resources: dict) -> set[tuple[str, str]]:
    env = resources[function]["Properties"]["Environment"]["Variables"]
    calls = aws_calls()
    needed = set(RUNTIME_GRANTS[function])
    needed |= {
        (action, _resource_name(env[variable])) for action, variable in KIND_CALLS.get(function, ()) if env[variable]
    }
    for method, variables in REACHED[function].items():
        for action in calls[method]:
            for variable in variables:
                if env.get(variable) == "":
                    continue  # that part is off in this deployment (e.g. no edge front)
                if variable == "KEY_TAG_SECRET":
                    target = tag_secret_name(env["KEYS_PATH"]["Fn::Sub"])
                else:
                    target = _resource_name(env[variable])
                needed.add((action, target))
    return needed


def _resource_name(value) -> str:
    """A logical id (``!Ref X``, ``!GetAtt X.Arn``), an SSM path (``/inlet/${Stage}/keys``), or what grants it."""
    if isinstance(value, dict) and "Ref" in value:
        return value["Ref"]
    if isinstance(value, dict) and "Fn::GetAtt" in value:  # [X, Arn], or "X.Arn" as the YAML loader keeps it
        target = value["Fn::GetAtt"]
        return target[0] if isinstance(target, list) else target.split(".", 1)[0]
    text = value["Fn::Sub"] if isinstance(value, dict) else value
    if ":kms:" in text:
        return "aws/ssm via SSM"
    match = re.search(r":parameter(/.+?)(/\*)?$", text)
    return match.group(1) if match else text


def test_decrypting_is_limited_to_the_ssm_key_through_ssm(deployed):
    for function in REACHED:
        role = deployed[f"{function}Role"]["Properties"]
        [decrypt] = [s for s in _statements(role) if s["Action"] == "kms:Decrypt"]
        assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == {"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"}
        assert decrypt["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == "alias/aws/ssm"


def test_codedeploy_uses_the_scoped_role_and_may_only_move_the_uplink_alias(deployed):
    group = deployed["UplinkFunctionDeploymentGroup"]["Properties"]
    assert _resource_name(group["ServiceRoleArn"]) == "UplinkDeploymentRole"
    assert "CodeDeployServiceRole" not in deployed  # SAM's default: AWSCodeDeployRoleForLambda on Resource "*"
    statements = _statements(deployed["UplinkDeploymentRole"]["Properties"])
    resources = {_resource_name(r) for s in statements for r in _as_list(s["Resource"])}
    api_5xx = "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-uplink-api-5xx"
    assert resources == {"UplinkFunction", "${UplinkFunction.Arn}:*", "UplinkNewVersionErrorsAlarm", api_5xx}


def test_x_ray_permissions_exist_only_when_tracing_is_on():
    def traces(parameters: dict) -> list[dict]:
        role = transformed(parameters)["Resources"]["UplinkFunctionRole"]["Properties"]
        return [s for s in _statements(role) if s["Resource"] == "*"]

    assert traces({}) == []
    assert {a for s in traces({"Tracing": "Active"}) for a in s["Action"]} == set(NO_RESOURCE_LEVEL)
