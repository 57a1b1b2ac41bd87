"""A device's parameters reach its TagoIO payload parser as ``device.params`` on the ingest path, as in TagoIO,
where parsers read calibration values and the like from the device; set with `inlet devices add --param` or the
CSV's ``params`` column."""

from __future__ import annotations

import pytest
from inlet.adapters.aws import client
from inlet.adapters.connectors import ConnectorStore
from inlet_cli.local import env as local_env
from inlet_cli.main import main

from tests.cli_runs import error_of, run_json
from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

# TagoIO's documented form of device.params: [{key, value}] (reference/tagoio: payload parser's globals).
CALIBRATED = """
const offset = Number((device.params.find((p) => p.key === 'offset') || {value: '0'}).value);
const raw = payload.find((x) => x.variable === 'payload');
payload = [{variable: 'celsius', value: parseInt(raw.value, 16) / 10 + offset}];
"""


@pytest.fixture
def calibrated(seeded):
    ConnectorStore(local_env.TABLES["ConnectorsTable"], dynamodb=client("dynamodb")).add(
        "calibrated", "tagoio", CALIBRATED, ""
    )
    return seeded


def celsius_of(deps, serial: str) -> float:
    [record] = deps.records.latest("demo", serial, 1)
    return record["decoded"][0]["value"]


def test_params_given_when_adding_reach_the_parser(calibrated, capsys):
    added = run_json(capsys, "devices", "add", "CAL-1", "--tenant", "demo", "--connector", "calibrated",
                     "--param", "offset=-1.5", "--param", "unit=C")  # fmt: skip
    assert added["added"] == ["CAL-1"]
    assert main(["devices", "add", "CAL-2", "--tenant", "demo", "--connector", "calibrated"]) == 0
    calibrated.devices._cache.clear()
    for serial in ("CAL-1", "CAL-2"):
        assert invoke(http_event({"serial": serial, "payload": "00fa", "port": 1}))[0] == 200
    assert celsius_of(calibrated, "CAL-1") == 23.5  # 25.0 - 1.5
    assert celsius_of(calibrated, "CAL-2") == 25.0  # no parameters: the parser's default
    capsys.readouterr()
    [listed] = [d for d in run_json(capsys, "devices", "list", "--tenant", "demo", "--no-health")
                if d["serial"] == "CAL-1"]  # fmt: skip
    assert listed["params"] == {"offset": "-1.5", "unit": "C"}


def test_params_from_the_csv_column(calibrated, capsys, tmp_path):
    csv = tmp_path / "devices.csv"
    csv.write_text('serial,connector,params\nCAL-3,calibrated,"offset=2;unit=C"\nCAL-4,calibrated,offset\n')
    report = run_json(capsys, "devices", "import", str(csv), "--tenant", "demo", code=1)
    assert report["added"] == ["CAL-3"]
    assert [(i["line"], "NAME=VALUE" in i["reason"]) for i in report["invalid"]] == [(3, True)]
    calibrated.devices._cache.clear()
    assert invoke(http_event({"serial": "CAL-3", "payload": "00fa", "port": 1}))[0] == 200
    assert celsius_of(calibrated, "CAL-3") == 27.0


def test_a_malformed_param_is_refused_before_anything_is_added(calibrated, capsys):
    assert "is not NAME=VALUE" in error_of(capsys, "devices", "add", "CAL-5", "--tenant", "demo", "--param", "=1")
    assert calibrated.devices.get_many("demo", {"CAL-5"}) == {"CAL-5": None}
