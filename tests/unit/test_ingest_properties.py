"""Property: whatever the batch, every item ends accepted (stored once) or rejected with a reason, or the whole
request is refused with a 4xx naming why. The use case runs with in-memory stores (no AWS)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inlet.adapters.devices import Device
from inlet.adapters.records import RecordStore
from inlet.core.keys import KeyConfig, key_hash
from inlet.core.request import HttpRequest
from inlet.errors import InletError
from inlet.service.ingest import Dependencies, ingest
from inlet.settings import Settings

pytestmark = pytest.mark.unit

KEY = "at" + "a" * 32
KNOWN = {"AA-01", "AA-02", "70B3D57ED0000001"}


class MemoryKeys:
    def authenticate(self, key):
        if key != KEY:
            from inlet.errors import InvalidAuthorization

            raise InvalidAuthorization()
        return KeyConfig(tenant="t1", key_hash=key_hash(KEY))


class MemoryDevices:
    def get_many(self, tenant, serials):
        return {s: Device(tenant, s) if s in KNOWN else None for s in serials}

    def provision(self, devices):
        raise AssertionError("the key rejects unknown devices")


class MemoryRecords:
    refusal = RecordStore.refusal  # the real pre-write checks (pure: item size)

    def __init__(self):
        self.records = []

    def put_many(self, records):
        self.records.extend(records)


class NoDedup:
    window = 0


def dependencies(records):
    settings = Settings(keys_path="/k", devices_table="d", records_table="r", dedup_table="x", dedup_window_seconds=0)
    return Dependencies(settings, MemoryKeys(), MemoryDevices(), records, NoDedup())


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
serials = st.one_of(st.sampled_from([*sorted(KNOWN), "aa-01", "nope", "", " "]), st.none(), st.integers(), json_values)
items = st.fixed_dictionaries(
    {"serial": serials}, optional={"payload": json_values, "port": json_values, "extra": json_values}
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(items, json_values), min_size=0, max_size=6))
def test_every_item_is_accepted_or_rejected_with_a_reason(batch):
    records = MemoryRecords()
    request = HttpRequest(
        headers={"authorization": KEY, "content-type": "application/json"}, query={}, body=json.dumps(batch).encode()
    )
    try:
        outcome = ingest(request, dependencies(records), now_ms=1_800_000_000_000)
    except InletError as error:
        assert 400 <= error.status < 500 and error.message
        assert records.records == []  # a refused request stores nothing
        return
    body = outcome.body
    assert outcome.status == 200 and body["accepted"] + body["rejected"] == len(batch) == len(body["items"])
    for index, item in enumerate(body["items"]):
        assert item["index"] == index
        outcome_of_item = (item["status"], "id" in item, "reason" in item)
        assert outcome_of_item in {("accepted", True, False), ("rejected", False, True)}
    assert sorted(r["id"] for r in records.records) == sorted(i["id"] for i in body["items"] if "id" in i)
    assert len({r["sk"] for r in records.records}) == len(records.records)  # one record per accepted uplink
