"""``inlet devices list``: when each device was last heard, its uplinks of the last 24 hours and its last RSSI/SNR,
answered by the records (moto, the template's tables, the demo tenant)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from inlet.core.records import build_record
from inlet.core.uplink import map_item
from inlet.core.values import format_time
from inlet_cli.commands import device_health
from inlet_cli.local import env as local_env
from inlet_cli.main import main
from inlet_cli.targets import Target

from tests.integration.test_cli import run_json

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lns"
NOW = datetime.now(UTC)
TTS_DEVICE = "70B3D57ED0000001"
LORIOT_DEVICE = "70B3D57ED0000002"
DEMO_DEVICES = 5  # seeded: AA-BB-01, AA-BB-02, 70B3D57ED0000001, 70B3D57ED0000002, A84041000181C2F1


def store_fixture(deps, name: str, serial: str, received: datetime, index: int = 0) -> None:
    """A network server's uplink (a fixture) stored by the endpoint's own code for ``serial`` at ``received``."""
    item = json.loads((FIXTURES / f"{name}.json").read_text())["item"]
    uplink = map_item(index, item, {}, None)
    uplink.serial = serial
    record = build_record(uplink, "demo", f"{index:024d}", format_time(received), None, None)
    deps.records.put_many([record])


@pytest.fixture
def queries(monkeypatch) -> list[dict]:
    """Every DynamoDB Query the CLI makes on the Records table (its parameters)."""
    made: list[dict] = []
    client = Target.client

    def record_query(params, **_):
        if params["TableName"] == local_env.TABLES["RecordsTable"]:
            made.append(params)

    def counting(self, service):
        created = client(self, service)
        created.meta.events.register("before-parameter-build.dynamodb.Query", record_query)
        return created

    monkeypatch.setattr(Target, "client", counting)
    return made


def by_serial(listed: list[dict]) -> dict[str, dict]:
    return {d["serial"]: d for d in listed}


def test_each_device_shows_last_seen_its_24_hour_count_and_its_last_signal(seeded, capsys):
    store_fixture(seeded, "tts_v3", TTS_DEVICE, NOW - timedelta(hours=30), 0)  # older than 24 h: not counted
    store_fixture(seeded, "tts_v3", TTS_DEVICE, NOW - timedelta(hours=20), 1)
    store_fixture(seeded, "tts_v3", TTS_DEVICE, NOW - timedelta(minutes=5), 2)
    store_fixture(seeded, "loriot_gw", LORIOT_DEVICE, NOW - timedelta(hours=26), 3)

    listed = by_serial(run_json(capsys, "devices", "list", "--tenant", "demo"))
    tts = listed[TTS_DEVICE]
    assert tts["last_seen"] == format_time(NOW - timedelta(minutes=5))
    assert (tts["uplinks_24h"], tts["uplinks_24h_complete"], tts["rssi"], tts["snr"]) == (2, True, -87.0, 7.25)
    loriot = listed[LORIOT_DEVICE]  # heard, but not in the last 24 h: its last signal still shows
    assert (loriot["uplinks_24h"], loriot["rssi"], loriot["snr"]) == (0, -117.0, -6.5)
    silent = listed["AA-BB-01"]
    assert (silent["last_seen"], silent["uplinks_24h"], silent["rssi"], silent["snr"]) == (None, 0, None, None)
    assert silent["connector"] == "generic-sensor"  # the device's own fields are still there


def test_the_table_shows_the_health_columns(seeded, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # not a terminal (CI): rich would fit the table in 80 columns
    # the real clock, not NOW: the table shows the age against the time it runs (minutes after import in a suite)
    store_fixture(seeded, "tts_v3", TTS_DEVICE, datetime.now(UTC) - timedelta(seconds=70))
    assert main(["devices", "list", "--tenant", "demo"]) == 0
    out = capsys.readouterr().out
    assert "last seen" in out and "rssi" in out and "-87.0" in out and "7.25" in out and "1m ago" in out


@pytest.mark.parametrize(
    ("age", "shown"),
    [
        (timedelta(seconds=42), "42s ago"),
        (timedelta(minutes=59), "59m ago"),
        (timedelta(hours=47), "47h ago"),
        (timedelta(days=3, hours=5), "3d ago"),
    ],
)
def test_ages_are_shown_in_the_largest_fitting_unit(age, shown):
    health = {"last_seen": format_time(NOW - age)}
    assert device_health.shown_age(health, NOW) == shown
    assert device_health.shown_age({"last_seen": None}, NOW) == ""


def test_reads_are_one_query_per_silent_device_and_two_per_active_one(seeded, capsys, queries):
    store_fixture(seeded, "tts_v3", TTS_DEVICE, NOW - timedelta(minutes=1))
    store_fixture(seeded, "loriot", LORIOT_DEVICE, NOW - timedelta(days=3))
    run_json(capsys, "devices", "list", "--tenant", "demo")
    counts = [q for q in queries if q.get("Select") == "COUNT"]
    assert len(queries) == DEMO_DEVICES + 1 and len(counts) == 1  # only the device heard in the last 24 h is counted
    assert counts[0]["ExpressionAttributeValues"][":d"] == {"S": f"demo#{TTS_DEVICE}"}
    latest = [q for q in queries if q.get("Select") != "COUNT"]
    assert all(q["Limit"] == 1 for q in latest)  # the latest record alone: one item read


def test_no_health_reads_no_record(seeded, capsys, queries):
    store_fixture(seeded, "tts_v3", TTS_DEVICE, NOW - timedelta(minutes=1))
    listed = run_json(capsys, "devices", "list", "--tenant", "demo", "--no-health")
    assert queries == [] and len(listed) == DEMO_DEVICES and "last_seen" not in listed[0]
    assert main(["devices", "list", "--tenant", "demo", "--no-health"]) == 0
    assert "last seen" not in capsys.readouterr().out


def test_a_count_cut_short_is_shown_as_a_lower_bound(seeded, capsys, monkeypatch):
    for index in range(3):
        store_fixture(seeded, "tts_v3", TTS_DEVICE, NOW - timedelta(minutes=10 - index), index)
    monkeypatch.setattr(device_health, "MAX_COUNT_PAGES", 1)
    count = seeded.records.count_between
    monkeypatch.setattr(
        type(seeded.records), "count_between", lambda self, *a, **k: count(*a, **{**k, "page_items": 2})
    )
    tts = by_serial(run_json(capsys, "devices", "list", "--tenant", "demo"))[TTS_DEVICE]
    assert (tts["uplinks_24h"], tts["uplinks_24h_complete"]) == (2, False)
    assert device_health.shown_count(tts) == "2+"
    assert main(["devices", "list", "--tenant", "demo"]) == 0
    assert "2+" in capsys.readouterr().out


def test_without_a_records_table_devices_are_listed_and_the_cli_says_why_there_is_no_health(
    seeded, capsys, monkeypatch
):
    monkeypatch.delenv("RECORDS_TABLE")
    assert main(["devices", "list", "--tenant", "demo"]) == 0
    out, err = capsys.readouterr()
    assert TTS_DEVICE in out and "last seen" not in out
    assert "names no records table" in err
    assert "last_seen" not in run_json(capsys, "devices", "list", "--tenant", "demo")[0]
