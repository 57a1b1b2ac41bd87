"""Decode with JavaScript connectors: sandboxes reused per connector version, scope and thread, batches of uplinks.

A fresh QuickJS context per uplink costs milliseconds; a 1,000-uplink batch cannot afford it. A context is
therefore kept per (scope, connector version) in each thread (QuickJS contexts must not move between threads), the
least recently used dropped beyond ``max_contexts``. The scope is the tenant: two tenants never share a context,
whatever the script does. Within a tenant, the script's variables are fresh for every uplink and the realm is
checked whenever the device changes (realm.js); a context that hit a limit is never used again.

Many uplinks are decoded in one call into the engine (``decode_many``, see ``batches``), each still under its own
limits: a limit that stops a call decides only for the uplink it stopped when that uplink was the call's first;
otherwise the call's earlier answers are kept and the rest starts again, that uplink first, in a fresh context.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from inlet.adapters.javascript.batches import chunk_end, encode_jobs, prepared, record_pace
from inlet.adapters.javascript.limits import DEFAULT_LIMITS, ScriptLimits
from inlet.adapters.javascript.sandbox import BatchRun, LoadFailure, Sandbox, ScriptFailure
from inlet.codecs import codec_for
from inlet.core.decoding.contracts import MAX_DECODED_BYTES, ContractViolation, check_tagoio_record
from inlet.core.decoding.kept_input import KeptInput, kept_input
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import Connector


class Job(NamedTuple):
    device: str
    script_input: object  # TagoIO's: a list of records, or the same in columns (tagoio_columns)
    device_info: dict | None = None  # TagoIO's ``device``


class ScriptEngine:
    def __init__(self, limits: dict[str, ScriptLimits] | None = None, max_contexts: int = 32) -> None:
        self._limits = limits or DEFAULT_LIMITS
        self._max_contexts = max_contexts
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
    ) -> Decoding:
        """Run the connector on one uplink's input; every failure is a failed Decoding, never an exception.

        ``logs``: also return the script's console lines (`inlet decode`); ingest does not keep them.
        """
        decoding = self.decode_many(connector, scope, [Job(device, script_input, device_info)], keep_input)[0]
        if logs:
            decoding.logs = self._logs(connector, scope)
        return decoding

    def decode_many(
        self, connector: Connector, scope: str, jobs: list[Job], keep_input: bool = False
    ) -> list[Decoding]:
        """One Decoding per job, in order. Give a device's uplinks one after the other: the realm is checked (and
        perhaps the context replaced) whenever the device changes. ``keep_input``: a TagoIO result that holds input
        records is a ``KeptInput`` (what a record stores, see core/decoding/kept_input.py) instead of the list."""
        jobs = prepared(connector.kind, jobs)
        lines = encode_jobs(connector.kind, jobs)
        results: list[Decoding | None] = [None] * len(jobs)
        start = 0
        while start < len(jobs):
            try:
                sandbox = self._sandbox(connector, scope)
            except LoadFailure as failure:
                results[start:] = [Decoding.failure(connector.label, str(failure)) for _ in jobs[start:]]
                break
            end = chunk_end(lines, start, sandbox)
            started = time.perf_counter()
            run = sandbox.run_batch("\n".join(lines[start:end]), MAX_DECODED_BYTES)
            record_pace(sandbox, run.next, time.perf_counter() - started)
            for offset, answer in enumerate(run.answers):
                results[start + offset] = _decoding(connector, answer, jobs[start + offset], keep_input)
            start = self._continue_after(run, connector, scope, start, results)
        return results  # type: ignore[return-value]  # every job has its Decoding

    def _continue_after(self, run: BatchRun, connector: Connector, scope: str, start: int, results: list) -> int:
        """Where the next call starts; a limit gives its verdict only for an uplink that was the first of its call."""
        stopped = start + run.next
        if run.failure is None:
            if run.fresh_context:
                self._drop(connector, scope)
            return stopped
        self._drop(connector, scope)
        if run.next == 0:
            results[stopped] = Decoding.failure(connector.label, run.failure.reason)
            return stopped + 1
        return stopped  # that uplink shared the call's limits with others: it runs again, first of the next call

    def _sandbox(self, connector: Connector, scope: str) -> Sandbox:
        contexts = self._contexts()
        key = (scope, connector.label)
        sandbox = contexts.get(key)
        if isinstance(sandbox, LoadFailure):
            raise sandbox
        if sandbox is not None:
            contexts.move_to_end(key)
            return sandbox
        try:
            sandbox = Sandbox(connector.kind, connector.source, self._limits[connector.kind])
        except LoadFailure as failure:
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
        if isinstance(dropped, Sandbox):
            self._local.pace = (connector.label, dropped.seconds_per_job)

    def _logs(self, connector: Connector, scope: str) -> list[str]:
        sandbox = self._contexts().get((scope, connector.label))
        if not isinstance(sandbox, Sandbox):
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


def _decoding(connector: Connector, answer: list, job: Job, keep_input: bool = False) -> Decoding:
    """A job's answer from the engine: ``["R", routine, value]``, ``["E", message]``, ``["L", output length]`` or
    TagoIO's ``["T", length, runs, others]`` (input records sent back by index: tagoio.js)."""
    try:
        if answer[0] == "E":
            return Decoding.failure(connector.label, f"script error: {answer[1]}")
        if answer[0] == "L":
            raise ContractViolation(f"the decoded output is {answer[1]} bytes, the limit is {MAX_DECODED_BYTES}")
        if answer[0] == "T":
            kept = _payload_by_index(answer, job.script_input)
            return Decoding(connector.label, decoded=kept if keep_input else kept.records())
        return _read(connector, answer[1], answer[2])
    except ContractViolation as violation:
        return Decoding.failure(connector.label, f"wrong output: {violation}")


def _payload_by_index(answer: list, columns) -> KeptInput:
    """A TagoIO result from ``["T", n, runs [position, input index, count], others [position, record, ...]]``; only
    the others need checking: the plain input records are records with a name."""
    _, _, runs, others = answer
    for at in range(0, len(others), 2):
        check_tagoio_record(others[at], others[at + 1])
    return kept_input(runs, others, columns)


def _read(connector: Connector, routine: str, value: object) -> Decoding:
    return codec_for(connector.kind).read_answer(connector.label, routine, value)
