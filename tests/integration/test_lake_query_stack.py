"""``inlet query "SQL" --tenant T --stack NAME`` end to end through the CLI, on moto: the stack's Outputs from moto's
CloudFormation, the Athena calls through boto3 to moto's Athena (mock_aws), progress, rows, bytes scanned and cost.

Why the Athena model is re-declared here: botocore 1.44 describes Athena in the ``rest-json`` protocol (its
service-2.json's ``metadata.protocol``: ``POST /query-executions``, ``GET /query-executions/{id}``...), while moto
5.2.6 (the newest on PyPI) serves Athena only in the ``json`` protocol (awsJson1_1: ``POST /`` with
``X-Amz-Target: AmazonAthena.<Operation>``, moto/athena/urls.py); every rest-json call gets moto's 404 "Not yet
implemented" (``test_the_installed_botocore_speaks_a_protocol_moto_does_not_route`` keeps that fact visible). Athena
itself serves both. botocore's documented customer data path (``~/.aws/models``, loaders.py) lets a service model
there take precedence over the bundled one, and moto's loader reads the same path: the installed model with its
metadata and HTTP bindings set back to awsJson1_1 is put there for these tests. The CLI's code is unchanged; only
the wire format differs from production. moto runs no SQL: the rows are seeded in moto's documented results queue
(/moto-api/static/athena/query-results), and it reports 0 bytes scanned (so the cost is Athena's 10 MB minimum)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import boto3
import botocore
import botocore.loaders
import pytest
import requests
from botocore.exceptions import ClientError
from inlet_cli.lake.examples import EXAMPLES
from inlet_cli.lake.results import ATHENA_MINIMUM_BYTES, athena_cost
from inlet_cli.main import main

pytestmark = pytest.mark.integration
REGION = "us-east-1"
ROWS = [["70B3D57ED0000001", "2026-12-01", "3", "21.5", "true"], ["AA-BB-01", "2026-12-01", "1", None, "false"]]
KINDS = [("serial", "varchar"), ("day", "varchar"), ("uplinks", "bigint"), ("mean", "double"), ("ok", "boolean")]


def _json_protocol_model() -> dict:
    """The installed Athena model, bound to awsJson1_1 as botocore described Athena before its rest-json model."""
    bundled = Path(botocore.__file__).parent / "data" / "athena" / "2017-05-18" / "service-2.json.gz"
    model = json.loads(gzip.decompress(bundled.read_bytes()))
    model["metadata"].update(protocol="json", protocols=["json"], jsonVersion="1.1", targetPrefix="AmazonAthena")
    for operation in model["operations"].values():
        operation["http"] = {"method": "POST", "requestUri": "/"}
    for shape in model["shapes"].values():
        for member in shape.get("members", {}).values():
            if member.pop("location", None):  # uri / querystring / header members go in the JSON body
                member.pop("locationName", None)
    return model


def _clear_moto_model_caches() -> None:
    import moto.core.routing
    import moto.core.utils

    moto.core.utils.get_service_model.cache_clear()
    moto.core.routing.get_service_router.cache_clear()


@pytest.fixture
def json_athena(tmp_path, monkeypatch):
    folder = tmp_path / "models" / "athena" / "2017-05-18"
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(_json_protocol_model()))
    monkeypatch.setattr(botocore.loaders.Loader, "CUSTOMER_DATA_PATH", str(tmp_path / "models"))
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # a loader reads its search paths once, when created
    _clear_moto_model_caches()
    yield
    monkeypatch.undo()
    _clear_moto_model_caches()


@pytest.fixture
def stack(moto_aws, json_athena):
    athena = boto3.client("athena", region_name=REGION)
    athena.create_work_group(Name="inlet-lake", Configuration={"EnforceWorkGroupConfiguration": True})
    outputs = {"LakeDatabaseName": "inlet_test_lake", "LakeWorkGroupName": "inlet-lake", "LakeBucketName": "lake"}
    template = {"Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {name: {"Value": value} for name, value in outputs.items()}}  # fmt: skip
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName="inlet-test", TemplateBody=json.dumps(template)
    )
    return athena


def _seed(rows=ROWS, kinds=KINDS) -> None:
    """The next query's results, in moto's documented queue (GetQueryResults' ResultSet: header row first)."""
    fixed = {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Precision": 0, "Scale": 0,
             "Nullable": "UNKNOWN", "CaseSensitive": False}  # fmt: skip
    columns = [{**fixed, "Name": n, "Label": n, "Type": k} for n, k in kinds]
    data = [{"Data": [{"VarCharValue": n} for n, _ in kinds]}]
    data += [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in rows]
    answer = requests.post(
        "http://motoapi.amazonaws.com/moto-api/static/athena/query-results",
        json={"region": REGION, "results": [{"rows": data, "column_info": columns}]},
        timeout=5,
    )
    assert answer.status_code == 201


def _query(capsys, *extra: str) -> tuple[str, str]:
    assert main(["query", "--example", "daily-stats", "--tenant", "acme", "--stack", "inlet-test", *extra]) == 0
    return capsys.readouterr()


def test_the_installed_botocore_speaks_a_protocol_moto_does_not_route(moto_aws):
    athena = boto3.client("athena", region_name=REGION)
    assert athena.meta.service_model.protocol == "rest-json"
    with pytest.raises(ClientError, match="Not yet implemented"):
        athena.list_work_groups()


def test_query_on_a_stack_runs_in_its_workgroup_with_progress_rows_and_cost(stack, capsys):
    _seed()
    out, err = _query(capsys, "--format", "json")
    assert json.loads(out) == [
        {"serial": "70B3D57ED0000001", "day": "2026-12-01", "uplinks": 3, "mean": 21.5, "ok": True},
        {"serial": "AA-BB-01", "day": "2026-12-01", "uplinks": 1, "mean": None, "ok": False},
    ]
    assert "athena: succeeded" in err  # the progress line
    cost = f"cost ${athena_cost(0):.6f}"
    assert err.rstrip().splitlines()[-1].startswith("2 rows, ") and "0 B scanned" in err and cost in err
    assert athena_cost(0) == ATHENA_MINIMUM_BYTES / 1e12 * 5
    [execution_id] = stack.list_query_executions(WorkGroup="inlet-lake")["QueryExecutionIds"]
    sent = stack.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
    assert sent["WorkGroup"] == "inlet-lake" and sent["QueryExecutionContext"] == {"Database": "inlet_test_lake"}
    assert sent["Query"].startswith(
        'WITH uplinks AS (SELECT * FROM "inlet_test_lake"."uplinks" WHERE tenant = \'acme\'), '
        'device_events AS (SELECT * FROM "inlet_test_lake"."device_events" WHERE tenant = \'acme\') '
    )
    assert sent["Query"].endswith(EXAMPLES["daily-stats"][1])


@pytest.mark.parametrize("fmt", ["table", "csv", "jsonl"])
def test_each_format_prints_the_same_rows(stack, capsys, fmt):
    _seed()
    out, _ = _query(capsys, "--format", fmt)
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(out))) == [[n for n, _ in KINDS], *[[v or "" for v in r] for r in
                                                      [["70B3D57ED0000001", "2026-12-01", "3", "21.5", "True"],
                                                       ["AA-BB-01", "2026-12-01", "1", None, "False"]]]]  # fmt: skip
    elif fmt == "jsonl":
        assert [json.loads(line)["uplinks"] for line in out.splitlines()] == [3, 1]
    else:
        assert (
            "70B3D57ED0000001" in out and "AA-BB-01" in out and "serial" in out.splitlines()[0 if out[0] != "┏" else 1]
        )


def test_a_stack_without_the_lake_is_one_clear_error(moto_aws, json_athena, capsys):
    template = {"Resources": {"Marker": {"Type": "AWS::SQS::Queue"}}, "Outputs": {"X": {"Value": "x"}}}
    boto3.client("cloudformation", region_name=REGION).create_stack(StackName="bare", TemplateBody=json.dumps(template))
    assert main(["query", "SELECT 1", "--tenant", "acme", "--stack", "bare"]) == 1
    assert "DataLake=Enabled" in capsys.readouterr().err
