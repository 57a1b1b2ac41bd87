"""template.yaml as CloudFormation deploys it: the SAM transform (samtranslator, offline), and its conditions.

The transform needs what `sam package` provides (S3 URIs for the code) and a region; it makes no AWS call. The
conditions and ``Fn::If`` that CloudFormation evaluates at deploy time are evaluated here for given parameters.
"""

from __future__ import annotations

import copy
import logging

import boto3
from inlet_cli.template import load_template
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

REGION = "us-east-1"
logging.getLogger("samtranslator").setLevel(logging.ERROR)  # feature-toggle notices


def transformed(parameters: dict[str, str] | None = None) -> dict:
    """The CloudFormation template SAM makes of template.yaml, with conditions evaluated for ``parameters``."""
    template = copy.deepcopy(load_template())
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for name in ("CodeUri", "ContentUri"):
            if isinstance(props.get(name), str):
                props[name] = f"s3://inlet-artifacts/{props[name]}"  # what `sam package` puts there
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=REGION))
    output = translator.translate(template, parameter_values=dict(parameters or {}), get_managed_policy_map=dict)
    return Resolved(output, parameters or {}).template()


class Resolved:
    """Drops the resources whose condition is false and resolves ``Fn::If`` (``AWS::NoValue`` removes the value)."""

    NO_VALUE = object()

    def __init__(self, template: dict, parameters: dict[str, str]) -> None:
        self._template = template
        defaults = {name: str(p.get("Default", "")) for name, p in template.get("Parameters", {}).items()}
        self._values = {**defaults, **{k: str(v) for k, v in parameters.items()}, "AWS::Region": REGION}
        self._conditions: dict[str, bool] = {}

    def template(self) -> dict:
        resources = {
            name: self._resolve(resource)
            for name, resource in self._template["Resources"].items()
            if "Condition" not in resource or self.condition(resource["Condition"])
        }
        return {**self._template, "Resources": resources}

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = self._truth(self._template["Conditions"][name])
        return self._conditions[name]

    def holds(self, node: dict) -> bool:
        """A condition expression (``Fn::Equals``, ``Fn::And``...) evaluated for these parameters."""
        return self._truth(node)

    def _truth(self, node: dict) -> bool:
        ((function, args),) = node.items()
        if function in ("Condition", "Fn::Condition"):  # the YAML loader spells !Condition the long way
            return self.condition(args)
        if function == "Fn::Not":
            return not self._truth(args[0])
        if function == "Fn::And":
            return all(self._truth(a) for a in args)
        if function == "Fn::Or":
            return any(self._truth(a) for a in args)
        if function == "Fn::Equals":
            left, right = (self._values[a["Ref"]] if isinstance(a, dict) else str(a) for a in args)
            return left == right
        raise ValueError(f"unsupported condition function {function}")

    def _resolve(self, node):
        if isinstance(node, dict):
            if set(node) == {"Fn::If"}:
                name, when_true, when_false = node["Fn::If"]
                return self._resolve(when_true if self.condition(name) else when_false)
            if node == {"Ref": "AWS::NoValue"}:
                return self.NO_VALUE
            resolved = {key: self._resolve(value) for key, value in node.items()}
            return {key: value for key, value in resolved.items() if value is not self.NO_VALUE}
        if isinstance(node, list):
            return [value for value in map(self._resolve, node) if value is not self.NO_VALUE]
        return node
