"""DynamoDB Streams (Records table) -> Amazon Data Firehose -> S3 as Parquet: wiring only.

The event source mapping filters INSERTs of the chosen tenants (template.yaml); ``LAKE_TENANTS`` filters again, so
that a mapping edited by hand cannot widen what reaches the lake. A batch that Firehose refuses raises: Lambda
retries it (bisecting, then to the on-failure destination), and rows are never reported sent when they were not.
"""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger
from inlet.adapters.lake_firehose import FirehoseLake
from inlet.service.lake_feed import chosen_tenants, rows_from_stream

logger = Logger()
_lake: FirehoseLake | None = None


def lake() -> FirehoseLake:
    global _lake
    if _lake is None:
        _lake = FirehoseLake(os.environ["LAKE_STREAM"])
    return _lake


@logger.inject_lambda_context(clear_state=True, log_event=False)
def handler(event: dict, context: object) -> dict:
    records = event.get("Records") or []
    rows = rows_from_stream(records, chosen_tenants(os.environ.get("LAKE_TENANTS", "")))
    calls = lake().put_rows(rows) if rows else 0
    logger.info("lake rows sent", changes=len(records), rows=len(rows), firehose_calls=calls)
    return {"rows": len(rows)}
