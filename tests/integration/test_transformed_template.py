"""The template CloudFormation receives (after the SAM transform), for every combination of tests/sam_templates.py.

``sam validate --lint`` lints template.yaml as written: it never sees what SAM generates (versions, aliases, the
CodeDeploy deployment group, the API's routes), where a dependency cycle hid (E3004). Here cfn-lint reads each
transformed template, whatever resources it holds: a resource added to template.yaml is linted with no change here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.sam_templates import COMBINATIONS, ROOT, broken_rules, lint, load, samconfig_parameters, transform

pytestmark = pytest.mark.integration

DOCS = ROOT / "docs/deploying.md"


@pytest.fixture(scope="module")
def transformed() -> dict[str, dict]:
    return {name: transform(parameters) for name, parameters in COMBINATIONS.items()}


# A control linted in the same run: two queues that name each other as dead-letter queue (the kind of cycle SAM's
# generated resources hid), so that a runner which finds nothing fails here instead of passing everything.
CONTROL = "control: a cycle"
CYCLE = {
    "Resources": {
        name: {"Type": "AWS::SQS::Queue",
               "Properties": {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [other, "Arn"]},
                                                "maxReceiveCount": 5}}}
        for name, other in (("A", "B"), ("B", "A"))
    }
}  # fmt: skip


@pytest.fixture(scope="module")
def linted(transformed) -> dict[str, list[dict]]:
    return lint({**transformed, CONTROL: CYCLE})  # one cfn-lint process for every combination


@pytest.fixture(scope="module")
def findings(linted) -> dict[str, list[dict]]:
    return {name: found for name, found in linted.items() if name != CONTROL}


def test_the_lint_runner_reports_what_cfn_lint_finds(linted):
    assert "E3004" in {m["Rule"] for m in linted[CONTROL]}


@pytest.mark.parametrize("combination", sorted(COMBINATIONS))
def test_cfn_lint_finds_no_error_in_the_transformed_template(findings, combination):
    errors = [f"{m['Rule']} {m['Path']}: {m['Message']}" for m in findings[combination] if m["Level"] == "Error"]
    assert errors == []


def test_every_remaining_warning_is_explained_in_the_deploying_page(findings):
    """docs/deploying.md lists each warning rule left, with why it does not apply (a table row per rule id)."""
    explained = set(re.findall(r"^\| `([EWI]\d{4})` \|", Path(DOCS).read_text(), re.MULTILINE))
    warnings = {m["Rule"] for found in findings.values() for m in found if m["Level"] != "Error"}
    assert warnings <= explained, f"explain in {DOCS.name}: {sorted(warnings - explained)}"


def test_the_combinations_cover_each_front_and_prod_as_configured():
    prod = samconfig_parameters("prod")
    assert prod["Stage"] == "prod" and COMBINATIONS["prod from samconfig.toml"].items() >= prod.items()
    fronts = {(p.get("EdgeProtection", "Disabled"), bool(p.get("DomainName"))) for p in COMBINATIONS.values()}
    assert fronts == {("Disabled", False), ("Disabled", True), ("Enabled", False), ("Enabled", True)}


def test_nothing_stateful_is_kept_after_a_failed_first_create():
    """``Retain`` keeps a resource even when the stack's very first create rolls back (orphans that block the next
    try); RetainExceptOnCreate keeps it only once it has been created for good. (UpdateReplacePolicy has no such
    value: Retain stays there.)"""
    retained = {name for name, r in load()["Resources"].items() if r.get("DeletionPolicy") == "Retain"}
    assert retained == set()


def test_prod_without_an_alarm_address_is_refused_with_a_reason():
    [reason] = broken_rules(samconfig_parameters("prod"))
    assert "AlarmEmail" in reason
    assert broken_rules({**samconfig_parameters("prod"), "AlarmEmail": "none"}) == []  # unwatched, on purpose
    assert broken_rules({}) == []  # dev may go without


def test_every_combination_passes_the_template_rules():
    for name, parameters in COMBINATIONS.items():
        assert broken_rules(parameters) == [], name


def test_the_outputs_say_who_the_alarms_notify(transformed):
    value = transformed["default"]["Outputs"]["AlarmNotifications"]["Value"]
    assert value["Fn::If"][0] == "HasAlarmTopic" and value["Fn::If"][2].startswith("NOBODY")
