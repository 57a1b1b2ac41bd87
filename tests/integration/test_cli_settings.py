"""The CLI's defaults (INLET_TENANT, INLET_TARGET, profiles, `inlet config`), the tenant rule at every command, and
tables that fit a terminal and never wrap when piped."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from inlet_cli import settings
from inlet_cli.local import env as local_env
from inlet_cli.main import build_parser, main

from tests.cli_runs import error_of, run_json

pytestmark = pytest.mark.integration

DEMO_SERIALS = sorted(local_env.DEMO_DEVICES)


def serials(listed: list[dict]) -> list[str]:
    return sorted(d["serial"] for d in listed)


def test_the_tenant_comes_from_inlet_tenant(seeded, capsys, monkeypatch):
    monkeypatch.setenv("INLET_TENANT", "demo")
    assert serials(run_json(capsys, "devices", "list", "--no-health")) == DEMO_SERIALS


def test_config_set_tenant_is_remembered_and_shown_with_its_source(seeded, capsys):
    assert main(["config", "set", "tenant", "demo"]) == 0
    capsys.readouterr()
    assert serials(run_json(capsys, "devices", "list", "--no-health")) == DEMO_SERIALS
    shown = run_json(capsys, "config", "show")
    assert shown["tenant"]["value"] == "demo" and "config file" in shown["tenant"]["source"]
    assert shown["config_file"] == os.environ["INLET_CONFIG"]


def test_the_command_line_beats_the_environment_which_beats_the_config_file(seeded, capsys, monkeypatch):
    assert main(["config", "set", "tenant", "nobody"]) == 0
    assert run_json(capsys, "devices", "list", "--no-health") == []
    monkeypatch.setenv("INLET_TENANT", "demo")
    assert serials(run_json(capsys, "devices", "list", "--no-health")) == DEMO_SERIALS
    assert run_json(capsys, "devices", "list", "--no-health", "--tenant", "other") == []
    assert run_json(capsys, "config", "show")["tenant"] == {"value": "demo", "source": "INLET_TENANT"}


def test_a_profile_holds_a_tenant_and_a_target(seeded, capsys, monkeypatch):
    assert main(["config", "set", "tenant", "demo", "--in-profile", "lab"]) == 0
    assert main(["config", "set", "target", "env", "--in-profile", "lab"]) == 0
    assert main(["config", "set", "tenant", "nobody"]) == 0
    capsys.readouterr()
    assert serials(run_json(capsys, "devices", "list", "--no-health", "--profile", "lab")) == DEMO_SERIALS
    monkeypatch.setenv("INLET_PROFILE", "lab")
    assert serials(run_json(capsys, "devices", "list", "--no-health")) == DEMO_SERIALS
    monkeypatch.delenv("INLET_PROFILE")
    assert main(["config", "set", "profile", "lab"]) == 0
    capsys.readouterr()
    assert serials(run_json(capsys, "devices", "list", "--no-health")) == DEMO_SERIALS
    shown = run_json(capsys, "config", "show")
    assert shown["profile"]["value"] == "lab" and shown["tenant"] == {"value": "demo", "source": "profile 'lab'"}
    assert shown["profiles"] == ["lab"]


def test_an_unknown_profile_is_an_error_naming_the_known_ones(seeded, capsys):
    assert main(["config", "set", "tenant", "demo", "--in-profile", "lab"]) == 0
    capsys.readouterr()
    assert "no profile 'prod'" in error_of(capsys, "devices", "list", "--profile", "prod")
    assert "(profiles: lab)" in error_of(capsys, "config", "set", "profile", "prod")


def test_config_refuses_what_a_command_would_refuse(capsys):
    assert "did you mean 'demo'" in error_of(capsys, "config", "set", "tenant", "Demo")
    assert "a target is local, stack:NAME or env" in error_of(capsys, "config", "set", "target", "prod")
    assert main(["config", "set", "target", "stack:inlet-prod"]) == 0
    assert 'target = "stack:inlet-prod"' in Path(os.environ["INLET_CONFIG"]).read_text()
    assert main(["config", "unset", "target"]) == 0
    assert "target" not in Path(os.environ["INLET_CONFIG"]).read_text().split("\n", 1)[1]


@pytest.mark.parametrize(
    "argv",
    [
        ("devices", "list"),
        ("devices", "add", "AA-BB-09"),
        ("devices", "remove", "AA-BB-01"),
        ("records", "AA-BB-01"),
        ("keys", "create"),
        ("keys", "list"),
    ],
)
def test_a_tenant_in_the_wrong_case_is_an_error_at_every_command(seeded, capsys, argv):
    error = error_of(capsys, *argv, "--tenant", "Demo")
    assert "tenant names are lower-case" in error and "did you mean 'demo'" in error


def test_a_wrong_default_tenant_says_where_it_came_from(seeded, capsys, monkeypatch):
    monkeypatch.setenv("INLET_TENANT", "Demo")
    assert "(from INLET_TENANT)" in error_of(capsys, "devices", "list")


def test_no_tenant_anywhere_says_how_to_give_one(seeded, capsys):
    error = error_of(capsys, "devices", "list")
    assert "which tenant?" in error and "INLET_TENANT" in error and "inlet config set tenant" in error


def test_the_local_stack_is_the_default_target_only_while_it_runs(aws_env, monkeypatch, tmp_path):
    for name in settings.TABLE_ENV:
        monkeypatch.delenv(name)
    monkeypatch.setenv("INLET_STATE_DIR", str(tmp_path))
    assert settings.setting("target", {}) == settings.Setting("env", "nothing configured")
    state = tmp_path / local_env.STATE_FILE
    state.write_text(json.dumps({"emulator": "moto", "pid": os.getpid()}))
    assert settings.setting("target", {}).value == "local"
    state.write_text(json.dumps({"emulator": "moto", "pid": 2**22 + 12345}))  # beyond any pid_max: not running
    assert settings.setting("target", {}).value == "env"
    monkeypatch.setenv("KEYS_PATH", "/inlet/dev/keys")
    state.write_text(json.dumps({"emulator": "moto", "pid": os.getpid()}))
    assert settings.setting("target", {}).value == "env"  # the environment's names were set on purpose
    assert settings.setting("target", {"target": "local"}).value == "local"


def test_piped_tables_never_wrap_and_tsv_prints_tabs(seeded, capsys):
    long_name = "a pump station at the far end of the northern field " * 4
    assert main(["devices", "add", "AA-BB-77", "--tenant", "demo", "--name", long_name.strip()]) == 0
    capsys.readouterr()
    assert main(["devices", "list", "--tenant", "demo", "--no-health"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["serial", "name", "connector"]
    assert len(lines) == 1 + len(DEMO_SERIALS) + 1
    assert any(line.startswith("AA-BB-77") and long_name.strip() in line for line in lines)
    assert main(["devices", "list", "--tenant", "demo", "--no-health", "--tsv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "serial\tname\tconnector\tpayload\tcreated"
    assert [line.split("\t")[1] for line in lines if line.startswith("AA-BB-77")] == [long_name.strip()]


def test_every_option_required_in_some_case_says_so_in_its_help():
    from docsgen import cli_reference

    page = cli_reference.render(build_parser())
    for command in ("devices list", "devices add", "records", "inspect", "keys create"):
        section = page.split(f"# `inlet {command}`\n", 1)[1].split("\n#", 1)[0]
        assert "required when none is set" in section, command
