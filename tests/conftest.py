"""Shared fixtures: an AWS emulated in-process by moto, with the template's tables and the demo data."""

from __future__ import annotations

import os

import boto3
import pytest
from inlet_cli.local import env as local_env
from inlet_cli.template import create_tables
from moto import mock_aws

from tests.helpers import restart_container


@pytest.fixture
def aws_env(monkeypatch):
    """Credentials and names of a local stack, so nothing can reach a real AWS account."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for name, value in local_env.function_environment().items():
        monkeypatch.setenv(name, value)
    yield os.environ


@pytest.fixture
def moto_aws(aws_env):
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=local_env.REGION)
        create_tables(dynamodb, local_env.TABLES)
        yield {"dynamodb": dynamodb, "ssm": boto3.client("ssm", region_name=local_env.REGION)}


@pytest.fixture(autouse=True)
def own_cli_settings(monkeypatch, tmp_path_factory):
    """No test reads the settings of the person running it: an empty config file of its own, no INLET_TENANT,
    INLET_TARGET or INLET_PROFILE (subprocesses inherit the same)."""
    monkeypatch.setenv("INLET_CONFIG", str(tmp_path_factory.mktemp("inlet-config") / "config.toml"))
    for name in ("INLET_TENANT", "INLET_TARGET", "INLET_PROFILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def fresh_containers():
    """Each test starts like a cold Lambda container: settings, clients and caches are rebuilt."""
    restart_container()
    yield
    restart_container()


@pytest.fixture
def seeded(moto_aws):
    """moto with the template's tables and the demo tenant, keys and devices the sample events use."""
    from inlet.service.wiring import dependencies

    deps = dependencies()
    local_env.seed_events_data(deps.keys, deps.devices)
    return deps
