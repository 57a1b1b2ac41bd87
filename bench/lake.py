"""The data lake's figures: Parquet bytes per uplink, cost per million uplinks, Athena's cost of the example queries,
and ``inlet query --local`` over a million uplinks (time and peak memory, in a fresh process).

Bytes: ``file_uplinks`` uplinks of TTS v3 and of the flat schema go the real way (item -> record -> stored item ->
read back -> row) and are written as one Parquet file by the local writer (GZIP, as the Firehose stream is set up);
beside them, the same records' Records-table item size. Firehose's own Parquet writer (Hive's) is not DuckDB's: its
files may differ by some percent. Athena: the bytes a query scans are the compressed bytes of the columns it names
(Athena reads Parquet column chunks; partition columns cost nothing), measured per column and scaled to 10 million.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

PRICES = {  # us-east-1, December 2026 price pages
    "firehose_ingest_gb": 0.029,  # Direct PUT, first 500 TB a month; each record rounded up to 5 KB
    "firehose_conversion_gb": 0.018,  # format conversion to Parquet
    "firehose_partitioning_gb": 0.020,  # dynamic partitioning, per GB processed
    "firehose_partitioning_objects_1000": 0.005,  # dynamic partitioning, per 1,000 objects delivered
    "s3_standard_gb_month": 0.023,
    "s3_standard_ia_gb_month": 0.0125,
    "s3_put_1000": 0.005,
    "lambda_gb_s": 0.0000133334,  # arm64
    "lambda_request": 0.20 / 1e6,
    "sqs_request": 0.40 / 1e6,  # standard queue, per 64 KB chunk
    "athena_tb": 5.0,
}
FIREHOSE_ROUNDING = 5 * 1024
# The delivery path (template.yaml): the fan-out reads the Records stream 100 changes a batch and queues one message
# per (record, destination), 10 a SendMessageBatch; the delivery function takes 10 messages a batch and the lake kind
# sends them (--batch 10) as one Firehose record. Both functions have 256 MB.
FAN_OUT_BATCH, SEND_BATCH, FUNCTION_MB = 100, 10, 256
AWS_CALL_MS = 10.0  # assumed: one SQS call in-region
FIREHOSE_CALL_MS = 30.0  # assumed: one PutRecordBatch in-region
OBJECTS_PER_MONTH = 30 * 24 * 12  # one tenant: at most one object per partition per 300 s buffer interval
ATHENA_UPLINKS = 10_000_000
ATHENA_DAYS, RANGE_DAYS = 30, 7  # the 10 M uplinks span 30 days; device-range reads 7 of them
TENANT = "bench"


def measure(file_uplinks: int, query_uplinks: int) -> dict:
    from inlet_cli.lake.examples import EXAMPLES

    out: dict = {"file_uplinks": file_uplinks}
    with tempfile.TemporaryDirectory(prefix="inlet-bench-lake-") as scratch:
        files = {}
        for fmt in ("tts", "flat"):
            out[fmt], files[fmt] = _bytes(fmt, file_uplinks, Path(scratch) / fmt)
        out["cost_per_million"] = cost_per_million(out["tts"])
        out["athena_10m"] = {name: athena(sql, out["tts"]["column_bytes"]) for name, (_, sql) in EXAMPLES.items()}
        out["query_local"] = query_local(files["tts"], query_uplinks, Path(scratch) / "million")
    return out


def _bytes(fmt: str, count: int, directory: Path) -> tuple[dict, Path]:
    from inlet.adapters.record_items import from_item, item_size, to_item
    from inlet.core.lake.rows import lake_row
    from inlet.core.records import build_record, encode_document
    from inlet.core.uplink import map_item
    from inlet.core.values import format_time
    from inlet_cli.lake import duck
    from inlet_cli.lake.local_lake import LocalLake

    from bench import workloads

    items, stored, record_bytes = workloads.items(fmt, count), [], 0
    groups = random.Random(7)  # a request's group is random: here one uplink a request, the least compressible
    start = 1_796_000_000  # seconds: a fixed day for the stamps
    for index, item in enumerate(items):
        at = format_time(datetime.fromtimestamp(start + index * 2.6, UTC))
        group = groups.randbytes(12).hex()
        record = build_record(map_item(0, item, {}, None), TENANT, group, at, None, None, None, "0123456789abcdef")
        encode_document(record)
        record_bytes += item_size(record)
        stored.append(to_item(record))
    began = time.perf_counter()
    rows = [lake_row(from_item(item)) for item in stored]
    row_us = (time.perf_counter() - began) / count * 1e6
    connection = duck.connect()
    path = LocalLake(directory).write_file(connection, "uplinks", rows, "one.parquet")
    columns = connection.execute(
        f"SELECT path_in_schema, sum(total_compressed_size) FROM parquet_metadata('{path}') GROUP BY 1"
    ).fetchall()
    connection.close()
    column_bytes: dict[str, float] = {}
    for name, size in columns:
        top = name.split(",")[0].strip()
        column_bytes[top] = column_bytes.get(top, 0) + size / count
    json_bytes = sum(len(json.dumps(r, separators=(",", ":"))) + 1 for r in rows) / count
    figure = {
        "parquet_bytes_per_uplink": round(path.stat().st_size / count, 1),
        "records_table_bytes_per_uplink": round(record_bytes / count, 1),
        "json_row_bytes": round(json_bytes, 1),
        "row_build_us": round(row_us, 1),
        "column_bytes": {k: round(v, 2) for k, v in sorted(column_bytes.items(), key=lambda kv: -kv[1])},
    }
    return figure, path


def cost_per_million(tts: dict) -> dict:
    """The lake's delivery path for one million uplinks (when the lake is a tenant's only destination): the
    fan-out and delivery functions, SQS, Firehose; S3 storage a month. The per-object charges are a month's, per
    tenant and table (they depend on Firehose's buffer interval, not on the volume)."""
    p = PRICES
    record_bytes = tts["json_row_bytes"] * SEND_BATCH
    billed_gb = 1e6 / SEND_BATCH * math.ceil(record_bytes / FIREHOSE_ROUNDING) * FIREHOSE_ROUNDING / 1e9
    raw_gb = 1e6 * tts["json_row_bytes"] / 1e9
    per_gb = p["firehose_conversion_gb"] + p["firehose_partitioning_gb"]
    sqs_requests = 3 * 1e6 / SEND_BATCH  # SendMessageBatch, ReceiveMessage, DeleteMessageBatch (10 a call)
    fan_out_s = (FAN_OUT_BATCH * tts["row_build_us"] / 1e6) + FAN_OUT_BATCH / SEND_BATCH * AWS_CALL_MS / 1000
    deliver_s = (SEND_BATCH * tts["row_build_us"] / 1e6) + (FIREHOSE_CALL_MS + AWS_CALL_MS) / 1000
    invocations = {"fan_out": 1e6 / FAN_OUT_BATCH, "deliver": 1e6 / SEND_BATCH}
    gb_s = (invocations["fan_out"] * fan_out_s + invocations["deliver"] * deliver_s) * FUNCTION_MB / 1024
    lambda_usd = gb_s * p["lambda_gb_s"] + sum(invocations.values()) * p["lambda_request"]
    stored_gb = 1e6 * tts["parquet_bytes_per_uplink"] / 1e9
    objects = OBJECTS_PER_MONTH
    return {
        "firehose_usd": round(billed_gb * p["firehose_ingest_gb"] + raw_gb * per_gb, 4),
        "sqs_usd": round(sqs_requests * p["sqs_request"], 4),
        "lambda_usd": round(lambda_usd, 4),
        "s3_storage_usd_per_month": round(stored_gb * p["s3_standard_gb_month"], 5),
        "s3_storage_usd_per_month_after_cold": round(stored_gb * p["s3_standard_ia_gb_month"], 5),
        "records_table_usd_per_month": round(1e6 * tts["records_table_bytes_per_uplink"] / 1e9 * 0.25, 4),
        "objects_usd_per_tenant_month": round(
            objects / 1000 * (p["firehose_partitioning_objects_1000"] + p["s3_put_1000"]), 4
        ),
        "assumptions": f"{SEND_BATCH} rows a Firehose record (--batch {SEND_BATCH}); stream batches of "
        f"{FAN_OUT_BATCH}; at most {objects} objects a month per tenant and table (one per 300 s buffer interval)",
    }


def athena(sql: str, column_bytes: dict[str, float]) -> dict:
    from inlet.core.lake.schema import COLUMNS

    named = [c.name for c in COLUMNS if re.search(rf"\b{c.name}\b", sql)]
    share = RANGE_DAYS / ATHENA_DAYS if "BETWEEN '" in sql and "day" in sql else 1.0
    scanned = sum(column_bytes.get(name, 0) for name in named) * ATHENA_UPLINKS * share
    cost = max(scanned, 10 * 1024 * 1024) / 1e12 * PRICES["athena_tb"]
    return {"columns": named, "bytes_scanned": int(scanned), "usd": round(cost, 5)}


def query_local(base: Path, uplinks: int, root: Path) -> dict:
    """``uplinks`` rows (1,000 devices over 30 days) made from the measured file, then the daily-statistics
    example in fresh processes: the best time of three and the highest peak RSS."""
    from inlet.core.lake.schema import COLUMNS
    from inlet_cli.lake import duck

    from bench.paths import child_last_line, subprocess_env

    copies = max(1, uplinks // 10_000)
    step_us = 30 * 86_400_000_000 // max(uplinks, 1)  # the uplinks spread evenly over 30 days
    target = root / "uplinks" / f"tenant={TENANT}"
    target.mkdir(parents=True)
    others = ", ".join(f'"{c.name}"' for c in COLUMNS if c.name not in ("id", "serial", "time", "received_at"))
    connection = duck.connect()
    connection.execute(f"""
        COPY (
          WITH base AS (SELECT *, row_number() OVER () - 1 AS n FROM read_parquet('{base}')),
          made AS (
            SELECT id || '-' || r AS id, serial || '-' || lpad(CAST(r % 20 AS VARCHAR), 2, '0') AS serial,
                   TIMESTAMP '2026-11-01 00:00:00' + to_microseconds((n * {copies} + r) * {step_us}) AS moment,
                   {others}
            FROM base CROSS JOIN range({copies}) AS t(r) LIMIT {uplinks}
          )
          SELECT id, serial, moment AS time, moment AS received_at, {others}, strftime(moment, '%Y-%m-%d') AS day
          FROM made
        ) TO '{target}' (FORMAT parquet, COMPRESSION {duck.CODEC}, PARTITION_BY (day))
    """)
    connection.close()
    size = sum(p.stat().st_size for p in target.rglob("*.parquet"))
    runs = [json.loads(child_last_line(["-m", "bench.lake", str(root)], subprocess_env(), timeout=300))
            for _ in range(3)]  # fmt: skip
    baseline = json.loads(child_last_line(["-m", "bench.lake", str(root), "--idle"], subprocess_env()))
    return {
        "uplinks": uplinks,
        "files_bytes": size,
        "seconds": min(r["seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "idle_peak_mb": baseline["peak_mb"],
        "result_rows": runs[0]["rows"],
    }


def _child(root: str, idle: bool) -> dict:
    from inlet_cli.lake import duck
    from inlet_cli.lake.examples import EXAMPLES
    from inlet_cli.lake.local_engine import run_local

    from bench.memory import _peak_kb

    if idle:
        duck.connect().execute("SELECT 1").fetchall()
        return {"peak_mb": round(_peak_kb() / 1024, 1)}
    began = time.perf_counter()
    answer = run_local(EXAMPLES["daily-stats"][1], TENANT, Path(root))
    seconds = time.perf_counter() - began
    return {"seconds": round(seconds, 3), "peak_mb": round(_peak_kb() / 1024, 1), "rows": len(answer.rows)}


def lines(figures: dict) -> list[str]:
    """The lake's figures as the lines bench/README.md and the run's output show."""
    tts, flat, cost, local = figures["tts"], figures["flat"], figures["cost_per_million"], figures["query_local"]
    out = [
        f"Parquet per uplink at {figures['file_uplinks']:,} a file: TTS v3 {tts['parquet_bytes_per_uplink']} B "
        f"(Records table item {tts['records_table_bytes_per_uplink']} B), flat {flat['parquet_bytes_per_uplink']} B "
        f"(item {flat['records_table_bytes_per_uplink']} B)",
        f"per million uplinks: Firehose ${cost['firehose_usd']}, SQS ${cost['sqs_usd']}, fan-out and delivery "
        f"functions ${cost['lambda_usd']}; S3 storage "
        f"${cost['s3_storage_usd_per_month']} a month (${cost['s3_storage_usd_per_month_after_cold']} once cold; "
        f"the same uplinks in the Records table: ${cost['records_table_usd_per_month']}); objects (Firehose "
        f"partitioning + S3 PUT): up to ${cost['objects_usd_per_tenant_month']} a month per tenant",
        f"inlet query --local, daily statistics over {local['uplinks']:,} uplinks: {local['seconds']} s, "
        f"peak {local['peak_mb']} MB (DuckDB imported and idle: {local['idle_peak_mb']} MB)",
    ]
    for name, query in figures["athena_10m"].items():
        out.append(f"Athena over 10 M uplinks, {name}: {query['bytes_scanned'] / 1e6:.1f} MB scanned, ${query['usd']}")
    return out


if __name__ == "__main__":
    from bench.paths import add_source_dirs

    add_source_dirs()
    print(json.dumps(_child(sys.argv[1], "--idle" in sys.argv)))
