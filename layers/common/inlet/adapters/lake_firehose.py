"""Lake rows as Amazon Data Firehose records (the lake destination kind sends them with PutRecordBatch).

Firehose bills ingestion per record rounded up to 5 KB, so rows are packed: one Firehose record carries up to
``ROWS_PER_RECORD`` rows as newline-delimited JSON, which the stream's multi-record deaggregation (JSON) splits
again before its dynamic partitioning and format conversion (both documented to accept aggregated JSON records:
firehose/latest/dev/dynamic-partitioning-multirecord-deaggergation.html, record-format-conversion.html).
A record is at most 1,000 KiB.
"""

from __future__ import annotations

import orjson

ROWS_PER_RECORD = 500  # Firehose's deaggregation cap per record
MAX_RECORD_BYTES = 1_000 * 1024


def pack(rows: list[dict]) -> list[bytes]:
    """Rows as Firehose records: newline-delimited JSON, at most ``ROWS_PER_RECORD`` rows and ``MAX_RECORD_BYTES``."""
    return [record for record, _ in pack_counted(rows)]


def pack_counted(rows: list[dict]) -> list[tuple[bytes, int]]:
    """``pack`` with how many rows each record holds, in order (to answer each row with its record's fate)."""
    records: list[tuple[bytes, int]] = []
    current: list[bytes] = []
    size = 0
    for row in rows:
        line = orjson.dumps(row) + b"\n"
        if current and (len(current) >= ROWS_PER_RECORD or size + len(line) > MAX_RECORD_BYTES):
            records.append((b"".join(current), len(current)))
            current, size = [], 0
        current.append(line)
        size += len(line)
    if current:
        records.append((b"".join(current), len(current)))
    return records
