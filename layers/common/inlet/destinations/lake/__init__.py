"""``lake``: the stack's data lake (docs/lake.md). Each delivery becomes one row of the lake's schema
(``inlet.core.lake``): on AWS, Firehose PutRecordBatch to the stack's stream, which converts the rows to Parquet
(the Glue table's schema) and writes them to S3 by table, tenant and day; on the local stack, the local Parquet
writer that ``inlet local run`` installs (``use_local_writer``) writes the same files under ``.inlet/lake/``.

The rows of one send are packed into one Firehose record (newline-delimited JSON; the stream deaggregates them):
Firehose bills records rounded up to 5 KB, so ``--batch 10`` (the delivery function's queue batch) costs a tenth of
``--batch 1``. A record Firehose refuses is answered RETRY for each of its rows (the delivery path backs off).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from inlet.adapters.lake_firehose import pack_counted
from inlet.core.lake.rows import lake_row
from inlet.destinations.aws_answers import SDK_ERRORS, sdk_failure
from inlet.destinations.kind import DELIVERED, REFUSED, RETRY, Answer, Context, Delivery, Destination, Kind

STREAM_ENV = "LAKE_STREAM"  # the Firehose stream's name (template.yaml, when DataLake is Enabled)
MAX_ROWS = 500  # one send: one PutRecordBatch call (at most 500 records, 4 MiB)
_local_writer: Callable[[list[dict]], object] | None = None


def use_local_writer(writer: Callable[[list[dict]], object] | None) -> None:
    """The local stack's Parquet writer (the CLI has DuckDB; the Lambda layer has not); ``None`` to remove it."""
    global _local_writer
    _local_writer = writer


def configure(options: dict, deployed: bool) -> dict:
    given = sorted(name for name, value in options.items() if value)
    if given:
        raise ValueError(f"the lake takes no settings (given: {', '.join(given)}): it is the stack's own")
    return {}


def send(destination: Destination, deliveries: list[Delivery], context: Context) -> list[Answer]:
    rows = [lake_row(d.body) for d in deliveries]
    if _local_writer is not None:
        _local_writer(rows)
        return [Answer(DELIVERED, response="written to the local lake")] * len(rows)
    stream = os.environ.get(STREAM_ENV, "")
    if not stream:
        return [Answer(REFUSED, "lake_off: this stack has no data lake (deploy it with DataLake=Enabled)")] * len(rows)
    packed = pack_counted(rows)
    try:
        answer = context.client("firehose").put_record_batch(
            DeliveryStreamName=stream, Records=[{"Data": record} for record, _ in packed]
        )
    except SDK_ERRORS as exc:
        return [sdk_failure("lake", exc)] * len(rows)
    answers = []
    for (_, count), response in zip(packed, answer.get("RequestResponses") or [], strict=False):
        code = response.get("ErrorCode")
        fate = Answer(RETRY, f"lake_{code}: {response.get('ErrorMessage', '')}") if code else Answer(DELIVERED)
        answers.extend([fate] * count)
    return answers + [Answer(RETRY, "lake_no_answer")] * (len(rows) - len(answers))


KIND = Kind(
    name="lake",
    summary="the stack's data lake: Parquet in S3 through Firehose, queried with Athena (`inlet query`)",
    configure=configure,
    send=send,
    target=lambda destination: "the stack's data lake",
    max_batch=MAX_ROWS,
)
