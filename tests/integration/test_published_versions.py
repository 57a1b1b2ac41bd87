"""The `live` alias serves what the function runs now: every change of its code, of the layer's content, or of a
parameter that reaches its configuration publishes a new version, and the alias moves to it.

``sam build`` + ``sam package`` are emulated (tests/sam_templates.py: artifact keys are content hashes), the template
is transformed twice, and the two published versions compared as CloudFormation compares them: a version whose
logical id or resolved properties differ is a new version (AWS::Lambda::Version has no property it updates in place).
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest

from tests.sam_templates import REGION, ROOT, load, transform

pytestmark = pytest.mark.integration

# Function-level settings no version carries, and SAM's own properties about publishing (not what the function runs).
NOT_RUN = {"ReservedConcurrentExecutions", "Tags", "Events", "DeploymentPreference", "AutoPublishAlias",
           "AutoPublishAliasAllProperties", "VersionDescription", "AutoPublishCodeSha256"}  # fmt: skip


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of what `sam build` reads, to change one thing at a time."""
    root = tmp_path_factory.mktemp("checkout")
    shutil.copy(ROOT / "template.yaml", root / "template.yaml")
    for folder in ("functions", "layers"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def published(root: Path, parameters: dict | None = None) -> dict[str, tuple[str, dict]]:
    """``{alias: (version logical id, version properties as CloudFormation resolves them)}``."""
    template = transform(parameters, root=root)
    values = {name: str(p.get("Default", "")) for name, p in template["Parameters"].items()}
    resources = template["Resources"]
    found = {}
    for name, alias in resources.items():
        if alias["Type"] == "AWS::Lambda::Alias":
            version, attribute = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"]
            assert attribute == "Version" and resources[version]["Type"] == "AWS::Lambda::Version"
            found[name] = (version, _resolved(resources[version]["Properties"], values))
    return found


def _resolved(node, values: dict[str, str]):
    if isinstance(node, dict) and set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
        return re.sub(r"\$\{([^}]+)\}", lambda m: values.get(m.group(1), f"<{m.group(1)}>"), node["Fn::Sub"])
    if isinstance(node, dict) and set(node) == {"Ref"}:
        return values.get(node["Ref"], f"<{node['Ref']}>")
    if isinstance(node, dict):
        return {key: _resolved(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(value, values) for value in node]
    return node


def aliased_functions(template: dict) -> list[str]:
    return [
        r["Properties"]["FunctionName"]["Ref"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Alias"
    ]


def reaching_parameters(template: dict, function: str) -> set[str]:
    """The parameters a function's versioned configuration reads (its own or the Globals'), directly or through a
    condition; read in template.yaml, before SAM drops what a value turns off (Tracing: Disabled)."""
    parameters, conditions = set(template["Parameters"]), template.get("Conditions", {})
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "Ref" and value in parameters:
                    found.add(value)
                elif key == "Fn::Sub":
                    text = value if isinstance(value, str) else value[0]
                    found.update(set(re.findall(r"\$\{([^}.!]+)\}", text)) & parameters)
                elif key in ("Fn::If", "Condition") and (name := value[0] if key == "Fn::If" else value) in conditions:
                    walk(conditions[name])
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    properties = {**template.get("Globals", {}).get("Function", {}), **template["Resources"][function]["Properties"]}
    walk({key: value for key, value in properties.items() if key not in NOT_RUN})
    return found


def another_value(spec: dict) -> str:
    """A valid value of a parameter other than its default."""
    default = str(spec.get("Default", ""))
    if "AllowedValues" in spec:
        return next(str(v) for v in spec["AllowedValues"] if str(v) != default)
    if spec["Type"] == "Number":
        number = int(default)
        return str(number + 1 if number + 1 <= spec.get("MaxValue", math.inf) else number - 1)
    pattern = spec.get("AllowedPattern", ".*")
    return next(v for v in ("other", "uplink.example.org", "1") if v != default and re.fullmatch(pattern, v))


@pytest.fixture(scope="module")
def before(source) -> dict:
    return published(source)


def test_each_aliased_function_is_published_and_the_alias_points_at_that_version(before):
    assert set(before) == {"UplinkFunctionAliaslive"}


def test_a_change_of_the_function_s_code_publishes_a_new_version(source, before):
    handler = source / "functions/uplink/app.py"
    original = handler.read_text()
    try:
        handler.write_text(original + "\n# changed\n")
        assert published(source) != before
    finally:
        handler.write_text(original)
    assert published(source) == before  # the same content: the same version (no deployment for nothing)


@pytest.mark.parametrize("changed", ["layers/common/inlet/core/values.py", "layers/common/requirements.txt"])
def test_a_change_of_the_layer_publishes_a_new_version(source, before, changed):
    path = source / changed
    original = path.read_text()
    try:
        path.write_text(original + "\n# changed\n")
        assert published(source) != before
    finally:
        path.write_text(original)


def _reaching() -> list[tuple[str, str]]:
    source = load()
    return sorted((f, p) for f in aliased_functions(transform()) for p in reaching_parameters(source, f))


@pytest.mark.parametrize(("function", "parameter"), _reaching())
def test_a_parameter_that_reaches_the_function_publishes_a_new_version(source, before, function, parameter):
    spec = load()["Parameters"][parameter]
    assert published(source, {parameter: another_value(spec)}) != before


def test_the_parameters_the_issue_names_are_among_them():
    reaching = {p for _, p in _reaching()}
    assert {"MemorySize", "KeyCacheSeconds", "EdgeProtection", "Tracing"} <= reaching


def test_a_parameter_outside_the_function_publishes_nothing(source, before):
    assert published(source, {"ThrottlingRateLimit": "99", "LogRetentionDays": "90"}) == before


def test_the_delivery_function_runs_the_same_layer_version():
    resources = transform()["Resources"]
    layers = {name: r["Properties"]["Layers"] for name, r in resources.items() if r["Type"] == "AWS::Lambda::Function"}
    assert len({str(v) for v in layers.values()}) == 1, layers


def test_the_version_description_fits_lambda_s_256_characters_at_its_longest(source):
    """Lambda refuses a version description over 256 characters: every parameter at its longest value."""
    longest = {"Stage": "a" * 16, "MemorySize": "10240", "Tracing": "PassThrough", "DedupWindowSeconds": "86400",
               "RetentionDays": "36500", "KeyCacheSeconds": "3600", "EdgeProtection": "Disabled"}  # fmt: skip
    [(_, version)] = published(source, longest).values()
    layer_arn = f"arn:aws-us-gov:lambda:us-gov-west-1:123456789012:layer:inlet-{'a' * 16}-common:99999"
    description = re.sub(r"<CommonLayer\w*>", layer_arn, version["Description"])
    assert "<" not in description and len(description) <= 256, description


def test_a_changed_description_replaces_the_version_per_its_resource_schema():
    """The premise of comparing resolved properties: CloudFormation's AWS::Lambda::Version schema (as cfn-lint ships
    it) makes Description create-only, so a new value publishes a new version rather than editing the old one."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, "AWS::Lambda::Version").schema
    [version] = [r for r in transform()["Resources"].values() if r["Type"] == "AWS::Lambda::Version"]
    assert {f"/properties/{name}" for name in version["Properties"]} <= set(schema["createOnlyProperties"])
