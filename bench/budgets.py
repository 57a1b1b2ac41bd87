"""The AWS-calls-per-request budgets, as bench/README.md states them, checked
against calls by operation name."""

from __future__ import annotations

import math

SSM_READS = ("GetParameter", "GetParameters", "GetParametersByPath")
DEVICE_READS = ("BatchGetItem", "GetItem", "Query")
DEDUP_CALLS = ("PutItem", "UpdateItem", "DeleteItem")
BATCH_WRITE = "BatchWriteItem"
RECORDS_PER_BATCH_WRITE = 25


def _sum(calls: dict[str, int], names: tuple[str, ...]) -> int:
    return sum(calls.get(name, 0) for name in names)


def _unexpected(calls: dict[str, int]) -> int:
    known = {*SSM_READS, *DEVICE_READS, *DEDUP_CALLS, BATCH_WRITE}
    return sum(count for name, count in calls.items() if name not in known)


def meets_budget(scenario: str, calls: dict[str, int], uplinks: int) -> bool:
    """(a) new key: 1 SSM read; (b) cold: 1 SSM read, <= 1 device read; (c) warm: none; (b, c): 25 records a
    BatchWriteItem, <= 2 dedup calls, nothing else; (d) one warm uplink: its record's PutItem and nothing else."""
    ssm, reads, dedup = _sum(calls, SSM_READS), _sum(calls, DEVICE_READS), _sum(calls, DEDUP_CALLS)
    if scenario == "a_new_key":
        return ssm == 1
    if scenario == "d_warm_single":
        return calls == {"PutItem": 1}
    writes_ok = calls.get(BATCH_WRITE, 0) == math.ceil(uplinks / RECORDS_PER_BATCH_WRITE)
    rest_ok = writes_ok and dedup <= 2 and _unexpected(calls) == 0
    if scenario == "b_cold":
        return rest_ok and ssm == 1 and reads <= 1
    if scenario == "c_warm":
        return rest_ok and ssm == 0 and reads == 0
    raise ValueError(f"unknown scenario {scenario}")
