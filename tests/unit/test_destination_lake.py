"""The lake destination kind: rows packed per send, each delivery answered with its Firehose record's fate."""

from __future__ import annotations

import orjson
import pytest
from inlet.destinations import DELIVERED, REFUSED, RETRY, Context, Delivery, Destination, kind_of
from inlet.destinations import lake as lake_kind

pytestmark = pytest.mark.unit
DESTINATION = Destination(tenant="acme", name="lake", kind="lake", batch=10)


def body(index: int, pad: int = 0) -> dict:
    return {"version": 1, "type": "uplink", "id": f"{index:024x}-0", "tenant": "acme", "serial": "AA-BB-01",
            "time": "2026-12-01T10:00:00.000Z", "received_at": "2026-12-01T10:00:00.000Z", "port": 1,
            "payload": "00" * pad, "format": "generic", "flags": [], "variables": []}  # fmt: skip


class Firehose:
    """PutRecordBatch as the Firehose API reference answers it: FailedPutCount and one RequestResponses entry per
    record, in order, with ErrorCode/ErrorMessage on the failed ones."""

    def __init__(self, fail: set[int] = frozenset()) -> None:
        self.fail, self.calls = fail, []

    def put_record_batch(self, DeliveryStreamName, Records):
        self.calls.append(Records)
        responses = [{"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "slow down"} if i in self.fail
                     else {"RecordId": str(i)} for i in range(len(Records))]  # fmt: skip
        return {"FailedPutCount": len(self.fail), "RequestResponses": responses}


def send(bodies, firehose, monkeypatch):
    monkeypatch.setenv(lake_kind.STREAM_ENV, "lake")
    deliveries = [Delivery(id=f"msg_{i}", body=b) for i, b in enumerate(bodies)]
    return kind_of("lake").send(DESTINATION, deliveries, Context(client=lambda service, endpoint="": firehose))


def test_a_send_is_one_record_of_newline_delimited_rows(monkeypatch):
    firehose = Firehose()
    answers = send([body(i) for i in range(10)], firehose, monkeypatch)
    assert [a.status for a in answers] == [DELIVERED] * 10
    [records] = firehose.calls
    assert len(records) == 1
    rows = [orjson.loads(line) for line in records[0]["Data"].splitlines()]
    assert [r["id"] for r in rows] == [f"{i:024x}-0" for i in range(10)] and rows[0]["table"] == "uplinks"


def test_each_row_gets_its_records_answer(monkeypatch):
    firehose = Firehose(fail={1})
    bodies = [body(i, pad=300_000) for i in range(5)]  # ~600 KB rows: one a record (1,000 KiB at most)
    answers = send(bodies, firehose, monkeypatch)
    assert [a.status for a in answers] == [DELIVERED, RETRY, DELIVERED, DELIVERED, DELIVERED]
    assert "ServiceUnavailableException" in answers[1].reason


def test_without_a_lake_the_deliveries_are_refused_with_the_reason(monkeypatch):
    monkeypatch.delenv(lake_kind.STREAM_ENV, raising=False)
    deliveries = [Delivery(id="msg_1", body=body(1))]
    [answer] = kind_of("lake").send(DESTINATION, deliveries, Context())
    assert answer.status == REFUSED and answer.reason.startswith("lake_off")


def test_the_lake_takes_no_settings():
    assert kind_of("lake").configure({"url": None, "headers": {}}, True) == {}
    with pytest.raises(ValueError, match="no settings"):
        kind_of("lake").configure({"url": "https://example.com"}, True)


def test_the_local_writer_replaces_firehose():
    written = []
    lake_kind.use_local_writer(written.extend)
    try:
        answers = kind_of("lake").send(DESTINATION, [Delivery(id="m", body=body(1))], Context())
    finally:
        lake_kind.use_local_writer(None)
    assert answers[0].status == DELIVERED and written[0]["serial"] == "AA-BB-01"
