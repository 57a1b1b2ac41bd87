"""The local stack's data under ``<state dir>/data/``: a snapshot (everything kept, as the calls that recreate it)
and the journal of changes made since (``journal``). A start plays both back into the fresh emulator, then compacts:
a new snapshot of what is there now replaces the old one and the journal starts empty; a clean stop compacts too.

Both files are JSON lines of emulator calls (``{"target", "region", "body"}``), played back over HTTP as the stack's
own clients made them: a snapshot is one ``BatchWriteItem`` per 25 items of a table and one ``PutParameter`` per
parameter. ``inlet local reset`` (``make run RESET=1``) deletes the folder.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from inlet_cli.errors import CliError
from inlet_cli.local import env as local_env
from inlet_cli.local.journal import Journal, read_changes

DATA_DIR = "data"
SNAPSHOT_FILE = "snapshot.jsonl"
JOURNAL_FILE = "journal.jsonl"
BATCH = 25  # items per BatchWriteItem, DynamoDB's limit


class Emulator:
    """Raw JSON calls to the emulator's endpoint (binary attributes stay base64 text, as on the wire)."""

    def __init__(self, endpoint_url: str, region: str) -> None:
        parts = urlsplit(endpoint_url)
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
        self.region = region

    def call(self, target: str, body: str, region: str | None = None) -> dict:
        service = "dynamodb" if target.startswith("DynamoDB") else "ssm"
        version = "1.0" if service == "dynamodb" else "1.1"
        scope = f"testing/20260101/{region or self.region}/{service}/aws4_request"
        headers = {
            "Content-Type": f"application/x-amz-json-{version}",
            "X-Amz-Target": target,
            "Authorization": f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=0",
        }
        self._connection.request("POST", "/", body=body.encode("utf-8"), headers=headers)
        answer = self._connection.getresponse()
        data = answer.read()
        if answer.status != 200:
            raise CliError(f"the emulator refused {target}: {answer.status} {data[:200]!r}")
        return json.loads(data or b"{}")

    def close(self) -> None:
        self._connection.close()


class Persistence:
    """Where a stack's data lives between runs, and the journal of the running one."""

    def __init__(self, state_dir: Path) -> None:
        self.directory = state_dir / DATA_DIR
        self.snapshot = self.directory / SNAPSHOT_FILE
        self.journal = Journal(self.directory / JOURNAL_FILE)
        self.journal.recording = False  # nothing is written while the files are played back; compact() starts it

    def restore(self, emulator: Emulator) -> int:
        """Play the snapshot, then the journal, back into the emulator; the number of calls played."""
        played = 0
        for path in (self.snapshot, self.journal.path):
            for change in read_changes(path):
                emulator.call(change["target"], change["body"], change.get("region"))
                played += 1
        return played

    def compact(self, emulator: Emulator) -> None:
        """A snapshot of what the emulator holds now replaces the old one; the journal starts empty."""
        with self.journal.lock:
            scratch = self.snapshot.with_suffix(".tmp")
            fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                for change in snapshot_of(emulator):
                    handle.write(json.dumps(change) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(scratch, self.snapshot)
            self.journal.truncate()
        self.journal.recording = True

    def start(self, emulator: Emulator) -> int:
        """Restore, then compact: from now on every change is journaled on top of a snapshot of what is here."""
        played = self.restore(emulator)
        self.compact(emulator)
        if played:
            print(f"Kept data: {played} changes of the previous runs played back from {self.directory}", flush=True)
        return played

    def stop(self, emulator: Emulator) -> None:
        """At a clean stop the journal is compacted into a snapshot (after a crash it is played back next time)."""
        try:
            self.compact(emulator)
        finally:
            emulator.close()
            self.journal.close()


def snapshot_of(emulator: Emulator) -> Iterator[dict]:
    for table in local_env.TABLES.values():
        for items in _scan(emulator, table):
            for start in range(0, len(items), BATCH):
                puts = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH]]
                body = json.dumps({"RequestItems": {table: puts}})
                yield {"target": "DynamoDB_20120810.BatchWriteItem", "region": emulator.region, "body": body}
    for parameter in _parameters(emulator):
        body = {"Name": parameter["Name"], "Type": parameter["Type"], "Value": parameter["Value"], "Overwrite": True}
        yield {"target": "AmazonSSM.PutParameter", "region": emulator.region, "body": json.dumps(body)}


def _scan(emulator: Emulator, table: str) -> Iterator[list[dict]]:
    request: dict = {"TableName": table}
    while True:
        page = emulator.call("DynamoDB_20120810.Scan", json.dumps(request))
        yield page.get("Items", [])
        if not page.get("LastEvaluatedKey"):
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _parameters(emulator: Emulator) -> Iterator[dict]:
    request: dict = {"Path": "/", "Recursive": True, "WithDecryption": True, "MaxResults": 10}
    while True:
        page = emulator.call("AmazonSSM.GetParametersByPath", json.dumps(request))
        yield from page.get("Parameters", [])
        if not page.get("NextToken"):
            return
        request["NextToken"] = page["NextToken"]


def has_data(state_dir: Path) -> bool:
    data = state_dir / DATA_DIR
    return any((data / name).exists() and (data / name).stat().st_size for name in (SNAPSHOT_FILE, JOURNAL_FILE))


def reset(state_dir: Path) -> bool:
    """Forget a stopped stack's data; True when there was some."""
    data = state_dir / DATA_DIR
    if not data.exists():
        return False
    shutil.rmtree(data)
    return True
