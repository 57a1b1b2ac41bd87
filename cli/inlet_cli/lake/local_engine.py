"""``inlet query --local``: the SQL on DuckDB over the local stack's lake files (``.inlet/lake/``).

The tables are views of the Parquet files, read by column name (``union_by_name``: files written by an older schema
version read new columns as NULL) with the partition columns from the path, typed as in Glue (both VARCHAR).
"""

from __future__ import annotations

import time
from pathlib import Path

from inlet.core.lake.schema import COLUMNS, PARTITIONS, TABLES

from inlet_cli.errors import CliError
from inlet_cli.lake import duck
from inlet_cli.lake.results import Answer
from inlet_cli.lake.tenant_sql import restricted


def sources(root: Path, tenant: str) -> dict[str, str]:
    """What each table reads: the tenant's files, or an empty relation of the same columns when it has none."""
    out = {}
    for table, prefix in TABLES.items():
        directory = root / prefix / f"tenant={tenant}"
        files = sorted(directory.glob("day=*/*.parquet"))
        out[table] = _files_source(root / prefix, tenant) if files else _empty_source()
    return out


def _files_source(directory: Path, tenant: str) -> str:
    pattern = str(directory / f"tenant={tenant}" / "day=*" / "*.parquet").replace("'", "''")
    return (
        f"read_parquet('{pattern}', hive_partitioning = true, union_by_name = true, "
        "hive_types = {'tenant': VARCHAR, 'day': VARCHAR})"
    )


def _empty_source() -> str:
    columns = ", ".join(f'CAST(NULL AS {c.duckdb}) AS "{c.name}"' for c in (*COLUMNS, *PARTITIONS))
    return f"(SELECT {columns} WHERE false)"


def run_local(sql: str, tenant: str, root: Path, threads: int | None = None) -> Answer:
    query = restricted(sql, tenant, sources(root, tenant))
    connection = duck.connect(threads=threads)
    started = time.perf_counter()
    try:
        relation = connection.execute(query)
        columns = [d[0] for d in relation.description or ()]
        rows = [list(r) for r in relation.fetchall()]
    except Exception as exc:  # duckdb's errors: the query's fault, said as DuckDB says it
        if type(exc).__module__.startswith("duckdb") or type(exc).__module__.startswith("_duckdb"):
            raise CliError(f"the query failed on DuckDB: {str(exc).splitlines()[0]}") from None
        raise
    finally:
        connection.close()
    return Answer(columns, rows, seconds=time.perf_counter() - started, engine="duckdb")
