"""Operational safety and the custom domain, in the template CloudFormation deploys (after the SAM transform)."""

from __future__ import annotations

import tomllib

import pytest
from inlet_cli.template import ROOT, load_template

from tests.integration.sam_transform import transformed

pytestmark = pytest.mark.integration

DOMAIN = {
    "DomainName": "uplink.example.com",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0e3a",
    "HostedZoneId": "Z0123456789",
}
DOMAIN_RESOURCES = {"UplinkDomain", "UplinkDomainMapping", "UplinkDomainRecord"}


def _prod_parameters() -> dict[str, str]:
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    overrides = config["prod"]["deploy"]["parameters"]["parameter_overrides"]
    return dict(pair.split("=", 1) for pair in overrides.split())


# --- Parameters and concurrency ---------------------------------------------------------------------------------------
def test_every_numeric_parameter_is_bounded():
    for name, parameter in load_template()["Parameters"].items():
        if parameter["Type"] == "Number":
            assert "AllowedValues" in parameter or {"MinValue", "MaxValue"} <= set(parameter), name


def test_reserved_concurrency_is_set_only_when_given():
    def reserved(parameters: dict) -> object:
        return transformed(parameters)["Resources"]["UplinkFunction"]["Properties"].get("ReservedConcurrentExecutions")

    assert reserved({}) is None
    assert reserved({"UplinkReservedConcurrency": "50"}) == {"Ref": "UplinkReservedConcurrency"}


# --- Gradual deployments ----------------------------------------------------------------------------------------------
def test_new_uplink_versions_shift_through_codedeploy_and_roll_back_on_both_alarms():
    resources = transformed(_prod_parameters())["Resources"]
    group = resources["UplinkFunctionDeploymentGroup"]["Properties"]
    assert group["DeploymentConfigName"] == {
        "Fn::Sub": ["CodeDeployDefault.Lambda${ConfigName}", {"ConfigName": "Canary10Percent5Minutes"}]
    }
    assert group["AutoRollbackConfiguration"]["Enabled"] is True
    assert "DEPLOYMENT_STOP_ON_ALARM" in group["AutoRollbackConfiguration"]["Events"]
    alarms = [alarm["Name"] for alarm in group["AlarmConfiguration"]["Alarms"]]
    # the 5xx alarm by its name (a Ref closes a cycle: API -> alias -> deployment group -> alarm -> API)
    assert alarms == [{"Ref": "UplinkNewVersionErrorsAlarm"}, {"Fn::Sub": "${AWS::StackName}-uplink-api-5xx"}]
    assert resources["UplinkApi5xxAlarm"]["Properties"]["AlarmName"] == alarms[1]
    alias = resources["UplinkFunctionAliaslive"]
    assert alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]["DeploymentGroupName"] == {
        "Ref": "UplinkFunctionDeploymentGroup"
    }
    integration_uri = resources["UplinkApi"]["Properties"]["Body"]["paths"]["/uplink"]["post"]
    assert "UplinkFunctionAliaslive" in str(integration_uri)  # the API calls the alias, not $LATEST


def test_dev_deploys_all_at_once_by_default():
    group = transformed()["Resources"]["UplinkFunctionDeploymentGroup"]["Properties"]
    assert group["DeploymentConfigName"]["Fn::Sub"][1] == {"ConfigName": "AllAtOnce"}


def test_the_rollback_alarms_watch_the_new_version_and_the_api_s_5xx_rate():
    resources = load_template()["Resources"]
    errors = resources["UplinkNewVersionErrorsAlarm"]["Properties"]
    dimensions = {d["Name"]: d["Value"] for d in errors["Dimensions"]}
    assert errors["MetricName"] == "Errors" and dimensions["ExecutedVersion"] == {
        "Fn::GetAtt": "UplinkFunction.Version.Version"
    }
    api = resources["UplinkApi5xxAlarm"]["Properties"]
    metrics = {m["Id"]: m for m in api["Metrics"]}
    assert metrics["errors"]["MetricStat"]["Metric"]["MetricName"] == "5xx"
    assert metrics["requests"]["MetricStat"]["Metric"]["Dimensions"] == [
        {"Name": "ApiId", "Value": {"Ref": "UplinkApi"}}
    ]
    assert "errors / requests" in metrics["percent"]["Expression"]


@pytest.mark.parametrize(
    ("alarm", "queue"), [("DeliveryAgeAlarm", "DeliveryQueue"), ("DeliveryDLQAgeAlarm", "DeliveryDLQ")]
)
def test_the_age_of_the_oldest_message_of_both_queues_raises_an_alarm(alarm, queue):
    resources = load_template()["Resources"]
    props = resources[alarm]["Properties"]
    assert props["MetricName"] == "ApproximateAgeOfOldestMessage"
    assert props["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": f"{queue}.QueueName"}}]
    if queue == "DeliveryDLQ":  # raised while a parked delivery still has days before SQS drops it
        assert props["Threshold"] < resources[queue]["Properties"]["MessageRetentionPeriod"] - 3 * 86400


# --- Custom domain ----------------------------------------------------------------------------------------------------
def test_no_domain_resources_without_a_domain_and_the_endpoint_is_the_api_s_url():
    template = transformed()
    assert not DOMAIN_RESOURCES & set(template["Resources"])
    assert _endpoint(template, has_domain=False) == {
        "Fn::Sub": "https://${UplinkApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/uplink"
    }


def test_a_domain_gets_a_regional_name_an_api_mapping_and_an_alias_record():
    template = transformed(DOMAIN)
    resources = template["Resources"]
    assert set(resources) >= DOMAIN_RESOURCES
    [config] = resources["UplinkDomain"]["Properties"]["DomainNameConfigurations"]
    assert config == {
        "CertificateArn": {"Ref": "CertificateArn"},
        "EndpointType": "REGIONAL",
        "SecurityPolicy": "TLS_1_2",
    }
    mapping = resources["UplinkDomainMapping"]["Properties"]
    assert mapping["ApiId"] == {"Ref": "UplinkApi"} and mapping["Stage"] == {"Ref": "UplinkApiApiGatewayDefaultStage"}
    alias = resources["UplinkDomainRecord"]["Properties"]["AliasTarget"]
    assert alias["DNSName"] == {"Fn::GetAtt": "UplinkDomain.RegionalDomainName"}
    assert _endpoint(template, has_domain=True) == {"Fn::Sub": "https://${DomainName}/uplink"}


def test_without_a_hosted_zone_the_operator_gets_the_record_s_target():
    template = transformed({**DOMAIN, "HostedZoneId": ""})
    assert "UplinkDomainRecord" not in template["Resources"] and "UplinkDomain" in template["Resources"]
    assert template["Outputs"]["UplinkDomainTarget"]["Condition"] == "ApiDomain"


def test_a_domain_with_the_edge_front_is_cloudfront_s_alternate_name_not_an_api_domain():
    resources = transformed({**DOMAIN, "EdgeProtection": "Enabled"})["Resources"]
    assert "UplinkDomain" not in resources and "UplinkDomainMapping" not in resources
    config = resources["EdgeDistribution"]["Properties"]["DistributionConfig"]
    assert config["Aliases"] == [{"Ref": "DomainName"}]
    assert config["ViewerCertificate"]["AcmCertificateArn"] == {"Ref": "CertificateArn"}
    alias = resources["UplinkDomainRecord"]["Properties"]["AliasTarget"]
    assert alias == {
        "DNSName": {"Fn::GetAtt": "EdgeDistribution.DomainName"},
        "HostedZoneId": "Z2FDTNDATAQYW2",
        "EvaluateTargetHealth": False,
    }


def test_a_domain_without_a_certificate_is_refused_at_deploy_time():
    rule = load_template()["Rules"]["DomainNeedsCertificate"]
    assert rule["Assertions"][0]["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "CertificateArn"}, ""]}]}


def _endpoint(template: dict, has_domain: bool) -> dict:
    """The UplinkEndpoint output as CloudFormation evaluates it without the edge front."""
    condition, with_domain, without = template["Outputs"]["UplinkEndpoint"]["Value"]["Fn::If"]
    assert condition == "HasDomain"
    return with_domain if has_domain else without["Fn::If"][2]
