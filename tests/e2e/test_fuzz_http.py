"""POST /uplink fuzzed over real HTTP against ``inlet local run``: requests built by schemathesis from openapi.yaml,
hostile bodies, odd headers and query strings, and a list of named inputs known to be hard.

The oracle, for every request: never a 5xx; every 4xx is JSON with ``status: false`` and a message; a 200 is a
receipt that accounts for every item; every answer is one that openapi.yaml documents; no unhandled exception in
the stack's logs. Each test runs a fixed number of
derandomized examples (the same requests on every run) and reports every distinct failure it met, grouped by cause.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from inlet_cli.local.env import DEMO_DEVICES, EVENTS_MAPPED_KEY
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup

from tests.e2e.conftest import ROOT
from tests.e2e.fuzz_bodies import bodies, to_bytes
from tests.e2e.fuzz_oracle import Fuzzing, Reply, send, unhandled_summaries
from tests.e2e.fuzz_requests import (
    Keys,
    content_types,
    extra_headers,
    framings,
    key_placements,
    query_pairs,
    target,
)
from tests.e2e.hostile_inputs import NAMED_INPUTS

pytestmark = pytest.mark.e2e

FRONT_LIMIT = 10 * 1024 * 1024  # above it the local front answers 413 itself, like API Gateway
RUNS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # nothing raises inside: every failure is collected, nothing to shrink
    suppress_health_check=list(HealthCheck),
)
CONFORMANCE = [status_code_conformance, content_type_conformance, response_headers_conformance]
CONFORMANCE.append(response_schema_conformance)
SENT: dict[str, tuple[Counter, float]] = {}  # answers by status and seconds of each test, shown by the last one


@pytest.fixture(scope="module")
def keys(local_stack) -> Keys:
    created = local_stack.cli(
        "keys", "create", "--tenant", "fuzz", "--unknown-devices", "provision", "--local", "--json"
    )
    assert created.returncode == 0, created.stderr
    return Keys(local_stack.key, EVENTS_MAPPED_KEY, json.loads(created.stdout)["key"])


@pytest.fixture
def fuzzing(request, local_stack, keys):
    run = Fuzzing(local_stack, secrets=(keys.demo, keys.mapped, keys.provisioning))
    started = time.monotonic()
    yield run
    SENT[request.node.originalname] = _added(SENT.get(request.node.originalname), run, time.monotonic() - started)


@pytest.mark.parametrize("named", NAMED_INPUTS, ids=lambda named: named.name)
def test_named_hostile_inputs(local_stack, keys, fuzzing, named):
    headers = [("Authorization", keys.provisioning if named.provisioning else keys.demo), *named.headers]
    fuzzing.check(send(local_stack, named.target, headers, named.body), named.item_count, named.name)
    fuzzing.assert_clean()


def test_documented_requests_never_fail_the_oracle(local_stack, keys, fuzzing):
    """schemathesis's requests from openapi.yaml, valid and invalid, with the key and serials mostly made real."""
    operation = schemathesis.openapi.from_path(ROOT / "openapi.yaml")["/uplink"]["POST"]
    cases = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in GenerationMode))
    base_url = local_stack.url.removesuffix("/uplink")

    @settings(RUNS, max_examples=100)
    @given(case=cases, key=st.sampled_from([keys.demo, keys.demo, keys.provisioning, None]), data=st.data())
    def explore(case, key, data):
        if key:
            case.headers = {**(case.headers or {}), "Authorization": key}
        _give_demo_serials(case.body, data)
        answer = case.call(base_url=base_url, timeout=60)
        reply = Reply(answer.status_code, {k: ", ".join(v) for k, v in answer.headers.items()}, answer.content)
        fuzzing.check(reply, _item_count(case.body), f"schemathesis {case.as_curl_command()[:300]}")
        try:
            case.validate_response(answer, checks=CONFORMANCE)
        except FailureGroup as found:  # the answer is not what openapi.yaml says: one entry per check that failed
            for failure in found.exceptions:
                cause = f"not as documented: {failure.title}: {failure.message.strip().splitlines()[:1]}"
                fuzzing.failures[cause].append(f"{reply.status} {case.as_curl_command()[:300]}")

    explore()
    fuzzing.assert_clean()


def test_hostile_bodies_never_fail_the_oracle(local_stack, keys, fuzzing):
    @settings(RUNS, max_examples=250)
    @given(body=bodies(), placement=key_placements(keys), ascii_only=st.booleans(), json_type=st.booleans())
    def explore(body, placement, ascii_only, json_type):
        value, count = body
        data = to_bytes(value, ascii_only)
        assume(len(data) <= FRONT_LIMIT)
        headers, query = placement
        content_type = "application/json" if json_type else "application/vnd.lns+json; charset=utf-8"
        reply = send(local_stack, target(query), [*headers, ("Content-Type", content_type)], data)
        fuzzing.check(reply, count, f"body {len(data)} bytes {data[:200]!r} query {len(query)} pairs")

    explore()
    fuzzing.assert_clean()


def test_odd_headers_and_query_strings_never_fail_the_oracle(local_stack, keys, fuzzing):
    bodies_ = st.sampled_from([{"serial": serial, "payload": "0a"} for serial in DEMO_DEVICES] + [{"payload": "0b"}])

    @settings(RUNS, max_examples=200)
    @given(
        placement=key_placements(keys),
        types=content_types(),
        extra=extra_headers(),
        pairs=query_pairs(),
        framing=framings(),
        body=bodies_,
    )
    def explore(placement, types, extra, pairs, framing, body):
        (auth, key_pairs), (framing_headers, bodiless) = placement, framing
        data = None if bodiless else to_bytes(body)
        headers = [*auth, *types, *extra, *framing_headers]
        reply = send(local_stack, target([*pairs, *key_pairs]), headers, data)
        described = f"target {target(pairs)[:300]!r} headers {[(n, str(v)[:60]) for n, v in headers]} body {data!r}"
        fuzzing.check(reply, 1, described)

    explore()
    fuzzing.assert_clean()


def test_the_stack_logged_no_unhandled_exception(local_stack):
    """Everything the stack printed while fuzzed, read again once all answers are in (late lines included)."""
    time.sleep(0.5)
    for name, (statuses, seconds) in SENT.items():
        print(f"\n{name}: {statuses.total()} requests in {seconds:.1f} s, by status {dict(sorted(statuses.items()))}")
    lines = local_stack.output().splitlines()
    found = unhandled_summaries(lines)
    assert not found, f"{len(found)} unhandled exceptions, e.g. {sorted(set(found))[:10]}"


def _added(so_far: tuple[Counter, float] | None, run: Fuzzing, seconds: float) -> tuple[Counter, float]:
    statuses, total = so_far or (Counter(), 0.0)
    return statuses + run.statuses, total + seconds


def _give_demo_serials(body: object, data: st.DataObject) -> None:
    """Three bodies in four get demo devices' serials in every item, so that they reach storage."""
    if not data.draw(st.sampled_from([True, True, True, False]), label="demo serials"):
        return
    for item in body if isinstance(body, list) else [body]:
        if isinstance(item, dict):
            item["serial"] = data.draw(st.sampled_from(DEMO_DEVICES), label="serial")


def _item_count(body: object) -> int | None:
    if isinstance(body, list):
        return len(body)
    return 1 if isinstance(body, dict) or body is NOT_SET else None
