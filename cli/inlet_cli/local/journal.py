"""The local stack's memory across restarts: every change made to the emulator is written to a journal file, and a
restart plays the journal back. moto keeps everything in this process's memory and has no persistence of its own.

What is kept: DynamoDB items (devices, records, device events, connectors, deduplication claims, the request log) and
SSM parameters (keys, the key tag secret, TagoIO network tokens): every call that changes them and succeeded, as the
emulator received it (its target and JSON body). Not kept: SQS messages (the local TagoIO forwarding's queues start
empty) and the tables' definitions (created from template.yaml at each start, before the journal is played back).

Durability: a change is written to the journal (the operating system's buffers) before the emulator's answer leaves,
so the stack never answers 2xx for an uplink the journal has not seen: ``kill -9`` of the stack loses nothing it
answered. The journal is fsync'd once a second, so a crash of the machine loses at most the last second; Ctrl-C and
``kill`` flush and compact it (``snapshot``). Changes are applied and written one at a time, in the same order.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from io import BytesIO
from pathlib import Path

# The calls that change what is kept; anything else (reads, SQS, table definitions) is not written.
KEPT_CALLS = frozenset(
    [f"DynamoDB_20120810.{op}" for op in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")]
    + ["DynamoDB_20120810.TransactWriteItems"]
    + [f"AmazonSSM.{op}" for op in ("PutParameter", "DeleteParameter", "DeleteParameters")]
)
SYNC_SECONDS = 1.0


class Journal:
    """An append-only file of the emulator's changes, one JSON line each: ``{"target", "region", "body"}``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # keys' configurations: private
        self._file = os.fdopen(fd, "a", encoding="utf-8")
        self.lock = threading.Lock()  # one change at a time: applied and written in the same order
        self.recording = True  # off while the files are played back into the emulator
        self._unsynced = False
        self._stop = threading.Event()
        self._syncer = threading.Thread(target=self._sync_every_second, name="inlet-journal-sync", daemon=True)
        self._syncer.start()

    def append(self, target: str, region: str, body: str) -> None:
        """Called with ``lock`` held, before the emulator's answer is sent."""
        self._file.write(json.dumps({"target": target, "region": region, "body": body}) + "\n")
        self._file.flush()  # in the OS's buffers: the process may die now and nothing answered is lost
        self._unsynced = True

    def sync(self) -> None:
        with self.lock:
            if self._unsynced:
                os.fsync(self._file.fileno())
                self._unsynced = False

    def truncate(self) -> None:
        """Empty the journal (its changes are in a snapshot); called with ``lock`` held."""
        self._file.flush()
        self._file.truncate(0)
        os.fsync(self._file.fileno())
        self._unsynced = False

    def close(self) -> None:
        self._stop.set()
        self._syncer.join(2 * SYNC_SECONDS)
        self.sync()
        self._file.close()

    def _sync_every_second(self) -> None:
        while not self._stop.wait(SYNC_SECONDS):
            self.sync()


def read_changes(path: Path) -> Iterator[dict]:
    """The changes of a journal or snapshot file, in order; a last line cut short by a crash is skipped."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            try:
                yield json.loads(line)
            except ValueError:
                continue  # only the last line can be partial: the process died while writing it


def journaling(app: Callable, journal: Journal) -> Callable:
    """A WSGI middleware in front of the emulator: each kept call is applied and journaled under the lock."""

    def middleware(environ: dict, start_response: Callable) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target not in KEPT_CALLS or not journal.recording:
            return app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = BytesIO(body)
        answer: list = []
        with journal.lock:
            result = app(environ, lambda status, headers, *exc: answer.append((status, headers)))
            try:
                chunks = b"".join(result)
            finally:
                getattr(result, "close", lambda: None)()
            status, headers = answer[0]
            if status.startswith("200"):
                journal.append(target, region_of(environ), body.decode("utf-8"))
        start_response(status, headers)
        return [chunks]

    return middleware


def region_of(environ: dict) -> str:
    """The region of a SigV4 ``Authorization`` header's credential scope (``.../<date>/<region>/<service>/...``)."""
    scope = environ.get("HTTP_AUTHORIZATION", "").split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    return scope[2] if len(scope) >= 4 else "us-east-1"
