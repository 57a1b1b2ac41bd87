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
        "api_gateway_usd": round(api_usd, 4),
        "lambda_usd": round(lambda_usd, 4),
        "dynamodb_usd": round(dynamodb_usd, 4),
        "total_usd": round(api_usd + lambda_usd + dynamodb_usd, 4),
    }


def single_uplink(harness, repeats: int = 20) -> dict:
    """A warm single-uplink request: its CPU time (min of repeats) and, inspected once, its calls and write units."""
    from bench import cpu, workloads
    from bench.harness import event

    timing = cpu.measure(harness, "tts", uplinks=1, repeats=repeats)
    harness.fake.inspect = True
    harness.fake.reset()
    try:
        harness.invoke(event(workloads.body("tts", 1, seed=5000)))
    finally:
        harness.fake.inspect = False
    return {
        "cpu_ms": timing["handler_ms"],
        "calls": dict(harness.fake.calls),
        "write_units": dict(harness.fake.write_units),
    }


def _dedup_wru(write_units: dict) -> int:
    return write_units.get("PutItem", 0) + write_units.get("UpdateItem", 0)


def estimate(single: dict, batch_cpu_ms: float, batch: int, calls: dict) -> dict:
    """Both shapes of traffic: one uplink per request and ``batch`` per request (figure 3's warm scenario)."""
    warm = calls["c_warm"]
    record_wru = warm["write_units"].get("BatchWriteItem", 0) / batch
    memory = memory_mb()
    return {
        "formula": __doc__.split("\n\n", 1)[1].strip(),
        "memory_mb": memory,
        "assumed_aws_call_ms": AWS_CALL_MS,
        "record_item_bytes": warm["record_item_bytes_avg"],
        "record_wru_per_uplink": record_wru,
        "single": per_million(
            1, single["cpu_ms"], sum(single["calls"].values()), record_wru, _dedup_wru(single["write_units"]), memory
        ),
        "batch": per_million(
            batch, batch_cpu_ms, sum(warm["calls"].values()), record_wru, _dedup_wru(warm["write_units"]), memory
        ),
    }
