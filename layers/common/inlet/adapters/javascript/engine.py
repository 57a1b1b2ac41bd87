"""Decode with JavaScript connectors: sandboxes reused per connector version, scope and thread, batches of uplinks.

A fresh QuickJS context per uplink costs milliseconds; a 1,000-uplink batch cannot afford it. A context is
therefore kept per (scope, connector version) in each thread (QuickJS contexts must not move between threads), the
least recently used dropped beyond ``max_contexts``. The scope is the tenant: two tenants never share a context,
whatever the script does. Within a tenant, the script's variables are fresh for every uplink and the realm is
checked whenever the device changes (realm.js); a context that hit a limit is never used again.

Many uplinks are decoded in one call into the engine (``decode_many``, see ``batches``), each still under its own
limits: a limit that stops a call decides only for the uplink it stopped when that uplink was the call's first;
otherwise the call's earlier answers are kept and the rest starts again, that uplink first, in a fresh context.

Two bounds hold beyond one call's: the time of a request's decoding (``time_left``, see service/decoding.py): no
call nor context build starts that could end past it, the uplinks left are deferred (stored undecoded, flagged);
and the engine's memory per container: the context used is measured after each batch and the least recently used
dropped while their sum passes ``max_memory_bytes``. What is guaranteed: docs/decoder-sandbox.md.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from inlet.adapters.javascript.answers import decoding_of
from inlet.adapters.javascript.batches import chunk_end, encode_jobs, prepared, record_pace
from inlet.adapters.javascript.isolation import BuildStopped
from inlet.adapters.javascript.limits import DEFAULT_LIMITS, ScriptLimits
from inlet.adapters.javascript.remote_sandbox import RemoteSandbox
from inlet.adapters.javascript.sandbox import BatchRun, LoadFailure, ScriptFailure
from inlet.core.decoding.contracts import MAX_DECODED_BYTES, bounded_reason
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import Connector


class Job(NamedTuple):
    device: str
    script_input: object  # TagoIO's: a list of records, or the same in columns (tagoio_columns)
    device_info: dict | None = None  # TagoIO's ``device``


MAX_ENGINE_MEMORY = 96 * 1024 * 1024  # the contexts kept; one more may grow to its own limit while it runs
BUILD_SECONDS = 0.05  # what building a context may take beside its script's first call (measured: ~10 ms)
DEFERRED = "not decoded: the request's decoding budget ran out; the payload is kept and can be decoded again"


class ScriptEngine:
    def __init__(
        self,
        limits: dict[str, ScriptLimits] | None = None,
        max_contexts: int = 32,
        max_memory_bytes: int = MAX_ENGINE_MEMORY,
    ) -> None:
        self._limits = limits or DEFAULT_LIMITS
        self._max_contexts = max_contexts
        self._max_memory = max_memory_bytes
        self._local = threading.local()

    def decode(
        self,
        connector: Connector,
        scope: str,
        device: str,
        script_input: object,
        device_info: dict | None = None,
        logs: bool = False,
        keep_input: bool = False,
        time_left: Callable[[], float] | None = None,
    ) -> Decoding:
        """Run the connector on one uplink's input; every failure is a failed Decoding, never an exception.

        ``logs``: also return the script's console lines (`inlet decode`); ingest does not keep them.
        """
        job = Job(device, script_input, device_info)
        decoding = self.decode_many(connector, scope, [job], keep_input, time_left)[0]
        if logs:
            decoding.logs = self._logs(connector, scope)
        return decoding

    def decode_many(
        self,
        connector: Connector,
        scope: str,
        jobs: list[Job],
        keep_input: bool = False,
        time_left: Callable[[], float] | None = None,
    ) -> list[Decoding]:
        """One Decoding per job, in order. Give a device's uplinks one after the other: the realm is checked (and
        perhaps the context replaced) whenever the device changes. ``keep_input``: a TagoIO result that holds input
        records is a ``KeptInput`` (what a record stores, see core/decoding/kept_input.py) instead of the list.
        ``time_left``: the seconds left to the request's decoding; the jobs it leaves no time for are deferred."""
        jobs = prepared(connector.kind, jobs)
        lines = encode_jobs(connector.kind, jobs)
        results: list[Decoding | None] = [None] * len(jobs)
        call_seconds = self._limits[connector.kind].cpu_ms / 1000
        start = 0
        while start < len(jobs):
            if time_left is not None and not self._fits(time_left(), call_seconds, connector, scope):
                results[start:] = [Decoding.deferral(connector.label, DEFERRED) for _ in jobs[start:]]
                break
            try:
                sandbox = self._sandbox(connector, scope)
            except LoadFailure as failure:
                results[start:] = [Decoding.failure(connector.label, str(failure)) for _ in jobs[start:]]
                break
            end = chunk_end(lines, start, sandbox)
            started = time.perf_counter()
            run = sandbox.run_batch("\n".join(lines[start:end]), MAX_DECODED_BYTES)
            record_pace(sandbox, run.next, time.perf_counter() - started)
            for offset, answer in enumerate(run.answers[: end - start]):
                results[start + offset] = decoding_of(connector, answer, jobs[start + offset], keep_input)
            start = self._continue_after(run, connector, scope, start, results)
        self._bound_memory(connector, scope)
        return [result or Decoding.failure(connector.label, "engine error: no answer") for result in results]

    def _fits(self, seconds_left: float, call_seconds: float, connector: Connector, scope: str) -> bool:
        """Whether a call (and the build of its context, when there is none) can end before the budget does."""
        sandbox = self._contexts().get((scope, connector.label))
        built = isinstance(sandbox, RemoteSandbox) and sandbox.usable()
        return seconds_left >= call_seconds + (0 if built else BUILD_SECONDS + call_seconds)

    def _bound_memory(self, connector: Connector, scope: str) -> None:
        """Measure the context just used (once a batch: measuring walks its objects, ~0.1 ms for a TagoIO parser's);
        drop the least recently used ones while the sum passes the cap."""
        contexts = self._contexts()
        used = contexts.get((scope, connector.label))
        if isinstance(used, RemoteSandbox):
            used.measure_memory()
        total = sum(s.memory_bytes for s in contexts.values() if isinstance(s, RemoteSandbox))
        while total > self._max_memory and contexts:
            _, dropped = contexts.popitem(last=False)
            if isinstance(dropped, RemoteSandbox):
                total -= dropped.memory_bytes

    def memory_in_use(self) -> int:
        """The memory of this thread's contexts, as last measured (bytes)."""
        return sum(s.memory_bytes for s in self._contexts().values() if isinstance(s, RemoteSandbox))

    def _continue_after(self, run: BatchRun, connector: Connector, scope: str, start: int, results: list) -> int:
        """Where the next call starts; a limit gives its verdict only for an uplink that was the first of its call."""
        stopped = start + run.next
        if run.failure is None:
            if run.fresh_context:
                self._drop(connector, scope)
            return stopped
        self._drop(connector, scope)
        if run.next == 0:
            results[stopped] = Decoding.failure(connector.label, bounded_reason(run.failure.reason))
            return stopped + 1
        return stopped  # that uplink shared the call's limits with others: it runs again, first of the next call

    def _sandbox(self, connector: Connector, scope: str) -> RemoteSandbox:
        contexts = self._contexts()
        key = (scope, connector.label)
        sandbox = contexts.get(key)
        if isinstance(sandbox, LoadFailure):
            raise sandbox
        if sandbox is not None and sandbox.usable():
            contexts.move_to_end(key)
            return sandbox
        try:
            sandbox = RemoteSandbox(connector.kind, connector.source, self._limits[connector.kind])
        except LoadFailure as failure:
            if not isinstance(failure, BuildStopped):
                contexts[key] = failure  # a version never changes: it will not compile next time either
            raise
        pace = getattr(self._local, "pace", None)
        if pace is not None and pace[0] == connector.label:
            sandbox.seconds_per_job = pace[1]
        contexts[key] = sandbox
        while len(contexts) > self._max_contexts:
            contexts.popitem(last=False)
        return sandbox

    def _drop(self, connector: Connector, scope: str) -> None:
        """Throw a context away; its pace goes to the next one (the script is the same: so is its time per job)."""
        dropped = self._contexts().pop((scope, connector.label), None)
        if isinstance(dropped, RemoteSandbox):
            self._local.pace = (connector.label, dropped.seconds_per_job)

    def _logs(self, connector: Connector, scope: str) -> list[str]:
        sandbox = self._contexts().get((scope, connector.label))
        if not isinstance(sandbox, RemoteSandbox):
            return []
        try:
            return sandbox.logs()
        except ScriptFailure:
            return []

    def _contexts(self) -> OrderedDict:
        contexts = getattr(self._local, "contexts", None)
        if contexts is None:
            contexts = self._local.contexts = OrderedDict()
        return contexts
