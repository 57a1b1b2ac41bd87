"""DuckDB, embedded (a dependency of the CLI only, never of the Lambda layer): rows to Parquet, and the local engine.

Rows reach DuckDB as newline-delimited JSON read with the schema's explicit column types (``read_json(columns=)``),
the same JSON Firehose converts on AWS; files are Parquet with GZIP, the codec the stream is configured with.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import orjson
from inlet.core.lake.schema import COLUMNS

from inlet_cli.errors import CliError

CODEC = "gzip"  # as the Firehose stream's ParquetSerDe Compression (template.yaml)
MEMORY_LIMIT = os.environ.get("INLET_DUCKDB_MEMORY", "400MB")  # DuckDB spills to disk past it: bounded memory


def connect(database: str = ":memory:", threads: int | None = None):
    try:
        import duckdb
    except ImportError:  # pragma: no cover - installed with the CLI
        raise CliError("the local lake needs DuckDB: pip install duckdb (it comes with `make venv`)") from None
    connection = duckdb.connect(database)
    connection.execute("SET TimeZone = 'UTC'")  # timestamps are UTC, as in Athena (no session time zone)
    connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    return connection


def json_columns() -> str:
    """``read_json``'s ``columns`` argument: every column of the schema with its DuckDB type."""
    return "{" + ", ".join(f"'{c.name}': '{c.duckdb}'" for c in COLUMNS) + "}"


def select_columns() -> str:
    return ", ".join(f'"{c.name}"' for c in COLUMNS)


def write_jsonl(rows, path: Path) -> int:
    with open(path, "wb") as handle:
        count = 0
        for row in rows:
            handle.write(orjson.dumps(row) + b"\n")
            count += 1
    return count


def jsonl_to_parquet(connection, source: Path, destination: Path, where: str = "") -> None:
    """One Parquet file of the rows in ``source`` (only the schema's columns: the partition is in the path),
    written beside and renamed into place, so that a reader never sees half a file."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    scratch = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.tmp")
    query = (
        f"SELECT {select_columns()} FROM read_json('{_path(source)}', columns = {json_columns()}, "
        f"format = 'newline_delimited') {where}"
    )
    connection.execute(f"COPY ({query}) TO '{_path(scratch)}' (FORMAT parquet, COMPRESSION {CODEC})")
    os.replace(scratch, destination)


def _path(path: Path) -> str:
    return str(path).replace("'", "''")
