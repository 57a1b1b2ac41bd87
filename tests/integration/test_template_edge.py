"""The optional edge front (EdgeProtection=Enabled): CloudFront + WAF, a rate limit per source IP, the API refusing
what did not come through it, and no key in CloudFront's or WAF's logs."""

from __future__ import annotations

import pytest
from inlet.core.edge_origin import ORIGIN_HEADER

from tests.helpers import http_event, invoke, restart_container
from tests.integration.sam_transform import transformed

pytestmark = pytest.mark.integration

EDGE = {"EdgeProtection": "Enabled", "EdgeRateLimit": "1200"}
ONE = {"serial": "AA-BB-01", "payload": "01", "port": 1}


@pytest.fixture(scope="module")
def edge() -> dict:
    return transformed(EDGE)["Resources"]


def test_without_the_edge_front_there_is_nothing_of_it():
    resources = transformed()["Resources"]
    assert not [name for name in resources if name.startswith("Edge")]
    assert resources["UplinkFunction"]["Properties"]["Environment"]["Variables"]["EDGE_ORIGIN_SECRET_ARN"] == ""


def test_the_web_acl_limits_each_source_ip_and_keeps_no_samples(edge):
    acl = edge["EdgeWebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT" and acl["DefaultAction"] == {"Allow": {}}
    [rule] = acl["Rules"]
    assert rule["Action"] == {"Block": {}}
    assert rule["Statement"]["RateBasedStatement"] == {"AggregateKeyType": "IP", "Limit": {"Ref": "EdgeRateLimit"}}
    # sampled requests show the whole URI (?authorization=) and the headers in the console
    assert acl["VisibilityConfig"]["SampledRequestsEnabled"] is False
    assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is False


def test_waf_logs_redact_the_query_string_and_the_authorization_header(edge):
    logging = edge["EdgeWebAclLogging"]["Properties"]
    assert {"QueryString": {}} in logging["RedactedFields"]
    assert {"SingleHeader": {"Name": "authorization"}} in logging["RedactedFields"]
    assert edge["EdgeWebAclLogGroup"]["Properties"]["LogGroupName"]["Fn::Sub"].startswith("aws-waf-logs-")


def test_cloudfront_forwards_posts_uncached_with_the_origin_secret_and_logs_nothing(edge):
    config = edge["EdgeDistribution"]["Properties"]["DistributionConfig"]
    assert "Logging" not in config  # CloudFront's log formats carry the query string
    behaviour = config["DefaultCacheBehavior"]
    assert "POST" in behaviour["AllowedMethods"] and behaviour["ViewerProtocolPolicy"] == "https-only"
    assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    [origin] = config["Origins"]
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    [header] = origin["OriginCustomHeaders"]
    assert header["HeaderName"] == ORIGIN_HEADER
    secret = "{{resolve:secretsmanager:${EdgeOriginSecret}:SecretString}}"
    assert header["HeaderValue"] == {"Fn::Sub": secret}  # a dynamic reference: no value in the template or stack
    env = edge["UplinkFunction"]["Properties"]["Environment"]["Variables"]
    assert env["EDGE_ORIGIN_SECRET_ARN"] == {"Ref": "EdgeOriginSecret"}  # the function reads the same secret
    assert "EDGE_ORIGIN_SECRET" not in env  # and never holds its value in its configuration
    assert config["WebACLId"] == {"Fn::GetAtt": "EdgeWebAcl.Arn"}


def test_the_endpoint_output_is_cloudfront_s_url_when_the_edge_front_is_on():
    template = transformed(EDGE)
    endpoint = template["Outputs"]["UplinkEndpoint"]["Value"]
    assert endpoint["Fn::If"][0] == "HasDomain"
    assert endpoint["Fn::If"][2]["Fn::If"][1] == {"Fn::Sub": "https://${EdgeDistribution.DomainName}/uplink"}


def test_a_new_secret_version_reaches_cloudfront_when_named():
    pinned = transformed({**EDGE, "EdgeOriginSecretVersion": "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"})["Resources"]
    [origin] = pinned["EdgeDistribution"]["Properties"]["DistributionConfig"]["Origins"]
    secret = "{{resolve:secretsmanager:${EdgeOriginSecret}:SecretString:::${EdgeOriginSecretVersion}}}"
    assert origin["OriginCustomHeaders"][0]["HeaderValue"] == {"Fn::Sub": secret}


def test_the_edge_front_needs_us_east_1():
    rule = transformed(EDGE)["Rules"]["EdgeNeedsUsEast1"]
    assert rule["Assertions"][0]["Assert"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}


def test_with_the_secret_set_a_request_around_cloudfront_is_refused_before_any_aws_call(seeded, monkeypatch):
    from inlet.adapters.aws import client

    monkeypatch.setenv("EDGE_ORIGIN_SECRET", "s3cr3t-from-secrets-manager")
    restart_container()
    calls: list[str] = []
    for service in ("ssm", "dynamodb"):
        client(service).meta.events.register(f"before-call.{service}", lambda model, **_: calls.append(model.name))
    status, body, _ = invoke(http_event(ONE))
    assert status == 403 and body["status"] is False and calls == []
    assert invoke(http_event(ONE, headers={ORIGIN_HEADER: "a-guess"}))[0] == 403
    assert invoke(http_event(ONE, headers={ORIGIN_HEADER: "s3cr3t-from-secrets-manager"}))[0] == 200


def test_during_a_rotation_the_current_and_the_previous_secret_are_accepted_and_nothing_else(seeded, monkeypatch):
    import boto3

    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    arn = secrets.create_secret(Name="edge-origin", SecretString="first-value")["ARN"]
    monkeypatch.setenv("EDGE_ORIGIN_SECRET_ARN", arn)
    restart_container()
    assert invoke(http_event(ONE, headers={ORIGIN_HEADER: "first-value"}))[0] == 200
    assert invoke(http_event(ONE))[0] == 403
    secrets.put_secret_value(SecretId=arn, SecretString="second-value")  # first-value becomes AWSPREVIOUS
    restart_container()  # a new container (or the cache's expiry) reads the secret again
    assert invoke(http_event(ONE, headers={ORIGIN_HEADER: "second-value"}))[0] == 200
    assert invoke(http_event(ONE, headers={ORIGIN_HEADER: "first-value"}))[0] == 200  # CloudFront not updated yet
    secrets.put_secret_value(SecretId=arn, SecretString="third-value")
    restart_container()
    assert invoke(http_event(ONE, headers={ORIGIN_HEADER: "first-value"}))[0] == 403  # two rotations ago
