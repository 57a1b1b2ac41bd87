"""Cost per million uplinks on AWS, from measured figures (handler CPU time, AWS calls, DynamoDB item sizes).

requests       = 1e6 / uplinks_per_request
duration_ms    = cpu_ms * 1769 / memory_mb   (Lambda gives one full vCPU at 1,769 MB, a share below)
               + aws_calls * AWS_CALL_MS       (sequential in-region round trips: not in the CPU figure)
lambda         = requests * (ceil(duration_ms) / 1000 * memory_mb / 1024 * GB_S + LAMBDA_REQUEST)
api_gateway    = requests * HTTP_API_REQUEST
dynamodb       = (1e6 * record_wru + requests * dedup_wru) * WRU      (1 WRU per started KB of an item)
"""

from __future__ import annotations

import math

HTTP_API_REQUEST = 1.00 / 1e6
LAMBDA_REQUEST = 0.20 / 1e6
GB_S = 0.0000133334  # arm64
WRU = 0.625 / 1e6
FULL_VCPU_MB = 1769
AWS_CALL_MS = 10.0  # assumed: one DynamoDB call in-region, request to answer
FORMATS = ("tts", "loriot", "flat")


def memory_mb() -> int:
    from inlet_cli.template import load_template

    return int(load_template()["Parameters"]["MemorySize"]["Default"])


def per_million(
    uplinks_per_request: int, cpu_ms: float, aws_calls: int, record_wru: float, dedup_wru: float, memory: int
) -> dict:
    requests = 1e6 / uplinks_per_request
    duration_ms = cpu_ms * max(1.0, FULL_VCPU_MB / memory) + aws_calls * AWS_CALL_MS
    gb_s = math.ceil(duration_ms) / 1000 * memory / 1024
    lambda_usd = requests * (gb_s * GB_S + LAMBDA_REQUEST)
    api_usd = requests * HTTP_API_REQUEST
    dynamodb_usd = (1e6 * record_wru + requests * dedup_wru) * WRU
    return {
        "uplinks_per_request": uplinks_per_request,
        "cpu_ms_measured": round(cpu_ms, 3),
        "duration_ms_on_lambda": round(duration_ms, 1),
        "aws_calls_per_request": aws_calls,
        "record_wru_per_uplink": round(record_wru, 3),
        "dedup_wru_per_request": dedup_wru,
        "api_gateway_usd": round(api_usd, 4),
        "lambda_usd": round(lambda_usd, 4),
        "dynamodb_usd": round(dynamodb_usd, 4),
        "total_usd": round(api_usd + lambda_usd + dynamodb_usd, 4),
    }


def inspected(harness, fmt: str, uplinks: int, seed: int) -> dict:
    """One warm request of ``uplinks`` new uplinks of ``fmt``: its AWS calls and write units, by table."""
    from bench import workloads
    from bench.harness import event

    harness.fake.inspect = True
    harness.fake.reset()
    try:
        harness.invoke(event(workloads.body(fmt, uplinks, seed=seed)))
    finally:
        harness.fake.inspect = False
    fake = harness.fake
    return {
        "calls": dict(sorted(fake.calls.items())),
        "write_units_by_table": dict(fake.table_write_units),
        "record_item_bytes_avg": round(sum(fake.item_bytes) / max(1, len(fake.item_bytes)), 1),
    }


def _shape(harness, fmt: str, uplinks: int, cpu_ms: float, memory: int, seed: int) -> dict:
    from inlet_cli.local import env as local_env

    seen = inspected(harness, fmt, uplinks, seed)
    tables = seen["write_units_by_table"]
    record_wru = tables.get(local_env.TABLES["RecordsTable"], 0) / uplinks
    dedup_wru = tables.get(local_env.TABLES["DedupTable"], 0)
    costs = per_million(uplinks, cpu_ms, sum(seen["calls"].values()), record_wru, dedup_wru, memory)
    return {**costs, "calls": seen["calls"], "record_item_bytes_avg": seen["record_item_bytes_avg"]}


def measure(harness, cpu_figures: dict, batch: int, repeats: int) -> dict:
    """``cost_per_million`` (format -> uplinks per request -> USD) and ``wru_per_record`` (format -> write units of
    one record), both from this run's measures: CPU of a warm 1-uplink request (fastest of ``repeats``) and of the
    ``batch``-uplink CPU-per-uplink figures, AWS calls and item sizes of one more warm request of each shape."""
    from bench import cpu

    memory = memory_mb()
    details: dict = {"formula": __doc__.split("\n\n", 1)[1].strip(), "memory_mb": memory}
    details["assumed_aws_call_ms"] = AWS_CALL_MS
    for n, fmt in enumerate(FORMATS):
        single_ms = cpu.measure(harness, fmt, uplinks=1, repeats=repeats)["handler_ms"]
        batch_ms = (cpu_figures.get(fmt) or cpu.measure(harness, fmt, batch, 3))["handler_ms"]
        details[fmt] = {
            "1": _shape(harness, fmt, 1, single_ms, memory, seed=5000 + n),
            str(batch): _shape(harness, fmt, batch, batch_ms, memory, seed=5100 + n),
        }
    return {
        "cost_per_million": {
            fmt: {size: shape["total_usd"] for size, shape in details[fmt].items()} for fmt in FORMATS
        },
        "wru_per_record": {
            **{fmt: details[fmt][str(batch)]["record_wru_per_uplink"] for fmt in FORMATS},
            "tts_decoded": decoded_record_wru(),
        },
        "cost_details": details,
    }


def decoded_record_wru(uplinks: int = 200) -> float:
    """Write units of a TTS record that carries decoded values: the bench's TTS uplinks with a Cayenne LPP payload
    of their five sensor values, decoded by the built-in connector, then sized as the records table stores them."""
    from inlet.adapters.devices import Device
    from inlet.adapters.record_items import item_size
    from inlet.core.records import build_record, record_of
    from inlet.core.uplink import map_item
    from inlet.service.decoding import NO_STORED_CONNECTORS, decode_records

    from bench import workloads

    records = []
    for index, item in enumerate(workloads.items("tts", uplinks, seed=5200)):
        item["uplink_message"]["frm_payload"] = _cayenne_of(item["uplink_message"]["decoded_payload"])
        uplink = map_item(index, item, {}, None)
        records.append(build_record(uplink, "bench", "0" * 24, "2026-11-25T10:00:00.000Z", "base64", None))
    devices = {r["serial"]: Device("bench", r["serial"], connector="cayenne-lpp") for r in records}
    decodings = decode_records(records, devices, NO_STORED_CONNECTORS)
    records = [record_of(built, decoding) for built, decoding in zip(records, decodings, strict=True)]
    if not all(r.get("decoded") for r in records):
        raise RuntimeError("the decoded TTS records were not all decoded")
    return sum(math.ceil(item_size(r) / 1024) for r in records) / uplinks


def _cayenne_of(values: dict) -> str:
    """Cayenne LPP of the TTS workload's decoded values: temperature, humidity, battery (analog), CO2 and light."""
    import base64

    def field(channel: int, kind: int, value: int, size: int) -> bytes:
        return bytes([channel, kind]) + value.to_bytes(size, "big", signed=kind == 0x67 or kind == 0x02)

    data = field(1, 0x67, round(values["temperature"] * 10), 2) + field(2, 0x68, values["humidity"] * 2, 1)
    data += field(3, 0x02, round(values["battery"] * 100), 2) + field(4, 0x02, values["co2"], 2)
    data += field(5, 0x65, values["light"], 2)
    return base64.b64encode(data).decode()
