"""Lake rows into Amazon Data Firehose (PutRecordBatch), which converts them to Parquet and writes them to S3.

Firehose bills ingestion per record rounded up to 5 KB, so rows are packed: one Firehose record carries up to
``ROWS_PER_RECORD`` rows as newline-delimited JSON, which the stream's multi-record deaggregation (JSON) splits
again before its dynamic partitioning and format conversion (both documented to accept aggregated JSON records:
firehose/latest/dev/dynamic-partitioning-multirecord-deaggergation.html, record-format-conversion.html).
A call sends at most 500 records and 4 MiB; a record is at most 1,000 KiB.
"""

from __future__ import annotations

import time

import orjson

from inlet.adapters.aws import LazyClient
from inlet.adapters.retry import backoff

ROWS_PER_RECORD = 500  # Firehose's deaggregation cap per record
MAX_RECORD_BYTES = 1_000 * 1024
MAX_CALL_RECORDS = 500
MAX_CALL_BYTES = 4 * 1024 * 1024
MAX_ROUNDS = 6


class FirehoseLake:
    firehose = LazyClient("firehose")

    def __init__(self, stream: str, firehose=None, sleep=time.sleep) -> None:
        self._stream = stream
        self._firehose = firehose
        self._sleep = sleep

    def put_rows(self, rows: list[dict]) -> int:
        """Send every row (failed records resent with backoff); the number of PutRecordBatch calls made.
        Raises ``RuntimeError`` when records still fail after ``MAX_ROUNDS``: the caller lets the event source retry."""
        calls = 0
        for batch in _calls(pack(rows)):
            pending = batch
            for attempt in range(MAX_ROUNDS):
                answer = self.firehose.put_record_batch(
                    DeliveryStreamName=self._stream, Records=[{"Data": data} for data in pending]
                )
                calls += 1
                if not answer.get("FailedPutCount"):
                    break
                pending = [d for d, r in zip(pending, answer["RequestResponses"], strict=True) if r.get("ErrorCode")]
                self._sleep(backoff(attempt))
            else:
                raise RuntimeError(f"Firehose refused {len(pending)} records after {MAX_ROUNDS} attempts")
        return calls


def pack(rows: list[dict]) -> list[bytes]:
    """Rows as Firehose records: newline-delimited JSON, at most ``ROWS_PER_RECORD`` rows and ``MAX_RECORD_BYTES``."""
    records, current, size = [], [], 0
    for row in rows:
        line = orjson.dumps(row) + b"\n"
        if current and (len(current) >= ROWS_PER_RECORD or size + len(line) > MAX_RECORD_BYTES):
            records.append(b"".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line)
    if current:
        records.append(b"".join(current))
    return records


def _calls(records: list[bytes]) -> list[list[bytes]]:
    calls, current, size = [], [], 0
    for record in records:
        if current and (len(current) >= MAX_CALL_RECORDS or size + len(record) > MAX_CALL_BYTES):
            calls.append(current)
            current, size = [], 0
        current.append(record)
        size += len(record)
    if current:
        calls.append(current)
    return calls
