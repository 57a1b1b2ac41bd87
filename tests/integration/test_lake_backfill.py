"""``inlet lake backfill``: stored records into the local lake, over several days, resumable, never duplicated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from inlet.core.lake.rows import lake_row
from inlet.core.records import build_record
from inlet.core.uplink import map_item
from inlet.core.values import format_time
from inlet_cli.commands.lake import backfill
from inlet_cli.lake.backfill import BACKFILL_FILE, Span
from inlet_cli.lake.local_engine import run_local
from inlet_cli.lake.local_lake import LocalLake
from inlet_cli.lake.places import LocalPlace
from inlet_cli.targets import Target

pytestmark = pytest.mark.integration
TENANT = "demo"
SERIALS = ["AA-BB-01", "AA-BB-02"]
START = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def stored(seeded):
    """Three days of uplinks of two devices (4 a day each) in the Records table; their read-back records."""
    store = seeded.records
    records = []
    for day in range(3):
        for serial in SERIALS:
            for i in range(4):
                at = format_time(START + timedelta(days=day, minutes=i))
                uplink = map_item(i, {"serial": serial, "payload": f"0{i}", "port": 1, "fcnt": day * 4 + i}, {}, None)
                records.append(build_record(uplink, TENANT, f"{day:02d}{serial[-1]}" + "a" * 21, at, None, None))
    store.put_many(records)
    return Target("test", records_table=seeded.settings.records_table, devices_table=seeded.settings.devices_table)


def count(root, sql="SELECT count(*) AS n, count(DISTINCT id) AS ids FROM uplinks"):
    answer = run_local(sql, TENANT, root)
    return dict(zip(answer.columns, answer.rows[0], strict=True))


def span(since=START - timedelta(days=1), until=START + timedelta(days=5)) -> Span:
    return Span(TENANT, format_time(since), format_time(until))


def test_backfill_writes_each_day_once_and_a_rerun_adds_nothing(stored, tmp_path):
    root, staging = tmp_path / "lake", tmp_path / "staging.duckdb"
    assert backfill(stored.record_store(), SERIALS, LocalPlace(root), span(), staging) == (24, 24)
    assert sorted(p.parent.name for p in root.rglob(BACKFILL_FILE)) == ["day=2026-03-01", "day=2026-03-02",
                                                                        "day=2026-03-03"]  # fmt: skip
    assert count(root) == {"n": 24, "ids": 24} and not staging.exists()
    assert backfill(stored.record_store(), SERIALS, LocalPlace(root), span(), staging) == (24, 24)
    assert count(root) == {"n": 24, "ids": 24}
    narrower = span(START + timedelta(days=1), START + timedelta(days=2))  # an overlapping range later
    backfill(stored.record_store(), SERIALS, LocalPlace(root), narrower, staging)
    assert count(root) == {"n": 24, "ids": 24}


def test_rows_the_live_path_delivered_are_not_written_again(stored, tmp_path):
    root = tmp_path / "lake"
    live = [lake_row(r) for r in stored.record_store().between(TENANT, SERIALS[0], format_time(START),
                                                                  format_time(START + timedelta(hours=1)))]  # fmt: skip
    LocalLake(root).write_rows(live)  # four uplinks that already reached the lake
    backfill(stored.record_store(), SERIALS, LocalPlace(root), span(), tmp_path / "s.duckdb")
    assert len(live) == 4 and count(root) == {"n": 24, "ids": 24}


class Interrupted(Exception):
    pass


class Flaky:
    """The record store, failing once while reading the second device: the first is staged and done."""

    def __init__(self, store) -> None:
        self.store, self.failed, self.read = store, False, []

    def between(self, tenant, serial, since, until, events=False, page_items=None):
        self.read.append((serial, events))
        if serial == SERIALS[1] and not self.failed:
            self.failed = True
            raise Interrupted
        return self.store.between(tenant, serial, since, until, events=events, page_items=page_items)


def test_an_interrupted_backfill_resumes_where_it_stopped(stored, tmp_path):
    root, staging = tmp_path / "lake", tmp_path / "staging.duckdb"
    flaky = Flaky(stored.record_store())
    with pytest.raises(Interrupted):
        backfill(flaky, SERIALS, LocalPlace(root), span(), staging)
    assert staging.exists() and not list(root.rglob("*.parquet"))
    flaky.read.clear()
    assert backfill(flaky, SERIALS, LocalPlace(root), span(), staging) == (12, 24)  # the second device only
    assert flaky.read == [(SERIALS[1], False), (SERIALS[1], True)]
    assert count(root) == {"n": 24, "ids": 24}


def test_backfill_into_the_stacks_bucket_skips_what_firehose_delivered(stored, tmp_path):
    """On a stack: the partition's other objects are read for their ids, the backfill file is uploaded beside."""
    import boto3
    from inlet_cli.lake.places import S3Place

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="lake")
    live = [lake_row(r) for r in stored.record_store().between(TENANT, SERIALS[0], format_time(START),
                                                                  format_time(START + timedelta(hours=1)))]  # fmt: skip
    written = LocalLake(tmp_path / "firehose").write_rows(live)  # what Firehose would have put there
    [firehose_file] = written
    s3.upload_file(str(firehose_file), "lake", f"uplinks/tenant={TENANT}/day=2026-03-01/firehose-1.parquet")
    place = S3Place(s3, "lake")
    backfill(stored.record_store(), SERIALS, place, span(), tmp_path / "s.duckdb")
    backfill(stored.record_store(), SERIALS, place, span(), tmp_path / "s.duckdb")  # again: nothing added
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="lake")["Contents"])
    assert keys == sorted([f"uplinks/tenant={TENANT}/day=2026-03-0{d}/{BACKFILL_FILE}" for d in (1, 2, 3)]
                          + [f"uplinks/tenant={TENANT}/day=2026-03-01/firehose-1.parquet"])  # fmt: skip
    mirror = tmp_path / "mirror"
    for key in keys:
        (mirror / key).parent.mkdir(parents=True, exist_ok=True)
        s3.download_file("lake", key, str(mirror / key))
    assert count(mirror) == {"n": 24, "ids": 24}
