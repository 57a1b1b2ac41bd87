"""Read ``template.yaml`` so that local tables are created from the template's own definitions."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
_TABLE_PROPERTIES = (
    "KeySchema", "AttributeDefinitions", "BillingMode", "GlobalSecondaryIndexes", "StreamSpecification"
)  # fmt: skip


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation short-form tags (!Ref, !Sub, !GetAtt...) as plain values."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict:
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


@lru_cache(maxsize=4)
def load_template(path: Path = TEMPLATE) -> dict:
    return yaml.load(path.read_text(), Loader=_CfnLoader)


def table_resources(template: dict | None = None) -> dict[str, dict]:
    """``{logical id: properties}`` of every DynamoDB table in the template."""
    template = template or load_template()
    return {
        name: resource.get("Properties", {})
        for name, resource in template["Resources"].items()
        if resource.get("Type") == "AWS::DynamoDB::Table"
    }


def create_tables(dynamodb, names: dict[str, str], template: dict | None = None) -> None:
    """Create each template table under ``names[logical id]`` (skipping tables that already exist), with its TTL."""
    existing = set(dynamodb.list_tables()["TableNames"])
    for logical_id, props in table_resources(template).items():
        table_name = names[logical_id]
        if table_name in existing:
            continue
        spec = {k: props[k] for k in _TABLE_PROPERTIES if k in props}
        if "StreamSpecification" in spec:  # CloudFormation's form has no StreamEnabled; the API's needs it
            spec["StreamSpecification"] = {"StreamEnabled": True, **spec["StreamSpecification"]}
        dynamodb.create_table(TableName=table_name, **spec)
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled") in (True, "true"):
            dynamodb.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
