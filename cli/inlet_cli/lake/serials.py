"""Every serial of a tenant that has records, registered now or removed since: the Records table has no index by
tenant (its partition key is ``tenant#serial``, ``tenant#serial#events`` for events), so the one way is a Scan.

The Scan is parallel (``segments`` Segment/TotalSegments, one page of each a round, in threads), projects the key only
(``device``; the items' documents never cross the wire), keeps the tenant's partitions with a ``begins_with``
filter and is paced to ``read_units_per_second`` from the ConsumedCapacity DynamoDB reports. Its read cost is not
lowered by the projection or the filter: DynamoDB charges the items it reads, half a read unit per 4 KB (eventually
consistent), so the whole table's size / 8 KB read units, once per backfill (on demand, $0.125 per million read
request units in us-east-1: a 10 GB table is ~1.3 M units, ~$0.16). The serials found and each segment's place are
kept in the backfill's staging file after every round: an interrupted scan resumes at the next page of each segment,
and a serial is kept once (its primary key). Memory holds one page per segment.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from inlet.core.device_events import EVENTS_SUFFIX
from inlet.core.request_log import partition as request_log_partition
from inlet.core.unknown_devices import partition as unknown_devices_partition

SEGMENTS = 4
READ_UNITS_PER_SECOND = 200.0  # a quarter of a provisioned table's default burst: live traffic keeps its share
PAGE_LIMIT = 1000  # items read per page (each page is at most 1 MB read anyway)


class SerialScan:
    def __init__(self, dynamodb, table: str, read_units_per_second: float = READ_UNITS_PER_SECOND,
                 segments: int = SEGMENTS, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self._dynamodb, self._table, self._segments = dynamodb, table, segments
        self._rate, self._sleep, self._clock = read_units_per_second, sleep, clock
        self.read_units = 0.0  # consumed by this run
        self.found: list[str] = []  # the serials of the last union

    def union(self, registered: list[str], db, tenant: str) -> list[str]:
        """The registered serials and those the scan finds, each once, sorted."""
        self.found = sorted(set(registered) | set(self.serials(db, tenant)))
        return self.found

    def serials(self, db, tenant: str) -> list[str]:
        """The tenant's serials with records, scanning the segments not finished in ``db`` (a DuckDB connection)."""
        db.execute("CREATE TABLE IF NOT EXISTS scan_serials (serial VARCHAR PRIMARY KEY)")
        db.execute("CREATE TABLE IF NOT EXISTS scan_segments (segment INTEGER PRIMARY KEY, segments INTEGER, "
                   "next_key VARCHAR, finished BOOLEAN)")  # fmt: skip
        if db.execute("SELECT DISTINCT segments FROM scan_segments").fetchall() not in ([], [(self._segments,)]):
            db.execute("DELETE FROM scan_segments")  # another segment count: its places mean nothing here
            db.execute("DELETE FROM scan_serials")
        started = self._clock()
        with ThreadPoolExecutor(max_workers=self._segments) as pool:
            while places := self._open_segments(db):
                pages = list(pool.map(lambda place: self._page(tenant, *place), places))
                self._record(db, tenant, places, pages)
                self._pace(started)
        return [row[0] for row in db.execute("SELECT serial FROM scan_serials ORDER BY serial").fetchall()]

    def _open_segments(self, db) -> list[tuple[int, dict | None]]:
        known = {s: (key, done) for s, key, done in
                 db.execute("SELECT segment, next_key, finished FROM scan_segments").fetchall()}  # fmt: skip
        places = []
        for segment in range(self._segments):
            key, done = known.get(segment, (None, False))
            if not done:
                places.append((segment, json.loads(key) if key else None))
        return places

    def _page(self, tenant: str, segment: int, start_key: dict | None) -> dict:
        request = {
            "TableName": self._table, "Segment": segment, "TotalSegments": self._segments, "Limit": PAGE_LIMIT,
            "ProjectionExpression": "#d", "ExpressionAttributeNames": {"#d": "device"},
            "FilterExpression": "begins_with(#d, :tenant)",
            "ExpressionAttributeValues": {":tenant": {"S": f"{tenant}#"}},
            "ReturnConsumedCapacity": "TOTAL",
        }  # fmt: skip
        if start_key:
            request["ExclusiveStartKey"] = start_key
        return self._dynamodb.scan(**request)

    def _record(self, db, tenant: str, places: list, pages: list[dict]) -> None:
        """The pages' serials and each segment's next place, in one transaction (a resumed scan starts there)."""
        db.execute("BEGIN TRANSACTION")
        for (segment, _), page in zip(places, pages, strict=True):
            found = {serial_of(item["device"]["S"], tenant) for item in page.get("Items", [])} - {None}
            if found:
                db.executemany("INSERT OR IGNORE INTO scan_serials VALUES (?)", [[s] for s in sorted(found)])
            next_key = page.get("LastEvaluatedKey")
            db.execute("INSERT OR REPLACE INTO scan_segments VALUES (?, ?, ?, ?)",
                       [segment, self._segments, json.dumps(next_key) if next_key else None, not next_key])  # fmt: skip
            self.read_units += float(page.get("ConsumedCapacity", {}).get("CapacityUnits") or 0)
        db.execute("COMMIT")

    def _pace(self, started: float) -> None:
        ahead = self.read_units / self._rate - (self._clock() - started)
        if ahead > 0:
            self._sleep(ahead)


def serial_of(partition: str, tenant: str) -> str | None:
    """The serial of a device's partition (its uplinks' or its events'); None for the tenant's other partitions."""
    if partition in (request_log_partition(tenant), unknown_devices_partition(tenant)):
        return None
    prefix = f"{tenant}#"
    if not partition.startswith(prefix):
        return None
    serial = partition[len(prefix) :].removesuffix(EVENTS_SUFFIX)
    return serial or None
