"""`make run` fills the local data lake: an uplink posted over HTTP is a Parquet row under the state directory
(the demo tenant has a destination of kind lake) and `inlet query --local` finds it."""

from __future__ import annotations

import json
import time

import pytest
import requests

pytestmark = pytest.mark.e2e


def test_a_posted_uplink_is_queryable_in_the_local_lake(local_stack):
    body = {"serial": "AA-BB-02", "payload": "0a0b", "port": 7, "temperature": 21.5}
    answer = requests.post(local_stack.url, json=body, headers={"Authorization": local_stack.key}, timeout=10)
    assert answer.status_code == 200
    sql = "SELECT serial, port, payload, decoded['temperature'] AS t FROM uplinks WHERE serial = 'AA-BB-02'"
    deadline, rows = time.monotonic() + 30, []
    while time.monotonic() < deadline and not rows:
        done = local_stack.cli("query", sql, "--tenant", "demo", "--local", "--format", "json")
        assert done.returncode == 0, done.stderr
        rows = json.loads(done.stdout)
        time.sleep(0.3)
    assert {"serial": "AA-BB-02", "port": 7, "payload": "0a0b", "t": 21.5} in rows
    assert list((local_stack.state_dir / "lake" / "uplinks" / "tenant=demo").glob("day=*/*.parquet"))
    assert "Data lake" in local_stack.output()
