"""AWS calls per request, counted outside the process: the local stack with ``AWS_ENDPOINT_URL`` on a counting
proxy in front of a moto server. Setup (tables, demo data, our keys and devices) is not counted; each scenario is
counted alone, and an idle window first shows that the stack does no background AWS work."""

from __future__ import annotations

import time

import requests

from bench import workloads
from bench.budgets import SSM_READS, meets_budget
from bench.calls import SINGLE_UPLINK, scenarios
from bench.localstack import StackUnavailable, local_stack, moto_server, seed_tenant
from bench.proxy import CountingProxy

IDLE_SECONDS = 2.0
TENANTS = {"a_new_key": "bench-a", "b_cold": "bench-b", "c_warm": "bench-b", "d_warm_single": "bench-b"}


def _post(session: requests.Session, url: str, key: str, body: bytes) -> None:
    answer = session.post(
        url, data=body, headers={"content-type": "application/json", "authorization": key}, timeout=120
    )
    if answer.status_code != 200:
        raise RuntimeError(f"local stack answered {answer.status_code}: {answer.text[:300]}")


def measure(in_process: dict, batch: int = 1000) -> dict:
    try:
        with moto_server() as moto, CountingProxy(moto) as proxy, local_stack(proxy.url) as stack:
            return _scenarios(moto, proxy, stack["uplink_url"], in_process, batch)
    except StackUnavailable as exc:
        return {"skipped": f"local stack unavailable: {exc}"}


def _scenarios(moto: str, proxy: CountingProxy, url: str, in_process: dict, batch: int) -> dict:
    # Each cold scenario gets its own key and tenant: the stack's key and device caches are then as cold as a new
    # container's, without restarting it.
    plan = scenarios(batch)
    for tenant in sorted(set(TENANTS.values())):
        key = next(k for name, k, _, _ in plan if TENANTS[name] == tenant)
        seed_tenant(moto, key, tenant, workloads.serials())
    proxy.start_counting()
    time.sleep(IDLE_SECONDS)
    results: dict = {"idle_calls": proxy.stop_counting(), "idle_seconds": IDLE_SECONDS}
    with requests.Session() as session:
        for name, key, body, _ in plan:
            proxy.start_counting()
            _post(session, url, key, body)
            calls = proxy.stop_counting()
            uplinks = 1 if name in SINGLE_UPLINK else batch
            results[name] = {
                "calls": calls,
                "meets_budget": meets_budget(name, calls, uplinks),
                "matches_in_process": _by_kind(calls) == _by_kind(in_process.get(name, {}).get("calls") or {}),
            }
    return results


def _by_kind(calls: dict[str, int]) -> dict[str, int]:
    """Calls by operation, SSM reads as one kind: the long-running stack still holds the key tag secret from an
    earlier scenario and reads a key with GetParameter where a cold container reads both with GetParameters."""
    merged: dict[str, int] = {}
    for name, count in calls.items():
        kind = "SSM read" if name in SSM_READS else name
        merged[kind] = merged.get(kind, 0) + count
    return merged
