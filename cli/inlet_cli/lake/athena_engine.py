"""``inlet query --stack NAME``: the SQL on Athena, in the stack's workgroup (its own results location and
bytes-scanned limit per query), over the Glue tables the stack's Firehose stream fills.

Progress goes to stderr while the query runs (state, time, bytes scanned so far); the rows come from
GetQueryResults, typed by the result set's column types (Athena sends every value as text).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from inlet.core.lake.schema import TABLES

from inlet_cli.errors import CliError
from inlet_cli.lake.results import Answer, human_bytes
from inlet_cli.lake.tenant_sql import restricted

DONE = ("SUCCEEDED", "FAILED", "CANCELLED")
_INTEGER = {"tinyint", "smallint", "integer", "bigint"}
_FLOAT = {"double", "float", "real"}


def athena_sources(database: str) -> dict[str, str]:
    return {table: f'"{database}"."{table}"' for table in TABLES}


class AthenaQuery:
    def __init__(self, athena, database: str, workgroup: str, sleep: Callable[[float], None] = time.sleep,
                 progress=None, poll_seconds: float = 0.5) -> None:  # fmt: skip
        self._athena = athena
        self._database = database
        self._workgroup = workgroup
        self._sleep = sleep
        self._progress = progress if progress is not None else sys.stderr  # the stderr of the run, not of import
        self._poll = poll_seconds

    def run(self, sql: str, tenant: str) -> Answer:
        query = restricted(sql, tenant, athena_sources(self._database))
        started = time.perf_counter()
        execution_id = self._athena.start_query_execution(
            QueryString=query, QueryExecutionContext={"Database": self._database}, WorkGroup=self._workgroup
        )["QueryExecutionId"]
        try:
            execution = self._wait(execution_id, started)
        except KeyboardInterrupt:
            self._athena.stop_query_execution(QueryExecutionId=execution_id)
            raise
        status = execution["Status"]
        if status["State"] != "SUCCEEDED":
            reason = status.get("StateChangeReason") or status["State"]
            raise CliError(f"the query {status['State'].lower()} on Athena ({execution_id}): {reason}")
        columns, rows = self._results(execution_id)
        scanned = int(execution.get("Statistics", {}).get("DataScannedInBytes") or 0)
        return Answer(columns, rows, scanned, time.perf_counter() - started, engine="athena")

    def _wait(self, execution_id: str, started: float) -> dict:
        while True:
            execution = self._athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
            state = execution["Status"]["State"]
            scanned = int(execution.get("Statistics", {}).get("DataScannedInBytes") or 0)
            elapsed = time.perf_counter() - started
            self._progress.write(f"\rathena: {state.lower()} {elapsed:.1f} s, {human_bytes(scanned)} scanned   ")
            self._progress.flush()
            if state in DONE:
                self._progress.write("\n")
                return execution
            self._sleep(self._poll)

    def _results(self, execution_id: str) -> tuple[list[str], list[list]]:
        columns, types, rows, token, first = [], [], [], None, True
        while True:
            request = {"QueryExecutionId": execution_id, "MaxResults": 1000}
            if token:
                request["NextToken"] = token
            page = self._athena.get_query_results(**request)
            if first:
                info = page["ResultSet"].get("ResultSetMetadata", {}).get("ColumnInfo", [])
                columns = [c["Name"] for c in info]
                types = [c.get("Type", "varchar").lower() for c in info]
            data = page["ResultSet"].get("Rows", [])
            if first and data and [d.get("VarCharValue") for d in data[0]["Data"]] == columns:
                data = data[1:]  # a SELECT's first row repeats the column names
            rows.extend(
                [_typed(d.get("VarCharValue"), t) for d, t in zip(r["Data"], types, strict=False)] for r in data
            )
            first = False
            token = page.get("NextToken")
            if not token:
                return columns, rows


def _row(data: list[dict], types: list[str]) -> list:
    return [_typed(d.get("VarCharValue"), t) for d, t in zip(data, types, strict=False)]


def _typed(text: str | None, kind: str):
    if text is None:
        return None
    try:
        if kind in _INTEGER:
            return int(text)
        if kind in _FLOAT or kind.startswith("decimal"):
            return float(text)
    except ValueError:
        return text
    if kind == "boolean":
        return text == "true"
    return text
