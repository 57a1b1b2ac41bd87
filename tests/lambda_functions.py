"""The two functions of a deployed stack as moto's Lambda holds them: `uplink` (its `live` alias on version 1) and
`deliver`, both on version 1 of the layer `inlet-test-common`. Code is a stub: only their configuration is read."""

from __future__ import annotations

import io
import zipfile

import boto3

LAYER = "inlet-test-common"


def stub_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def deploy_functions(region: str):
    """Create them under an active ``mock_aws``; returns the Lambda client."""
    lambda_ = boto3.client("lambda", region_name=region)
    role = boto3.client("iam", region_name=region).create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    layer = lambda_.publish_layer_version(LayerName=LAYER, Content={"ZipFile": stub_zip()})["LayerVersionArn"]
    for name in ("uplink", "deliver"):
        lambda_.create_function(FunctionName=name, Runtime="python3.12", Role=role["Role"]["Arn"],
                                Handler="app.handler", Code={"ZipFile": stub_zip()}, Layers=[layer])  # fmt: skip
    version = lambda_.publish_version(FunctionName="uplink")["Version"]
    lambda_.create_alias(FunctionName="uplink", Name="live", FunctionVersion=version)
    return lambda_
