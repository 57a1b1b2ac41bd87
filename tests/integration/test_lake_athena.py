"""``inlet query --stack``'s Athena side under moto: the query sent (in the workgroup, limited to the tenant),
progress while it runs, typed rows, bytes scanned and cost. moto runs no SQL: the rows are moto's configured
results (its documented /moto-api/static/athena/query-results queue).

``MotoAthena`` calls moto's Athena backend directly (the engine's unit, no wire); the same path through the CLI and
boto3 is tested in test_lake_query_stack.py (which says why botocore's Athena model has to be re-bound there)."""

from __future__ import annotations

import io

import pytest
import requests
from inlet_cli.errors import CliError
from inlet_cli.lake.athena_engine import AthenaQuery
from inlet_cli.lake.examples import EXAMPLES
from inlet_cli.lake.results import ATHENA_MINIMUM_BYTES, athena_cost, summary

pytestmark = pytest.mark.integration


def column(name: str, kind: str) -> dict:
    return {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": name, "Label": name, "Type": kind,
            "Precision": 0, "Scale": 0, "Nullable": "UNKNOWN", "CaseSensitive": False}  # fmt: skip


class MotoAthena:
    def __init__(self, region: str = "us-east-1") -> None:
        from moto.athena.models import athena_backends
        from moto.core import DEFAULT_ACCOUNT_ID

        self.backend = athena_backends[DEFAULT_ACCOUNT_ID][region]

    def create_work_group(self, Name: str, Configuration: dict) -> None:
        self.backend.create_work_group(Name, Configuration, "", [])

    def start_query_execution(self, QueryString, QueryExecutionContext, WorkGroup) -> dict:
        execution_id = self.backend.start_query_execution(QueryString, QueryExecutionContext, {}, WorkGroup, None)
        return {"QueryExecutionId": execution_id}

    def get_query_execution(self, QueryExecutionId) -> dict:
        execution = self.backend.get_query_execution(QueryExecutionId)
        return {"QueryExecution": {
            "QueryExecutionId": QueryExecutionId, "Query": execution.query,
            "WorkGroup": execution.workgroup.name if execution.workgroup else None,
            "Status": {"State": execution.status}, "Statistics": {"DataScannedInBytes": 0},
        }}  # fmt: skip

    def get_query_results(self, QueryExecutionId, MaxResults=1000, NextToken=None) -> dict:
        return self.backend.get_query_results(QueryExecutionId).to_dict()

    def list_query_executions(self, WorkGroup) -> dict:
        ids = [i for i, e in self.backend.executions.items() if e.workgroup and e.workgroup.name == WorkGroup]
        return {"QueryExecutionIds": ids}


@pytest.fixture
def athena(moto_aws):
    client = MotoAthena()
    client.create_work_group(Name="inlet-lake", Configuration={"EnforceWorkGroupConfiguration": True})
    return client


def queue_results(rows: list[list[str | None]], columns: list[dict]) -> None:
    data = [{"Data": [{"VarCharValue": c["Name"]} for c in columns]}]
    data += [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in rows]
    answer = requests.post(
        "http://motoapi.amazonaws.com/moto-api/static/athena/query-results",
        json={"region": "us-east-1", "results": [{"rows": data, "column_info": columns}]},
        timeout=5,
    )
    assert answer.status_code == 201


def test_a_query_runs_in_the_workgroup_limited_to_the_tenant(athena):
    rows = [["70B3D57ED0000001", "2026-12-01", "3", "21.5", "true"], ["AA-BB-01", "2026-12-01", "1", None, "false"]]
    kinds = [("serial", "varchar"), ("day", "varchar"), ("uplinks", "bigint"), ("mean", "double"), ("ok", "boolean")]
    queue_results(rows, [column(name, kind) for name, kind in kinds])
    progress = io.StringIO()
    answer = AthenaQuery(athena, "inlet_dev_lake", "inlet-lake", sleep=lambda s: None, progress=progress).run(
        EXAMPLES["daily-stats"][1], "acme"
    )
    assert answer.columns == ["serial", "day", "uplinks", "mean", "ok"]
    assert answer.rows[0] == ["70B3D57ED0000001", "2026-12-01", 3, 21.5, True]  # typed as the columns say
    assert answer.rows[1] == ["AA-BB-01", "2026-12-01", 1, None, False]
    [execution_id] = athena.list_query_executions(WorkGroup="inlet-lake")["QueryExecutionIds"]
    sent = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
    assert sent["WorkGroup"] == "inlet-lake"
    assert sent["Query"].startswith(
        'WITH uplinks AS (SELECT * FROM "inlet_dev_lake"."uplinks" WHERE tenant = \'acme\'), '
        'device_events AS (SELECT * FROM "inlet_dev_lake"."device_events" WHERE tenant = \'acme\') SELECT serial'
    )
    assert "athena: succeeded" in progress.getvalue()
    assert answer.engine == "athena" and answer.bytes_scanned is not None
    assert "cost $" in summary(answer)


def test_cost_counts_athenas_ten_megabyte_minimum():
    assert athena_cost(0) == athena_cost(ATHENA_MINIMUM_BYTES) == ATHENA_MINIMUM_BYTES / 1e12 * 5
    assert athena_cost(10**12) == 5.0


class FailingAthena:
    """Athena's documented answer for a query it cancelled at the workgroup's bytes-scanned limit."""

    def start_query_execution(self, **request):
        return {"QueryExecutionId": "q-1"}

    def get_query_execution(self, QueryExecutionId):
        reason = "Query cancelled: the workgroup's BytesScannedCutoffPerQuery was exceeded"
        status = {"State": "CANCELLED", "StateChangeReason": reason}
        return {"QueryExecution": {"Status": status, "Statistics": {"DataScannedInBytes": 10**10}}}


def test_a_cancelled_query_is_one_clear_error():
    query = AthenaQuery(FailingAthena(), "db", "wg", sleep=lambda s: None, progress=io.StringIO())
    with pytest.raises(CliError, match=r"cancelled on Athena .*BytesScannedCutoffPerQuery"):
        query.run("SELECT 1", "acme")
