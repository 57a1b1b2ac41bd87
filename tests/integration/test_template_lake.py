"""The data lake in the template CloudFormation deploys (after the SAM transform): nothing when DataLake is
Disabled; when Enabled, the Glue tables follow the schema of the code, and each role can do only its part."""

from __future__ import annotations

import pytest
from inlet.core.lake.rows import prefix_of
from inlet.core.lake.schema import COLUMNS, PARTITIONS, TABLES

from tests.integration.sam_transform import transformed

pytestmark = pytest.mark.integration

LAKE = {"DataLake": "Enabled", "LakeBytesScannedLimit": "1073741824", "LakeColdAfterDays": "60"}


@pytest.fixture(scope="module")
def lake() -> dict:
    return transformed(LAKE)["Resources"]


def test_no_lake_resource_exists_when_it_is_off():
    resources = transformed({})["Resources"]
    assert not [name for name in resources if name.startswith("Lake")]
    deliver = resources["DestinationsDeliverFunction"]["Properties"]["Environment"]["Variables"]
    assert deliver["LAKE_STREAM"] == ""
    role = resources["DestinationsDeliverFunctionRole"]
    assert "firehose" not in str(role)


def test_the_glue_tables_have_the_schema_of_the_code(lake):
    for logical, table in (("LakeUplinksTable", "uplinks"), ("LakeDeviceEventsTable", "device_events")):
        table_input = lake[logical]["Properties"]["TableInput"]
        assert table_input["Name"] == table
        columns = [(c["Name"], c["Type"]) for c in table_input["StorageDescriptor"]["Columns"]]
        assert columns == [(c.name, c.glue) for c in COLUMNS]
        assert [(c["Name"], c["Type"]) for c in table_input["PartitionKeys"]] == [(c.name, c.glue) for c in PARTITIONS]
        parameters = table_input["Parameters"]
        assert parameters["projection.enabled"] == "true" and parameters["projection.tenant.type"] == "injected"
        template = parameters["storage.location.template"]["Fn::Sub"]
        assert template.endswith(f"/{TABLES[table]}/tenant=${{!tenant}}/day=${{!day}}/")


def test_firehose_writes_the_layout_the_local_lake_and_the_backfill_use(lake):
    s3 = lake["LakeDeliveryStream"]["Properties"]["ExtendedS3DestinationConfiguration"]
    prefix = s3["Prefix"]
    row = {"table": "device_events", "tenant": "acme", "day": "2026-12-01"}
    filled = prefix.replace("!{partitionKeyFromQuery:table}", row["table"])
    filled = filled.replace("!{partitionKeyFromQuery:tenant}", row["tenant"])
    assert filled.replace("!{partitionKeyFromQuery:day}", row["day"]) == prefix_of(row) + "/"
    conversion = s3["DataFormatConversionConfiguration"]
    assert conversion["OutputFormatConfiguration"]["Serializer"]["ParquetSerDe"]["Compression"] == "GZIP"
    assert conversion["SchemaConfiguration"]["TableName"] == {"Ref": "LakeUplinksTable"}
    processors = {p["Type"]: p for p in s3["ProcessingConfiguration"]["Processors"]}
    assert set(processors) == {"RecordDeAggregation", "MetadataExtraction"}


def _statements(role: dict) -> list[dict]:
    return [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def test_firehose_writes_only_its_prefixes(lake):
    role = lake["LakeDeliveryRole"]
    writes = [s for s in _statements(role) if "s3:PutObject" in s["Action"]]
    resources = [r["Fn::Sub"] for s in writes for r in s["Resource"]]
    assert resources == [f"${{LakeBucket.Arn}}/{prefix}/*" for prefix in ("uplinks", "device_events", "errors")]
    every_action = {a for s in _statements(role) for a in s["Action"]}
    assert not {a for a in every_action if a.startswith("s3:Get") and a != "s3:GetBucketLocation"}  # reads nothing
    assert not {a for a in every_action if "Delete" in a}
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "firehose.amazonaws.com"} and "sts:ExternalId" in str(trust["Condition"])


def test_the_delivery_function_may_send_rows_to_the_lakes_stream_only(lake):
    role = lake["DestinationsDeliverFunctionRole"]
    firehose = [s for s in _statements(role) if any(a.startswith("firehose:") for a in _list(s["Action"]))]
    assert [(_list(s["Action"]), _target(s["Resource"])) for s in firehose] == [
        (["firehose:PutRecordBatch"], "LakeDeliveryStream.Arn")
    ]
    variables = lake["DestinationsDeliverFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["LAKE_STREAM"] == {"Ref": "LakeDeliveryStream"}


def test_the_bucket_is_private_encrypted_and_turns_cold(lake):
    bucket = lake["LakeBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    cold = [r for r in bucket["LifecycleConfiguration"]["Rules"] if r.get("Transitions")]
    assert {r["Prefix"] for r in cold} == {"uplinks/", "device_events/"}
    assert all(r["Transitions"][0]["TransitionInDays"] == {"Ref": "LakeColdAfterDays"} for r in cold)
    assert lake["LakeBucket"]["DeletionPolicy"] == "RetainExceptOnCreate"
    [deny] = lake["LakeBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_workgroup_enforces_its_results_location_and_limit(lake):
    config = lake["LakeWorkGroup"]["Properties"]["WorkGroupConfiguration"]
    assert config["EnforceWorkGroupConfiguration"] is True
    assert config["BytesScannedCutoffPerQuery"] == {"Ref": "LakeBytesScannedLimit"}
    assert config["ResultConfiguration"]["OutputLocation"] == {"Fn::Sub": "s3://${LakeBucket}/athena-results/"}


def _target(value) -> str:
    """``!GetAtt X.Attr`` as "X.Attr" (the YAML loader keeps the dotted form, the transform may make a list)."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        return ".".join(target) if isinstance(target, list) else target
    return str(value)


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


# Parquet's types as Hive / Athena read them (the Parquet format's LogicalTypes.md; Athena's "Data types" page for
# Parquet): the physical type with its converted (logical) type, and LIST / MAP groups by their three-level layout.
_HIVE_OF_PARQUET = {
    ("BYTE_ARRAY", "UTF8"): "string",
    ("INT32", "INT_32"): "int",
    ("INT32", None): "int",
    ("INT64", "INT_64"): "bigint",
    ("INT64", None): "bigint",
    ("INT64", "TIMESTAMP_MICROS"): "timestamp",
    ("INT64", "TIMESTAMP_MILLIS"): "timestamp",
    ("INT96", None): "timestamp",
    ("DOUBLE", None): "double",
    ("BOOLEAN", None): "boolean",
}


def _hive_types(elements: list[tuple]) -> list[tuple[str, str]]:
    """(name, Hive type) of each top-level column of a file, from its Parquet schema elements (depth first)."""
    position = 0

    def read() -> tuple[str, str]:
        nonlocal position
        name, physical, converted, children = elements[position]
        position += 1
        if not children:
            return name, _HIVE_OF_PARQUET[(physical, converted)]
        inner = [read() for _ in range(children)]
        if converted == "LIST":  # gateways (LIST) > list (repeated) > element
            return name, f"array<{inner[0][1]}>"
        if converted == "MAP":  # decoded (MAP) > key_value (repeated) > key, value
            return name, f"map<{inner[0][1]}>"
        return name, ",".join(t for _, t in inner)  # the repeated middle level of a LIST or MAP: its fields' types

    position = 1  # elements[0] is the file's root group: its children are the columns
    return [read() for _ in range(elements[0][3])]


def test_the_local_writers_parquet_has_the_glue_tables_columns(lake, tmp_path):
    """What Athena reads (the Glue table's columns, in the template) is what the local writer writes, column for
    column: names, types, order; the partition columns are in the path only. Read from the files' own Parquet
    metadata, mapped to Hive types independently of the code's schema list."""
    import duckdb
    from inlet_cli.lake.local_lake import LocalLake

    from tests.lake_data import example_rows

    files = LocalLake(tmp_path).write_rows(example_rows()) + _backfill_files(example_rows(), tmp_path / "backfill")
    for logical, table in (("LakeUplinksTable", "uplinks"), ("LakeDeviceEventsTable", "device_events")):
        glue = [
            (c["Name"], c["Type"]) for c in lake[logical]["Properties"]["TableInput"]["StorageDescriptor"]["Columns"]
        ]
        written = [p for p in files if f"/{TABLES[table]}/tenant=" in p.as_posix()]
        assert len({p.name for p in written}) > 1  # the live writer's files and the backfill's
        for path in written:
            elements = duckdb.sql(
                f"SELECT name, type, converted_type, num_children FROM parquet_schema('{path}')"
            ).fetchall()
            assert _hive_types(elements) == glue, path


def _backfill_files(rows: list[dict], root) -> list:
    """The backfill's files (inlet lake backfill writes them with its own query) for the same rows."""
    from inlet_cli.lake.backfill import BACKFILL_FILE, Span, Staging, write_partition

    staging = Staging(root / "staging.duckdb", Span("acme", "", ""))
    staging.stage("all", iter(rows))
    files = []
    for table, tenant, day in staging.partitions()[:4] + staging.partitions()[-4:]:
        path = root / prefix_of({"table": table, "tenant": tenant, "day": day}) / BACKFILL_FILE
        write_partition(staging, table, tenant, day, [], None, path)
        files.append(path)
    staging.close()
    return files
