"""The local stack's lake: Parquet files under ``.inlet/lake/`` in the layout Firehose writes to the bucket
(``uplinks/tenant=T/day=D/*.parquet``, ``device_events/...``): ``inlet query --local`` reads what Athena would."""

from __future__ import annotations

import logging
import secrets
import tempfile
import threading
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from inlet.core.lake.rows import prefix_of

from inlet_cli.lake import duck
from inlet_cli.local import env as local_env

LAKE_DIR = "lake"
logger = logging.getLogger("inlet.lake")


def lake_root() -> Path:
    return local_env.state_dir() / LAKE_DIR


class LocalLake:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or lake_root()

    def write_rows(self, rows: list[dict]) -> list[Path]:
        """One new file per partition of ``rows`` (as one Firehose buffer flush writes one object per partition)."""
        by_prefix: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_prefix[prefix_of(row)].append(row)
        written = []
        connection = duck.connect(threads=1)
        try:
            for prefix, part in sorted(by_prefix.items()):
                written.append(self.write_file(connection, prefix, part, _file_name()))
        finally:
            connection.close()
        return written

    def write_file(self, connection, prefix: str, rows, name: str) -> Path:
        destination = self.root / prefix / name
        with tempfile.TemporaryDirectory(prefix="inlet-lake-") as scratch:
            source = Path(scratch) / "rows.jsonl"
            duck.write_jsonl(rows, source)
            duck.jsonl_to_parquet(connection, source, destination)
        return destination


def _file_name() -> str:
    """Time-ordered and unique, like Firehose's object names."""
    return f"inlet-lake-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(4)}.parquet"


class BufferedLake:
    """Rows held and written together every ``interval`` seconds (or at ``max_rows``), as Firehose buffers before it
    writes an object: the local stack's delivery sends a few rows at a time, and a file per send would leave the
    lake in thousands of tiny files. ``close`` writes what is left."""

    def __init__(self, lake: LocalLake, interval: float = 1.0, max_rows: int = 50_000) -> None:
        self.lake, self.root = lake, lake.root
        self._interval, self._max_rows = interval, max_rows
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="inlet-local-lake", daemon=True)
        self._thread.start()

    def write_rows(self, rows: list[dict]) -> None:
        with self._lock:
            self._rows.extend(rows)
            full = len(self._rows) >= self._max_rows
        if full:
            self.flush()

    def flush(self) -> int:
        with self._lock:
            rows, self._rows = self._rows, []
        if rows:
            self.lake.write_rows(rows)
        return len(rows)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.flush()
            except Exception:  # the stack keeps serving; the rows of a failed write are reported, not retried
                logger.exception("local lake: writing Parquet failed")
