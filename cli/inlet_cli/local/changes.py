"""How the local stack sees the CLI's changes at once, where a deployed function's caches would delay them.

A warm uplink function caches keys and devices (a found device 300 s, an unknown serial 10 s, a key 60 s): on AWS a
device added right after a refused uplink is refused until the miss expires, and the CLI says so. On the local stack
there is one warm instance and the CLI knows where it is: after each change of keys or devices made with ``--local``,
the CLI rewrites a marker file in the state directory, and before each invocation the stack compares the marker with
the last one it saw; when it changed, the function instance is recycled (its caches start empty, its clients stay).
One ``stat`` per request; nothing is polled while idle.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

CHANGES_FILE = "changes"


def announce_change(directory: Path) -> None:
    """Tell the local stack whose state is in ``directory`` that keys or devices changed."""
    path = directory / CHANGES_FILE
    scratch = path.with_name(f".{CHANGES_FILE}.{secrets.token_hex(4)}")
    scratch.write_text(secrets.token_hex(8) + "\n")
    os.replace(scratch, path)  # a new inode each time: the stack cannot miss two changes within one clock tick


class ChangeWatcher:
    """Calls ``on_change`` from ``check()`` when the marker differs from the one seen at the previous check."""

    def __init__(self, directory: Path, on_change: Callable[[], None]) -> None:
        self._path = directory / CHANGES_FILE
        self._on_change = on_change
        self._seen = self._signature()

    def check(self) -> None:
        signature = self._signature()
        if signature != self._seen:
            self._seen = signature
            self._on_change()

    def _signature(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self._path)
        except FileNotFoundError:
            return None
        return status.st_ino, status.st_mtime_ns
