"""``inlet lake backfill`` finds every serial of the tenant with records, registered now or removed since: a paced,
parallel-segment Scan of the Records table's keys (inlet_cli.lake.serials), resumable, each serial once."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from inlet.core.records import build_record
from inlet.core.uplink import map_item
from inlet.core.values import format_time
from inlet_cli.commands.lake import backfill
from inlet_cli.lake import serials as serials_module
from inlet_cli.lake.backfill import Span
from inlet_cli.lake.local_engine import run_local
from inlet_cli.lake.places import LocalPlace
from inlet_cli.lake.serials import SerialScan, serial_of

pytestmark = pytest.mark.integration
TENANT = "demo"
START = datetime(2026, 3, 1, 12, tzinfo=UTC)
REGISTERED = ["AA-BB-01"]
REMOVED = ["AA-BB-02", "CC-00-07", "DD:01"]  # devices removed from the Devices table; their records stay


def _records(tenant: str, serial: str, count: int = 3) -> list[dict]:
    out = []
    for i in range(count):
        uplink = map_item(i, {"serial": serial, "payload": f"0{i}", "port": 1, "fcnt": i}, {}, None)
        at = format_time(START + timedelta(minutes=i))
        group = hashlib.sha256(f"{tenant}#{serial}".encode()).hexdigest()[:23]  # a request of its own
        out.append(build_record(uplink, tenant, group, at, None, None))
    return out


@pytest.fixture
def table(seeded):
    """The tenant's records of a registered device and of removed ones, other tenants' (one whose name starts like
    it), and the tenant's request log partition: what a scan must tell apart."""
    for serial in REGISTERED + REMOVED:
        seeded.records.put_many(_records(TENANT, serial))
    for tenant in ("demo2", "dem"):
        seeded.records.put_many(_records(tenant, "EE-00-01"))
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    name = seeded.settings.records_table
    dynamodb.put_item(TableName=name, Item={"device": {"S": f"{TENANT}#requests"}, "sk": {"S": "x"}})
    return dynamodb, name


def span() -> Span:
    return Span(TENANT, format_time(START - timedelta(days=1)), format_time(START + timedelta(days=1)))


def test_serials_of_a_tenants_partitions_and_nothing_else():
    assert serial_of("demo#AA-BB-01", "demo") == serial_of("demo#AA-BB-01#events", "demo") == "AA-BB-01"
    assert serial_of("demo#requests", "demo") is serial_of("demo#unknown", "demo") is None
    assert serial_of("demo2#AA-BB-01", "demo") is serial_of("demo#", "demo") is None


def test_backfill_reaches_the_records_of_removed_devices(table, seeded, tmp_path):
    dynamodb, name = table
    scan = SerialScan(dynamodb, name, segments=3)
    staged, written = backfill(seeded.records, REGISTERED, LocalPlace(tmp_path / "lake"), span(),
                               tmp_path / "s.duckdb", scan=scan)  # fmt: skip
    assert scan.found == sorted(REGISTERED + REMOVED) and scan.read_units > 0  # moto reports ConsumedCapacity
    assert (staged, written) == (12, 12)  # 3 uplinks of each of the four devices; no other tenant's
    answer = run_local(
        "SELECT serial, count(*) FROM uplinks GROUP BY serial ORDER BY serial", TENANT, tmp_path / "lake"
    )
    assert answer.rows == [[s, 3] for s in sorted(REGISTERED + REMOVED)]
    rerun = SerialScan(dynamodb, name, segments=3)  # again: the same rows, none twice
    assert backfill(seeded.records, REGISTERED, LocalPlace(tmp_path / "lake"), span(), tmp_path / "s.duckdb",
                    scan=rerun) == (12, 12)  # fmt: skip


class Interrupted(Exception):
    pass


class FailingOnce:
    """DynamoDB, failing the ``fail_at``-th Scan call once: the rounds before it are recorded."""

    def __init__(self, dynamodb, fail_at: int) -> None:
        self.dynamodb, self.fail_at, self.calls, self.failed = dynamodb, fail_at, [], False

    def scan(self, **request):
        self.calls.append((request["Segment"], request.get("ExclusiveStartKey")))
        if len(self.calls) == self.fail_at and not self.failed:
            self.failed = True
            raise Interrupted
        return self.dynamodb.scan(**request)


def test_an_interrupted_scan_resumes_at_each_segments_next_page(table, tmp_path, monkeypatch):
    import duckdb

    dynamodb, name = table
    monkeypatch.setattr(serials_module, "PAGE_LIMIT", 2)  # many pages per segment
    db = duckdb.connect(str(tmp_path / "s.duckdb"))
    flaky = FailingOnce(dynamodb, fail_at=5)  # in the second round of two segments
    scan = SerialScan(flaky, name, segments=2)
    with pytest.raises(Interrupted):
        scan.serials(db, TENANT)
    flaky.calls.clear()
    assert scan.serials(db, TENANT) == sorted(REGISTERED + REMOVED)
    assert all(start is not None for _, start in flaky.calls[:2])  # each segment went on from where it was
    whole = FailingOnce(dynamodb, fail_at=0)  # never fails: counts a whole scan's pages
    assert SerialScan(whole, name, segments=2).serials(duckdb.connect(), TENANT) == sorted(REGISTERED + REMOVED)
    assert len(flaky.calls) == len(whole.calls) - 4  # the two rounds done before the interruption: not read again


class Metered:
    """A table of one tenant's partitions, every page reporting the read units DynamoDB would (ConsumedCapacity)."""

    def __init__(self, pages: int, units: float) -> None:
        self.pages, self.units = pages, units

    def scan(self, **request):
        index = int((request.get("ExclusiveStartKey") or {"i": {"N": "0"}})["i"]["N"])
        answer = {"Items": [{"device": {"S": f"demo#S-{request['Segment']}-{index}"}}],
                  "ConsumedCapacity": {"CapacityUnits": self.units}}  # fmt: skip
        if index + 1 < self.pages:
            answer["LastEvaluatedKey"] = {"i": {"N": str(index + 1)}}
        return answer


def test_the_scan_is_paced_to_its_read_units_per_second():
    import duckdb

    now = [0.0]
    scan = SerialScan(Metered(pages=5, units=50.0), "records", segments=4, read_units_per_second=100.0,
                      sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0])  # fmt: skip
    found = scan.serials(duckdb.connect(), TENANT)
    assert len(found) == 4 * 5 and scan.read_units == 4 * 5 * 50.0
    assert now[0] == pytest.approx(scan.read_units / 100.0)  # 1,000 units at 100 a second: 10 s, no faster


def test_the_command_on_a_stack_backfills_removed_devices_into_its_bucket(table, seeded, tmp_path, monkeypatch, capsys):
    import json

    from inlet_cli.main import main

    monkeypatch.setenv("INLET_STATE_DIR", str(tmp_path))
    outputs = {"RecordsTableName": seeded.settings.records_table, "DevicesTableName": seeded.settings.devices_table,
               "LakeBucketName": "lake"}  # fmt: skip
    template = {"Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {k: {"Value": v} for k, v in outputs.items()}}  # fmt: skip
    boto3.client("cloudformation", region_name="us-east-1").create_stack(
        StackName="inlet-test", TemplateBody=json.dumps(template)
    )
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="lake")
    argv = ["lake", "backfill", "--tenant", TENANT, "--since", "2026-02-28", "--until", "2026-03-02"]
    assert main([*argv, "--stack", "inlet-test", "--scan-read-units", "0"]) == 1
    assert "above 0" in capsys.readouterr().err
    assert main([*argv, "--stack", "inlet-test", "--scan-read-units", "50"]) == 0
    out = capsys.readouterr().out
    devices = {d.serial for d in seeded.devices.list(TENANT)} | set(REGISTERED + REMOVED)  # registered or removed
    assert f"12 rows read from {len(devices)} devices" in out and "12 rows in the backfill" in out
