"""Local stack end to end: the stack of ``make run``, single-uplink POSTs from 8 concurrent clients, against the
emulator's own baseline: the same clients each doing one DynamoDB PutItem per request on the stack's moto server.
The stack serves one invocation at a time (one warm function instance) and stores through moto: both bound it.
"""

from __future__ import annotations

import requests

from bench import load, workloads
from bench.localstack import StackUnavailable, aws_client, local_stack, seed_tenant

TENANT = "bench-e2e"


def measure(total: int = 400, clients: int = 8, time_cap: float = 60.0) -> dict:
    try:
        with local_stack() as stack:
            return _measure(stack, total, clients, time_cap)
    except StackUnavailable as exc:
        return {"skipped": f"local stack unavailable: {exc}"}


def _measure(stack: dict, total: int, clients: int, time_cap: float) -> dict:
    from inlet.core.keys import generate_key
    from inlet_cli.local import env as local_env

    endpoint, url, key = stack["endpoint_url"], stack["uplink_url"], generate_key()
    seed_tenant(endpoint, key, TENANT, workloads.serials())
    headers = {"content-type": "application/json", "authorization": key}
    warm = [workloads.single("tts", i, seed=3000) for i in range(workloads.DEVICES)]  # every device cached
    bodies = [workloads.single("tts", i, seed=3001) for i in range(total)]

    def post(session: requests.Session, body: bytes) -> None:
        answer = session.post(url, data=body, headers=headers, timeout=30)
        if answer.status_code != 200:
            raise RuntimeError(f"status {answer.status_code}: {answer.text[:120]}")

    load.run(requests.Session, lambda s, i: post(s, warm[i]), len(warm), clients, time_cap)
    stack_figures = load.run(requests.Session, lambda s, i: post(s, bodies[i]), total, clients, time_cap)

    table = local_env.TABLES["RecordsTable"]

    def put(dynamodb, index: int) -> None:
        item = {
            "device": {"S": f"{TENANT}#baseline"},
            "sk": {"S": f"{index:08d}"},
            "record": {"S": bodies[index].decode()},
        }
        dynamodb.put_item(TableName=table, Item=item)

    baseline = load.run(lambda: aws_client("dynamodb", endpoint), put, total, clients, time_cap)
    return {
        "uplinks_per_request": 1,
        "stack": stack_figures,
        "emulator_put_item": baseline,
        "throughput_ratio": round(stack_figures["requests_per_s"] / baseline["requests_per_s"], 3)
        if baseline["requests_per_s"]
        else None,
    }
