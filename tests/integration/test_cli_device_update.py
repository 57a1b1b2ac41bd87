"""``inlet devices update`` and ``devices import --update``: a device's connector and parameters change in place,
and the function uses the change once its cache of the device expires (as after any device change)."""

from __future__ import annotations

import pytest
from inlet.adapters.aws import client
from inlet.adapters.connectors import ConnectorStore
from inlet_cli.local import env as local_env
from inlet_cli.main import main

from tests.cli_runs import error_of, run_json
from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

OFFSET = """
const offset = Number((device.params.find((p) => p.key === 'offset') || {value: '0'}).value);
const raw = payload.find((x) => x.variable === 'payload');
payload = [{variable: 'celsius', value: parseInt(raw.value, 16) / 10 + offset}];
"""
KELVIN = "payload = [{variable: 'kelvin', value: parseInt(payload[0].value, 16) / 10 + 273.15}];"


@pytest.fixture
def parsers(seeded):
    store = ConnectorStore(local_env.TABLES["ConnectorsTable"], dynamodb=client("dynamodb"))
    store.add("offset", "tagoio", OFFSET, "")
    store.add("kelvin", "tagoio", KELVIN, "")
    return seeded


SENT = iter(range(10, 60))  # each uplink its own time: the same body again would be a retry (not stored again)


def decoded_of(deps, serial: str) -> list:
    uplink = {"serial": serial, "payload": "00fa", "port": 1, "time": f"2026-12-01T00:00:{next(SENT)}Z"}
    assert invoke(http_event(uplink))[0] == 200
    [record] = deps.records.latest("demo", serial, 1)
    return [(r["variable"], r["value"]) for r in record["decoded"]]


def test_update_moves_a_device_to_another_connector_and_changes_its_params(parsers, capsys):
    assert main(["devices", "add", "UPD-1", "--tenant", "demo", "--connector", "offset", "--param", "offset=1"]) == 0
    assert decoded_of(parsers, "UPD-1") == [("celsius", 26.0)]
    capsys.readouterr()
    updated = run_json(capsys, "devices", "update", "UPD-1", "--tenant", "demo", "--param", "offset=-5")
    assert updated == {"tenant": "demo", "updated": ["UPD-1"], "not_found": []}
    assert decoded_of(parsers, "UPD-1") == [("celsius", 26.0)]  # a warm function's cache: the device as it was
    parsers.devices._cache.clear()  # DEVICE_CACHE_SECONDS later
    assert decoded_of(parsers, "UPD-1") == [("celsius", 20.0)]
    assert main(["devices", "update", "UPD-1", "--tenant", "demo", "--connector", "kelvin@1", "--unset-param",
                 "offset", "--name", "cellar"]) == 0  # fmt: skip
    assert "DEVICE_CACHE_SECONDS" in capsys.readouterr().err
    parsers.devices._cache.clear()
    assert decoded_of(parsers, "UPD-1") == [("kelvin", 298.15)]
    capsys.readouterr()
    [device] = [d for d in run_json(capsys, "devices", "list", "--tenant", "demo", "--no-health")
                if d["serial"] == "UPD-1"]  # fmt: skip
    assert (device["connector"], device["params"], device["name"]) == ("kelvin@1", {}, "cellar")


def test_update_refuses_what_it_cannot_do_and_names_missing_devices(parsers, capsys):
    assert main(["devices", "add", "UPD-2", "--tenant", "demo"]) == 0
    capsys.readouterr()
    assert "nothing to change" in error_of(capsys, "devices", "update", "UPD-2", "--tenant", "demo")
    assert "does not exist" in error_of(capsys, "devices", "update", "UPD-2", "--tenant", "demo", "--connector", "nope")
    assert "both set and unset" in error_of(
        capsys, "devices", "update", "UPD-2", "--tenant", "demo", "--param", "a=1", "--unset-param", "a"
    )
    answer = run_json(capsys, "devices", "update", "UPD-2", "NOPE-9", "--tenant", "demo", "--payload-encoding",
                      "base64", code=1)  # fmt: skip
    assert (answer["updated"], answer["not_found"]) == (["UPD-2"], ["NOPE-9"])
    assert "no device NOPE-9" in error_of(capsys, "devices", "update", "NOPE-9", "--tenant", "demo", "--name", "x")


def test_import_with_update_changes_existing_devices_by_their_filled_cells(parsers, capsys, tmp_path):
    assert main(["devices", "add", "UPD-3", "--tenant", "demo", "--connector", "offset", "--name", "kept",
                 "--param", "offset=1"]) == 0  # fmt: skip
    capsys.readouterr()
    csv = tmp_path / "devices.csv"
    csv.write_text("serial,name,connector,params\nUPD-3,,kelvin,\nUPD-4,new,offset,offset=2\n")
    plain = run_json(capsys, "devices", "import", str(csv), "--tenant", "demo")
    assert (plain["added"], [s["reason"] for s in plain["skipped"]]) == (["UPD-4"], ["already exists"])
    report = run_json(capsys, "devices", "import", str(csv), "--tenant", "demo", "--update")
    assert report["updated"] == [{"line": 2, "serial": "UPD-3"}, {"line": 3, "serial": "UPD-4"}]
    devices = {d["serial"]: d for d in run_json(capsys, "devices", "list", "--tenant", "demo", "--no-health")}
    assert (devices["UPD-3"]["connector"], devices["UPD-3"]["name"]) == ("kelvin", "kept")  # empty cell: as stored
    assert devices["UPD-3"]["params"] == {"offset": "1"}
    assert devices["UPD-4"]["params"] == {"offset": "2"}
