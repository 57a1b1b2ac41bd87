"""The local stand-in for the lake's delivery path: what Lambda's DynamoDB Streams event source and Firehose do on
AWS, done by a thread of ``inlet local run`` against the emulator's stream of the Records table.

It reads the stream (``GetRecords``, one shard as the emulator has), keeps the INSERTs of the chosen tenants
(``inlet.service.lake_feed``, the code the Lambda function runs) and writes them as Parquet through ``LocalLake``
every ``interval`` seconds (Firehose's buffering interval, shortened so that a query sees an uplink at once).
"""

from __future__ import annotations

import logging
import threading

from inlet.service.lake_feed import chosen_tenants, rows_from_stream

from inlet_cli.lake.local_lake import LocalLake

logger = logging.getLogger("inlet.lake")
STREAM_VIEW = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}


def enable_stream(dynamodb, table: str) -> str:
    """The Records table's stream (NEW_IMAGE, as template.yaml has it when the lake is on); its ARN."""
    described = dynamodb.describe_table(TableName=table)["Table"]
    if described.get("LatestStreamArn") and described.get("StreamSpecification", {}).get("StreamEnabled"):
        return described["LatestStreamArn"]
    return dynamodb.update_table(TableName=table, StreamSpecification=STREAM_VIEW)["TableDescription"][
        "LatestStreamArn"
    ]


class LocalFeed:
    def __init__(self, streams, stream_arn: str, lake: LocalLake, tenants: str = "*", interval: float = 1.0) -> None:
        self._streams = streams
        self._arn = stream_arn
        self._lake = lake
        self._tenants = chosen_tenants(tenants)
        self._interval = interval
        self._iterators: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="inlet-lake", daemon=True)
        self.rows_written = 0
        self.root = lake.root

    def start(self) -> LocalFeed:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.poll_once()  # what arrived during the last interval

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.poll_once()
            except Exception:  # the endpoint keeps serving; the next round retries from the same iterators
                logger.exception("local lake: reading the Records stream failed")

    def poll_once(self) -> int:
        """Read what the stream has now and write it; the number of rows written."""
        changes = []
        for shard in self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"].get("Shards", []):
            changes.extend(self._read_shard(shard["ShardId"]))
        rows = rows_from_stream(changes, self._tenants)
        if rows:
            self._lake.write_rows(rows)
            self.rows_written += len(rows)
        return len(rows)

    def _read_shard(self, shard_id: str) -> list[dict]:
        iterator = (
            self._iterators.get(shard_id)
            or self._streams.get_shard_iterator(
                StreamArn=self._arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
        )
        changes = []
        while iterator:
            answer = self._streams.get_records(ShardIterator=iterator, Limit=1000)
            changes.extend(answer.get("Records", []))
            next_iterator = answer.get("NextShardIterator")
            if not answer.get("Records") or not next_iterator:
                self._iterators[shard_id] = next_iterator or iterator
                break
            iterator = next_iterator
        return changes
