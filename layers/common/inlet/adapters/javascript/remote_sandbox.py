"""A sandbox whose context lives in a worker process (isolation.py), with the interface the engine uses.

QuickJS contexts must stay on one thread, so each thread that decodes holds a worker of its own; when the thread ends
(the local server runs each request in a new one) its worker goes back to a small pool for the next thread.
"""

from __future__ import annotations

import threading

from inlet.adapters.javascript.isolation import BuildStopped, Worker, WorkerLost
from inlet.adapters.javascript.limits import ScriptLimits
from inlet.adapters.javascript.sandbox import BatchRun, LoadFailure, ScriptFailure, batch_run, time_reason

_local = threading.local()
_idle: list[Worker] = []  # workers of threads that ended, ready for the next thread (make run: one per request)
_idle_lock = threading.Lock()
MAX_IDLE_WORKERS = 4


class _Lease:
    """A thread's hold on a worker: when the thread ends (its thread-local data is freed), the worker goes back."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    def __del__(self) -> None:
        with _idle_lock:
            if len(_idle) < MAX_IDLE_WORKERS:
                _idle.append(self.worker)
                return
        self.worker.stop()


def thread_worker() -> Worker:
    """This thread's worker (QuickJS contexts must stay on one thread: a worker serves one thread at a time)."""
    lease = getattr(_local, "lease", None)
    if lease is None:
        with _idle_lock:
            worker = _idle.pop() if _idle else Worker()
        lease = _local.lease = _Lease(worker)
    return lease.worker


class RemoteSandbox:
    """A Sandbox (sandbox.py) in this thread's worker: the same interface for the engine."""

    def __init__(self, kind: str, source: str, limits: ScriptLimits) -> None:
        self.limits = limits
        self.seconds_per_job: float | None = None
        self._memory = 0
        self._worker = thread_worker()
        self._generation = self._worker.generation
        self._id = self._worker.new_id()
        request = ["build", self._id, kind, source, limits.cpu_ms, limits.memory_bytes, limits.stack_bytes]
        try:
            answer = self._worker.request(request, limits)
        except WorkerLost as lost:
            raise BuildStopped(f"building the context stopped: {lost}") from None
        if answer[0] == "load":
            raise LoadFailure(answer[1])
        self._memory = answer[1]

    @property
    def memory_bytes(self) -> int:
        """What the context held when last measured; nothing once its worker was stopped."""
        return self._memory if self.alive else 0

    @property
    def alive(self) -> bool:
        """False once the worker holding it was stopped."""
        return self._generation == self._worker.generation

    def usable(self) -> bool:
        """Alive, its worker found running (one that died on its own is noticed here, and stopped)."""
        return not self._worker.died() and self.alive

    def run_batch(self, jobs_text: str, max_output: int) -> BatchRun:
        try:
            raw = self._request(["run", self._id, jobs_text, max_output])
        except WorkerLost as lost:  # a crash of QuickJS ends here too, instead of the whole function
            reason = time_reason(self.limits) if lost.overran else f"engine error: {lost}"
            return BatchRun([], 0, ScriptFailure(reason, broken=True))
        self._memory = raw["memory"]
        return batch_run(raw, self.limits)

    def measure_memory(self) -> None:
        """Nothing to do: the worker measures the context after every call (worker.py)."""

    def logs(self) -> list[str]:
        try:
            return self._request(["logs", self._id])
        except WorkerLost:
            return []

    def _request(self, message: list) -> object:
        if self._worker.died() or not self.alive:
            raise WorkerLost(overran=False)
        return self._worker.request(message, self.limits)

    def __del__(self) -> None:  # frees its context in the worker with the next request
        if self.alive:
            self._worker.to_drop.append(self._id)
