"""Connector versions in the template's table (moto), and the decode step of ingest on real records."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from inlet.adapters.connectors import ConnectorStore
from inlet.core.decoding.references import ConnectorRef
from inlet.core.records import record_of
from inlet.service.decoding import decode_records
from inlet_cli.local import env as local_env

pytestmark = pytest.mark.integration

TS013 = "function decodeUplink(i) { return {data: {t: ((i.bytes[0] << 8) | i.bytes[1]) / 100}}; }"
TS013_V2 = "function decodeUplink(i) { return {data: {celsius: ((i.bytes[0] << 8) | i.bytes[1]) / 100}}; }"


@dataclass
class Device:
    connector: str


@pytest.fixture
def store(moto_aws):
    return ConnectorStore(local_env.TABLES["ConnectorsTable"], dynamodb=moto_aws["dynamodb"])


def record(serial: str, payload: str = "0a6f", **extra) -> dict:
    return {"tenant": "acme", "serial": serial, "payload": payload, "port": 1, "flags": [], "fields": {}, **extra}


def test_versions_are_numbered_and_immutable(store):
    first = store.add("acme-th", "ts013", TS013, "2026-01-01T00:00:00.000Z")
    second = store.add("acme-th", "ts013", TS013_V2, "2026-01-02T00:00:00.000Z")
    assert (first.version, second.version) == (1, 2)
    assert store.get(ConnectorRef("acme-th", 1)).source == TS013
    assert store.get(ConnectorRef("acme-th")).version == 2
    assert store.get(ConnectorRef("acme-th", 3)) is None
    assert store.get(ConnectorRef("nothing")) is None
    assert [c.version for c in store.versions("acme-th")] == [1, 2]
    assert [(c.name, c.version) for c in store.latest_of_each()] == [("acme-th", 2)]


def test_the_latest_version_is_cached_for_a_while(moto_aws):
    now = [0.0]
    store = ConnectorStore(
        local_env.TABLES["ConnectorsTable"], latest_ttl=60, dynamodb=moto_aws["dynamodb"], clock=lambda: now[0]
    )
    store.add("acme-th", "ts013", TS013, "")
    assert store.get(ConnectorRef("acme-th")).version == 1
    store.add("acme-th", "ts013", TS013_V2, "")
    assert store.get(ConnectorRef("acme-th")).version == 1
    now[0] = 61
    assert store.get(ConnectorRef("acme-th")).version == 2


def test_decode_records_with_each_devices_connector(store):
    store.add("acme-th", "ts013", TS013, "")
    store.add("acme-tago", "tagoio", "payload = [{variable: 'hex', value: payload[0].value}];", "")
    records = [
        record("A"),
        record("B", payload="036700fa"),
        record("C"),
        record("D"),
        record("E"),
        record("F", payload="zz", flags=["payload_not_decodable"]),
    ]
    devices = {
        "A": Device("acme-th"),
        "B": Device("cayenne-lpp"),
        "C": Device("generic-sensor"),
        "D": Device("acme-tago@1"),
        "E": Device("missing@4"),
        "F": Device("acme-th@1"),
    }
    decodings = decode_records(records, devices, store)
    a, b, c, d, e, f = [record_of(built, decoding) for built, decoding in zip(records, decodings, strict=True)]
    assert decodings[2] is None and c is records[2]  # generic-sensor: nothing decoded, the built record as is
    assert (a["decoded"], a["decoder"]) == ({"t": 26.71}, {"connector": "acme-th@1", "errors": [], "warnings": []})
    assert b["decoded"] == {"temperature_3": 25.0}
    assert "decoder" not in c and "decoded" not in c
    assert all("decoder" not in built for built in records)  # decoding gives its result, the input is left as is
    assert d["decoded"] == [{"variable": "hex", "value": "0a6f"}]
    assert e["flags"] == ["decode_failed"] and e["decoder"]["errors"] == ["connector missing@4 does not exist"]
    assert f["flags"] == ["payload_not_decodable", "decode_failed"] and f["payload"] == "zz"
