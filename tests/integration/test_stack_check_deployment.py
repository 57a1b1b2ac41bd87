"""`inlet check`'s deployment steps on a deployed stack (moto's Lambda): the `live` alias on the latest published
version, and the delivery function on the uplink version's layer; each failure says what it saw."""

from __future__ import annotations

import pytest
from inlet_cli.stack_check import StackCheck, run_step
from inlet_cli.targets import Target
from moto import mock_aws

from tests.lambda_functions import LAYER, deploy_functions, stub_zip

pytestmark = pytest.mark.integration

REGION = "us-east-1"


@pytest.fixture
def deployed():
    with mock_aws():
        lambda_ = deploy_functions(REGION)
        target = Target("stack 'inlet-dev'", uplink_function="uplink", deliver_function="deliver", region=REGION)
        yield lambda_, StackCheck(target)


def test_a_stack_whose_alias_serves_the_latest_version_on_the_same_layer_passes(deployed):
    _, check = deployed
    assert check.alias_is_latest() == "uplink:live -> version 1"
    assert LAYER in check.same_layer()


def test_an_alias_left_on_an_older_version_fails_and_says_it_was_rolled_back(deployed):
    lambda_, check = deployed
    lambda_.update_function_configuration(FunctionName="uplink", Description="changed")
    lambda_.publish_version(FunctionName="uplink")
    step = _run(check, check.alias_is_latest)
    assert step.outcome == "failed" and "live is on version 1, the latest published is 2" in step.detail
    assert "rolled back" in step.todo


def test_an_alias_still_shifting_traffic_fails_as_a_deployment_in_progress(deployed):
    lambda_, check = deployed
    lambda_.update_function_configuration(FunctionName="uplink", Description="changed")
    new = lambda_.publish_version(FunctionName="uplink")["Version"]
    lambda_.update_alias(FunctionName="uplink", Name="live", RoutingConfig={"AdditionalVersionWeights": {new: 0.1}})
    step = _run(check, check.alias_is_latest)
    assert step.outcome == "failed" and "in progress" in step.todo


def test_a_delivery_function_on_another_layer_version_fails(deployed):
    lambda_, check = deployed
    newer = lambda_.publish_layer_version(LayerName=LAYER, Content={"ZipFile": stub_zip()})
    lambda_.update_function_configuration(FunctionName="deliver", Layers=[newer["LayerVersionArn"]])
    step = _run(check, check.same_layer)
    assert step.outcome == "failed" and "different code" in step.todo
    assert ":1" in step.detail and ":2" in step.detail


def _run(check: StackCheck, action):
    return run_step("step", action)
