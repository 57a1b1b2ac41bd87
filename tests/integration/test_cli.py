"""The ``inlet`` CLI in-process under moto, with the names in the environment (as a deployed function has them)."""

from __future__ import annotations

import json

import boto3
import pytest
from inlet.core.keys import is_well_formed
from inlet_cli.commands import records as records_command
from inlet_cli.local import env as local_env
from inlet_cli.local import state as local_state
from inlet_cli.local.changes import ChangeWatcher
from inlet_cli.local.deliver import create_delivery_queues
from inlet_cli.local.stack import LocalAws
from inlet_cli.local_tagoio.server import LocalTagoIO
from inlet_cli.main import main

from tests.cli_runs import error_of, run_json
from tests.helpers import http_event, invoke, restart_container

pytestmark = pytest.mark.integration

ONE = {"serial": "AA-BB-01", "payload": "0011AA", "port": 10}


# Keys


def test_created_key_is_printed_once_and_works(seeded, capsys):
    created = run_json(capsys, "keys", "create", "--tenant", "demo", "--name", "lns", "--mapping", "serial=dev")
    assert is_well_formed(created["key"])
    assert {k: created[k] for k in ("tenant", "name", "mapping")} == {
        "tenant": "demo",
        "name": "lns",
        "mapping": "serial=dev",
    }

    status, body, _ = invoke(http_event({"dev": "AA-BB-01", "payload": "01"}, key=created["key"]))
    assert status == 200 and body["accepted"] == 1


def test_key_printed_alone_on_stdout_without_json(seeded, capsys):
    assert main(["keys", "create", "--tenant", "demo"]) == 0
    out, err = capsys.readouterr()
    assert is_well_formed(out.strip())
    assert "shown only now" in err and out.strip() not in err


def test_list_never_shows_keys(seeded, capsys):
    created = run_json(capsys, "keys", "create", "--tenant", "acme", "--name", "acme lns")
    listed = run_json(capsys, "keys", "list", "--tenant", "acme")
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0] and created["key"] not in json.dumps(listed)

    assert main(["keys", "list"]) == 0
    table = capsys.readouterr().out
    assert created["id"] in table and local_env.EVENTS_KEY not in table and created["key"] not in table


def test_revoked_key_is_refused_once_caches_expire(seeded, capsys):
    created = run_json(capsys, "keys", "create", "--tenant", "demo")
    assert invoke(http_event(ONE, key=created["key"]))[0] == 200

    revoked = run_json(capsys, "keys", "revoke", created["id"])
    assert revoked["revoked_at"]
    restart_container()  # a warm container would notice within KEY_CACHE_SECONDS

    assert invoke(http_event({**ONE, "port": 11}, key=created["key"]))[0] == 401


def test_key_errors_are_one_line(seeded, capsys):
    assert "Invalid Additional Parameter" in error_of(capsys, "keys", "create", "--tenant", "demo", "--mapping", "x")
    assert "breaks the rule" in error_of(capsys, "keys", "create", "--tenant", "bad tenant!")
    assert "no key with id" in error_of(capsys, "keys", "revoke", "0000000000000000")
    assert "--tenant" in error_of(capsys, "keys", "create")  # no default tenant configured
    assert "invalid choice" in error_of(capsys, "keys", "create", "--tenant", "t", "--unknown-devices", "x", code=2)


# Devices


def test_devices_add_list_remove(moto_aws, capsys):
    added = run_json(capsys, "devices", "add", "aa-bb-09", " AA-BB-10 ", "--tenant", "t1", "--payload-encoding", "hex")
    assert added["added"] == ["AA-BB-09", "AA-BB-10"]
    assert run_json(capsys, "devices", "add", "AA-BB-09", "--tenant", "t1")["existing"] == ["AA-BB-09"]

    listed = run_json(capsys, "devices", "list", "--tenant", "t1")
    assert [(d["serial"], d["connector"], d["payload_encoding"]) for d in listed] == [
        ("AA-BB-09", "generic-sensor", "hex"),
        ("AA-BB-10", "generic-sensor", "hex"),
    ]
    assert run_json(capsys, "devices", "list", "--tenant", "t2") == []

    assert run_json(capsys, "devices", "remove", "aa-bb-09", "--tenant", "t1")["removed"] == ["AA-BB-09"]
    assert "has no device AA-BB-09" in error_of(capsys, "devices", "remove", "AA-BB-09", "--tenant", "t1")


def test_import_adds_valid_rows_and_names_the_bad_lines(seeded, capsys, tmp_path):
    csv_file = tmp_path / "devices.csv"
    csv_file.write_text(
        "serial,name,payload_encoding\n"
        "cc-01,boiler,hex\n"  # line 2: added (canonical serial)
        ",no serial,\n"  # line 3: invalid
        "CC-02,,base32\n"  # line 4: invalid encoding
        "\n"  # blank lines are ignored
        "CC-01,again,\n"  # line 6: duplicate of line 2
        "AA-BB-01,demo,\n"  # line 7: already exists
        "CC-03,x,hex,extra\n"  # line 8: too many values
        "CC-04\n"  # line 9: added
    )
    assert main(["devices", "import", str(csv_file), "--tenant", "demo", "--json"]) == 1
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["added"] == ["CC-01", "CC-04"]
    assert [(s["line"], s["reason"]) for s in report["skipped"]] == [(6, "duplicate of line 2"), (7, "already exists")]
    assert [i["line"] for i in report["invalid"]] == [3, 4, 8]
    assert err == "inlet: error: 3 invalid row(s) not imported (line 3, 4, 8)\n"
    devices = {d["serial"]: d for d in run_json(capsys, "devices", "list", "--tenant", "demo")}
    assert devices["CC-01"]["name"] == "boiler" and devices["CC-01"]["payload_encoding"] == "hex"


def test_import_summary_for_people(moto_aws, capsys, tmp_path):
    csv_file = tmp_path / "devices.csv"
    csv_file.write_text("\ufeffSerial,Connector\nDD-01,\nDD-01,\n")  # Excel's BOM and capitalised header
    assert main(["devices", "import", str(csv_file), "--tenant", "t1"]) == 0
    out, err = capsys.readouterr()
    assert "added 1, skipped 1, invalid 0" in out and "line 3: DD-01 skipped: duplicate of line 2" in err


def test_import_refuses_a_file_without_serial_column(moto_aws, capsys, tmp_path):
    csv_file = tmp_path / "devices.csv"
    csv_file.write_text("eui,name\n01,x\n")
    assert "has no serial column" in error_of(capsys, "devices", "import", str(csv_file), "--tenant", "t1")
    assert "No such file" in error_of(capsys, "devices", "import", str(tmp_path / "none.csv"), "--tenant", "t1")


# Records


def test_records_json_newest_first(seeded, capsys):
    for port in (1, 2, 3):
        assert invoke(http_event({**ONE, "port": port}))[0] == 200
    capsys.readouterr()  # the handler's log lines
    stored = run_json(capsys, "records", "aa-bb-01", "--tenant", "demo", "--limit", "2")
    assert [r["port"] for r in stored] == [3, 2]
    assert {"id", "serial", "group", "time", "received_at", "port", "payload", "variables"} <= set(stored[0])

    assert main(["records", "AA-BB-01", "--tenant", "demo"]) == 0
    assert "0011aa" in capsys.readouterr().out


def test_records_events_shows_the_device_events_not_the_uplinks(seeded, capsys):
    from inlet.adapters.devices import Device

    seeded.devices.add(Device("demo", "0080E1150500A3C7"))
    status_event = {"deviceInfo": {"devEui": "0080e1150500a3c7"}, "margin": 7, "batteryLevel": 91.5}
    assert invoke(http_event(status_event, query={"event": "status"}))[0] == 200
    assert invoke(http_event({"serial": "0080E1150500A3C7", "payload": "01"}))[0] == 200
    capsys.readouterr()  # the handler's log lines
    events = run_json(capsys, "records", "0080E1150500A3C7", "--tenant", "demo", "--events")
    assert [e["event"] for e in events] == ["status"]
    assert {"variable": "batterylevel", "value": 91.5} in events[0]["variables"]
    assert [r["payload"] for r in run_json(capsys, "records", "0080E1150500A3C7", "--tenant", "demo")] == ["01"]
    assert main(["records", "0080E1150500A3C7", "--tenant", "demo", "--events"]) == 0
    assert "status" in capsys.readouterr().out


def test_follow_prints_new_records_until_ctrl_c(seeded, capsys, monkeypatch):
    assert invoke(http_event({**ONE, "port": 1}))[0] == 200
    polls = []

    def poll_then_stop():
        polls.append(1)
        if len(polls) == 1:
            assert invoke(http_event({**ONE, "port": 2}))[0] == 200  # arrives while following
        elif len(polls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(records_command, "pause", poll_then_stop)
    assert main(["records", "AA-BB-01", "--tenant", "demo", "--follow", "--json"]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    records = [r for r in printed if "level" not in r]  # the in-process handler may log to the same stdout
    assert [r["port"] for r in records] == [1, 2]  # oldest first, each record once


# Where commands act


def test_without_names_the_error_says_what_to_set(moto_aws, capsys, monkeypatch):
    monkeypatch.delenv("KEYS_PATH")
    assert "KEYS_PATH is not set" in error_of(capsys, "keys", "list")


def test_local_without_a_running_stack(moto_aws, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv(local_env.STATE_DIR_ENV, str(tmp_path))
    assert "start one with `inlet local run`" in error_of(capsys, "devices", "list", "--tenant", "t", "--local")


def test_stack_outputs_name_the_resources(moto_aws, capsys, monkeypatch):
    outputs = {"DevicesTableName": "inlet-local-devices", "KeysPath": "/inlet/local/keys"}
    template = {
        "Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {name: {"Value": value} for name, value in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(StackName="inlet-test", TemplateBody=json.dumps(template))
    monkeypatch.delenv("DEVICES_TABLE")
    run_json(capsys, "devices", "add", "EE-01", "--tenant", "t1", "--stack", "inlet-test")
    assert [d["serial"] for d in run_json(capsys, "devices", "list", "--tenant", "t1", "--stack", "inlet-test")] == [
        "EE-01"
    ]
    assert "has no output RecordsTableName" in error_of(
        capsys, "records", "X", "--tenant", "t", "--stack", "inlet-test"
    )
    assert "stack 'nope' not found" in error_of(capsys, "keys", "list", "--stack", "nope")
    assert "not allowed with argument" in error_of(capsys, "keys", "list", "--stack", "x", "--local", code=2)


def test_aws_errors_are_one_line(moto_aws, capsys, monkeypatch):
    monkeypatch.setenv("DEVICES_TABLE", "no-such-table")
    assert "ResourceNotFoundException" in error_of(capsys, "devices", "list", "--tenant", "t1")


# Serials: the endpoint's one rule, after canonicalisation


@pytest.mark.parametrize(
    ("serial", "reason"),
    [("bad serial with spaces", "contains ' '"), ("x/y", "contains '/'"), ("Y" * 300, "300 characters long")],
)
def test_invalid_serials_are_refused_by_every_command(seeded, capsys, serial, reason):
    for command in (["devices", "add"], ["devices", "remove"], ["records"]):
        err = error_of(capsys, *command, serial, "--tenant", "demo")
        assert "invalid serial" in err and reason in err and serial[:20] in err, (command, err)
    assert serial.upper() not in [d["serial"] for d in run_json(capsys, "devices", "list", "--tenant", "demo")]


def test_valid_serials_of_every_lns_shape_are_accepted(moto_aws, capsys):
    serials = ["70b3d57ed0000001", "70:B3:D5:7E:D0:00:00:01", "site1.pump:3", "dev_1+a@b", "Y" * 128]
    added = run_json(capsys, "devices", "add", *serials, "--tenant", "t1")["added"]
    assert added == [s.upper() for s in serials]


def test_import_reports_invalid_serials_with_their_line(moto_aws, capsys, tmp_path):
    csv_file = tmp_path / "devices.csv"
    csv_file.write_text(f"serial\nbad serial with spaces\nx/y\n{'Y' * 300}\nGOOD-01\n")
    assert main(["devices", "import", str(csv_file), "--tenant", "t1", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == ["GOOD-01"]
    reasons = {i["line"]: i["reason"] for i in report["invalid"]}
    assert set(reasons) == {2, 3, 4}
    assert "contains ' '" in reasons[2] and "contains '/'" in reasons[3] and "300 characters" in reasons[4]


# Import: every line accounted for


def test_import_of_2000_lines_with_a_bad_quote_accounts_for_every_line(moto_aws, capsys, tmp_path):
    # Given 2,000 lines: a header, devices, a few blank lines and duplicates, and an unterminated quote at line 1000
    lines = ["serial,name"]
    for number in range(2, 2001):
        if number == 1000:
            lines.append('"BAD-QUOTE,a name that never ends')
        elif number % 500 == 0:
            lines.append("")
        elif number % 700 == 0:
            lines.append("DEV-0002,again")
        else:
            lines.append(f"DEV-{number:04d},device {number}")
    csv_file = tmp_path / "devices.csv"
    csv_file.write_text("\n".join(lines) + "\n")

    # When it is imported
    assert main(["devices", "import", str(csv_file), "--tenant", "t1", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)

    # Then each line is in exactly one place of the report, and nothing after the bad quote is lost
    places = [
        [report["header_line"]],
        report["added_lines"],
        [s["line"] for s in report["skipped"]],
        [i["line"] for i in report["invalid"]],
        report["blank_lines"],
    ]
    numbers = [n for place in places for n in place]
    assert report["lines"] == 2000 and sorted(numbers) == list(range(1, 2001))
    assert report["invalid"] == [{"line": 1000, "reason": "unterminated quote"}]
    assert report["blank_lines"] == [500, 1500, 2000] and [s["line"] for s in report["skipped"]] == [700, 1400]
    assert len(report["added"]) == 2000 - 1 - 1 - 3 - 2 == len(set(report["added"]))
    stored = {d["serial"] for d in run_json(capsys, "devices", "list", "--tenant", "t1")}
    assert {"DEV-1001", "DEV-1999"} <= stored and len(stored) == len(report["added"])


def test_import_counts_lines_for_people(moto_aws, capsys, tmp_path):
    csv_file = tmp_path / "devices.csv"
    csv_file.write_text('serial\nDD-01\n\n"DD-02\nDD-03\n')
    assert main(["devices", "import", str(csv_file), "--tenant", "t1"]) == 1
    out, err = capsys.readouterr()
    assert "5 lines: added 2, skipped 0, invalid 1, blank 1" in out
    assert "line 4: invalid: unterminated quote" in err


# Keys never echoed


def test_revoke_given_a_key_never_shows_it(seeded, capsys):
    created = run_json(capsys, "keys", "create", "--tenant", "demo")
    key = created["key"]
    for argv in (
        ["keys", "revoke", key],
        ["keys", "revoke", f"Bearer {key}"],
        ["keys", "revoke", key.upper()],
    ):
        err = error_of(capsys, *argv)
        assert key not in err and key.upper() not in err and key[2:] not in err, err
    assert f"inlet keys revoke {created['id']}" in error_of(capsys, "keys", "revoke", key)
    usage = error_of(capsys, "keys", "revoke", created["id"], key, code=2)  # a stray argument: argparse quotes it
    assert "unrecognized arguments" in usage and key not in usage
    listed = {k["id"]: k for k in run_json(capsys, "keys", "list")}
    assert listed[created["id"]]["revoked_at"] is None  # nothing was revoked by mistake


# When the endpoint sees a change


def test_changes_say_how_long_deployed_functions_may_lag(moto_aws, capsys):
    def notes() -> str:
        return " ".join(capsys.readouterr().err.split())  # rich folds long lines

    assert main(["devices", "add", "FF-01", "--tenant", "t1"]) == 0
    assert "DEVICE_MISS_CACHE_SECONDS (10 s" in notes()
    assert main(["devices", "remove", "FF-01", "--tenant", "t1"]) == 0
    assert "DEVICE_CACHE_SECONDS (300 s" in notes()
    created = run_json(capsys, "keys", "create", "--tenant", "t1")
    assert main(["keys", "revoke", created["id"]]) == 0
    assert "KEY_CACHE_SECONDS (60 s" in notes()


def test_local_changes_are_announced_to_the_local_stack(moto_aws, capsys, monkeypatch, tmp_path):
    write_local_state(monkeypatch, tmp_path)
    changes: list[int] = []
    watcher = ChangeWatcher(tmp_path, lambda: changes.append(1))
    assert main(["devices", "add", "FF-02", "--tenant", "t1", "--local"]) == 0
    assert "DEVICE_MISS_CACHE_SECONDS" not in capsys.readouterr().err  # no delay to announce on the local stack
    watcher.check()
    assert main(["devices", "remove", "FF-02", "--tenant", "t1", "--local"]) == 0
    watcher.check()
    watcher.check()  # nothing changed since
    assert changes == [1, 1]


# TagoIO keys: the CLI and the functions agree on where network tokens live


def write_local_state(monkeypatch, directory, **extra: str) -> None:
    """A local state file for the in-process emulator (``mock``: no process to check), as `inlet local run` does."""
    monkeypatch.setenv(local_env.STATE_DIR_ENV, str(directory))
    local_state.write_state(directory, LocalAws("", local_env.REGION, "mock"), "http://x/uplink", directory, extra)


TAGO_AUTHORIZATION = "at" + "ab" * 16


def tagoio_key_options(api_url: str) -> list[str]:
    return ["--sink", "tagoio", "--tagoio-api-url", api_url, "--network-token-param", "lns"]


def test_tagoio_key_on_a_local_stack_without_forwarding_is_refused_clearly(moto_aws, capsys, monkeypatch, tmp_path):
    write_local_state(monkeypatch, tmp_path)
    options = [*tagoio_key_options("http://127.0.0.1:9"), "--tagoio-authorization", TAGO_AUTHORIZATION]
    err = error_of(capsys, "keys", "create", "--tenant", "demo", *options, "--local")
    assert "does not forward to TagoIO" in err and "make run TAGOIO=1" in err
    assert run_json(capsys, "keys", "list", "--local") == []


def test_tagoio_key_created_with_the_cli_is_accepted_by_the_local_function(seeded, capsys, monkeypatch, tmp_path):
    # Given the local stack's function environment (no NETWORK_TOKEN_PATH of a test's own) and its delivery queue
    queue_url, dlq_url = create_delivery_queues(boto3.client("sqs"))
    monkeypatch.setenv("DELIVERY_QUEUE_URL", queue_url)
    write_local_state(monkeypatch, tmp_path, delivery_queue_url=queue_url, dead_letter_queue_url=dlq_url)
    with LocalTagoIO() as tagoio:
        token = tagoio.state.add_network_token()
        tagoio.state.add_device(TAGO_AUTHORIZATION, "AA-BB-01")
        boto3.client("ssm").put_parameter(Name="/inlet/local/tagoio/lns", Value=token, Type="SecureString")
        options = [*tagoio_key_options(tagoio.url), "--tagoio-authorization", TAGO_AUTHORIZATION]

        # When a key is created with the CLI's bare token name, and an uplink is sent with it
        created = run_json(capsys, "keys", "create", "--tenant", "demo", *options, "--local")
        restart_container()
        status, body, _ = invoke(http_event(ONE, key=created["key"]))

    # Then the function finds the token where the CLI put its name, and queues the uplink for delivery
    assert status == 200 and body["accepted"] == 1, body


def test_a_key_pasted_where_a_name_or_serial_goes_is_never_shown(seeded, capsys):
    key = run_json(capsys, "keys", "create", "--tenant", "demo")["key"]
    err = error_of(capsys, "keys", "create", "--tenant", key)
    assert "shaped like a key" in err and key not in err
    assert main(["records", key, "--tenant", "demo"]) == 0  # a valid serial shape: no records, and a remark
    assert key.upper() not in capsys.readouterr().err
