"""The engine's contexts in a process of their own, stopped from outside when a call outlives its time limit.

QuickJS enforces a call's time limit by polling an interrupt handler from its interpreter loop; its native built-ins
do not poll. ``Array.prototype.join`` over ``{length: 2 ** 53 - 1}``, ``String.prototype.indexOf`` searching a 1 MB
needle in a 2 MB haystack, ``copyWithin``, ``splice``, ``reverse`` run in C for as long as the script asked, and no
thread of the process can stop them: Python cannot interrupt a thread in native code, QuickJS cannot be entered from
another thread. So the contexts live in a worker process (``worker.py``; one per thread that decodes, see
``remote_sandbox.py``) and this side watches each request's CPU time (``/proc``; elapsed time elsewhere): a request
past ``OVERRUN_FACTOR`` times its limit plus ``GRACE_SECONDS`` has the worker killed, every context in it lost, the
call failed on its time limit.

The worker also gives each thread its own CPU clock: QuickJS measures a call with ``clock()``, the CPU time of the
whole process, so in a threaded server one tenant's decoding used up another's limit. And it holds no secret: its
environment is only what Python needs to start. Messages are length-prefixed JSON (``orjson``), never pickles.
"""

from __future__ import annotations

import os
import select
import struct
import subprocess
import sys
import time
from collections import deque

import orjson

from inlet.adapters.javascript.limits import ScriptLimits
from inlet.adapters.javascript.sandbox import OVERRUN_FACTOR, LoadFailure

GRACE_SECONDS = 0.25  # CPU time beyond OVERRUN_FACTOR times the limit before the worker is stopped
WALL_FACTOR = 20  # without /proc: elapsed time, far more generous (other processes share the CPU)
POLL_SECONDS = 0.02
PIPE_BYTES = 1024 * 1024
_HEADER = struct.Struct(">I")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class WorkerLost(Exception):
    """The worker was stopped (a request outlived its limit) or died: every context in it is gone."""

    def __init__(self, overran: bool) -> None:
        super().__init__("a request outlived its limit" if overran else "the engine process stopped")
        self.overran = overran


class BuildStopped(LoadFailure):
    """Building a context was stopped: unlike a script that does not compile, it may succeed next time."""


class Worker:
    """One worker process and the contexts it holds, used by one thread at a time."""

    def __init__(self) -> None:
        self.generation = 0
        self._process: subprocess.Popen | None = None
        self._next_id = 0
        self.to_drop: deque[int] = deque()  # contexts no longer used (from any thread), freed with the next request

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def request(self, message: list, limits: ScriptLimits) -> list:
        """Send one request and wait for its answer; raise WorkerLost when it took too long (or the worker died)."""
        process = self._started()
        drops = []
        while self.to_drop:
            drops.append(self.to_drop.popleft())
        if drops:
            message = [*message, drops]
        try:
            self._send(process, orjson.dumps(message))
            return orjson.loads(self._receive(process, limits))
        except (OSError, ValueError, struct.error, orjson.JSONDecodeError):
            self.stop()
            raise WorkerLost(overran=False) from None

    def died(self) -> bool:
        """Whether the worker ended on its own since its last answer (its contexts with it): then it is stopped."""
        if self._process is not None and self._process.poll() is not None:
            self.stop()
            return True
        return False

    def stop(self) -> None:
        """Kill the worker: its contexts are gone, the sandboxes naming them are stale."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                stream.close()
        self._process = None
        self.generation += 1
        self.to_drop.clear()

    def _started(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            if self._process is not None:
                self.stop()
            environment = {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p), "PATH": os.environ.get("PATH", "")}
            self._process = subprocess.Popen(
                [sys.executable, "-m", "inlet.adapters.javascript.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=environment,
                close_fds=True,
            )
            for stream in (self._process.stdin, self._process.stdout):
                _widen(stream)
        return self._process

    @staticmethod
    def _send(process: subprocess.Popen, body: bytes) -> None:
        process.stdin.write(_HEADER.pack(len(body)) + body)
        process.stdin.flush()

    def _receive(self, process: subprocess.Popen, limits: ScriptLimits) -> bytes:
        stream = process.stdout
        cpu_limit = OVERRUN_FACTOR * limits.cpu_ms / 1000 + GRACE_SECONDS
        cpu_start, wall_start = _cpu_seconds(process.pid), time.monotonic()
        while not select.select([stream], [], [], POLL_SECONDS)[0]:
            cpu = _cpu_seconds(process.pid)
            used = cpu - cpu_start if cpu is not None and cpu_start is not None else None
            elapsed = time.monotonic() - wall_start
            if (used is not None and used > cpu_limit) or elapsed > WALL_FACTOR * cpu_limit:
                self.stop()
                raise WorkerLost(overran=True)
        size = _HEADER.unpack(_read_exactly(stream, _HEADER.size))[0]
        return _read_exactly(stream, size)


def _widen(stream) -> None:
    """A pipe of a megabyte where Linux allows it: a call's input (up to 256 KB, batches.py) and its answers are then
    written at once, instead of a 64 KB piece per wake-up of the other side (measured: ~5 ms a call)."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):
        pass


def _read_exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) != size:
        raise OSError("the worker closed its output")
    return data


def _cpu_seconds(pid: int) -> float | None:
    """The process's CPU time (user + system) from /proc, or None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return None
