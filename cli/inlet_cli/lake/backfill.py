"""``inlet lake backfill``: records already in the Records table into the lake, resumable and without duplicates.

1. Staging: each device's records (then its events) in the range are read page by page, turned into rows (the code
   the live path runs) and appended to a DuckDB file in the state directory, in one transaction per device, which
   is marked done in the same transaction. Memory stays bounded (rows go through in batches; DuckDB spills to disk
   past its memory limit); an interrupted run resumes with the first device not done.
2. Partitions: for each (table, tenant, day) that got rows, one file ``inlet-backfill.parquet`` is written in the
   partition: the staged rows, plus the rows of an earlier backfill file there, minus every id another file of the
   partition already has (what the live path delivered), each id once. Rewriting that file is idempotent: a re-run
   (or an overlapping range) never duplicates a row.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from inlet.core.lake.rows import lake_row, prefix_of
from inlet.core.lake.schema import COLUMNS

from inlet_cli.lake import duck

BACKFILL_FILE = "inlet-backfill.parquet"
BATCH_ROWS = 5_000
PAGE_ITEMS = 500


@dataclass(frozen=True)
class Span:
    tenant: str
    since: str
    until: str


class Staging:
    """The staged rows and the devices done, in a DuckDB file; started again when the span differs."""

    def __init__(self, path: Path, span: Span) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = duck.connect(str(path))
        columns = ", ".join(f'"{c.name}" {c.duckdb}' for c in COLUMNS)
        self.db.execute(f'CREATE TABLE IF NOT EXISTS rows ("table" VARCHAR, tenant VARCHAR, day VARCHAR, {columns})')
        self.db.execute("CREATE TABLE IF NOT EXISTS done (part VARCHAR PRIMARY KEY)")
        self.db.execute("CREATE TABLE IF NOT EXISTS span (tenant VARCHAR, since VARCHAR, until VARCHAR)")
        staged_span = self.db.execute("SELECT tenant, since, until FROM span").fetchall()
        if staged_span != [(span.tenant, span.since, span.until)]:
            for table in ("rows", "done", "span"):
                self.db.execute(f"DELETE FROM {table}")
            self.db.execute("INSERT INTO span VALUES (?, ?, ?)", [span.tenant, span.since, span.until])

    def is_done(self, part: str) -> bool:
        return bool(self.db.execute("SELECT 1 FROM done WHERE part = ?", [part]).fetchall())

    def stage(self, part: str, rows: Iterable[dict]) -> int:
        """Every row of ``part`` (one device's records or events), then ``part`` marked done: all or nothing."""
        count = 0
        self.db.execute("BEGIN TRANSACTION")
        try:
            for batch in _batches(rows, BATCH_ROWS):
                self._append(batch)
                count += len(batch)
            self.db.execute("INSERT INTO done VALUES (?)", [part])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return count

    def _append(self, batch: list[dict]) -> None:
        with tempfile.TemporaryDirectory(prefix="inlet-backfill-") as scratch:
            source = Path(scratch) / "rows.jsonl"
            duck.write_jsonl(batch, source)
            columns = "{'table': 'VARCHAR', 'tenant': 'VARCHAR', 'day': 'VARCHAR', " + duck.json_columns()[1:]
            self.db.execute(
                f"INSERT INTO rows SELECT * FROM read_json('{source}', columns = {columns}, "
                "format = 'newline_delimited')"
            )

    def partitions(self) -> list[tuple[str, str, str]]:
        return self.db.execute('SELECT DISTINCT "table", tenant, day FROM rows ORDER BY 1, 2, 3').fetchall()

    def close(self, remove: bool = False) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
        if remove:
            for path in (self.path, self.path.with_name(self.path.name + ".wal")):
                path.unlink(missing_ok=True)


def device_rows(records: Iterable[dict]) -> Iterator[dict]:
    for record in records:
        yield lake_row(record)


def write_partition(staging: Staging, table: str, tenant: str, day: str, others: list[Path],
                    earlier: Path | None, destination: Path) -> int:  # fmt: skip
    """The partition's backfill file (see the module's docstring, step 2); the number of rows it holds."""
    names = duck.select_columns()
    staged = (
        f"SELECT {names}, 0 AS rank FROM rows WHERE \"table\" = '{table}' AND tenant = '{tenant}' AND day = '{day}'"
    )
    union = staged
    if earlier is not None:
        union += f" UNION ALL SELECT {names}, 1 AS rank FROM read_parquet('{_quoted(earlier)}', union_by_name = true)"
    live = ""
    if others:
        files = ", ".join(f"'{_quoted(p)}'" for p in others)
        live = f"WHERE id NOT IN (SELECT id FROM read_parquet([{files}], union_by_name = true))"
    query = (
        f"SELECT {names} FROM ({union}) {live} "
        "QUALIFY row_number() OVER (PARTITION BY id ORDER BY rank) = 1 ORDER BY received_at, id"
    )
    destination.parent.mkdir(parents=True, exist_ok=True)
    scratch = destination.with_name(f".{destination.name}.tmp")
    staging.db.execute(f"COPY ({query}) TO '{_quoted(scratch)}' (FORMAT parquet, COMPRESSION {duck.CODEC})")
    count = staging.db.execute(f"SELECT count(*) FROM read_parquet('{_quoted(scratch)}')").fetchone()[0]
    scratch.replace(destination)
    return count


def partition_prefix(table: str, tenant: str, day: str) -> str:
    return prefix_of({"table": table, "tenant": tenant, "day": day})


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
