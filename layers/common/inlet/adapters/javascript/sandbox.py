"""One connector version's script in its own QuickJS context, with per-call limits and no way out.

QuickJS (the ``quickjs-ng`` package) is embedded without its ``std``/``os`` modules: a script has the language's
built-ins and nothing else; no file, network, environment or Python object is reachable from it. Values cross
as JSON text in both directions, and the text that comes back is read answer by answer when it cannot be read whole
(nested deeper than the reader allows): an answer that cannot be read fails its own uplink, never the batch. What
is guaranteed, and why each mechanism holds: docs/decoder-sandbox.md.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import orjson
import quickjs

from inlet.adapters.javascript.answers import read_answers
from inlet.adapters.javascript.limits import MB, ScriptLimits, limited_context
from inlet.adapters.javascript.source_check import LoadFailure, check_source, first_line
from inlet.adapters.javascript.wrappers import TAGOIO_WRAPPER, TS013_WRAPPER
from inlet.core.decoding.contracts import bounded_reason
from inlet.core.decoding.references import KIND_TAGOIO

BUFFER_JS = Path(__file__).with_name("buffer.js").read_text()
PRELUDE_JS = Path(__file__).with_name("prelude.js").read_text()
REALM_JS = Path(__file__).with_name("realm.js").read_text()
TAGOIO_JS = Path(__file__).with_name("tagoio.js").read_text()

# ``raw_payload`` can only be named in the source (or through an identifier escape, or a direct eval): a TagoIO
# script that cannot name it does not get the copy of its input, which costs as much as the input itself.
_NAMES_INPUT_COPY = re.compile(r"raw_payload|eval|\\u")
# A call that returns normally after more CPU time than this many times its limit ran where QuickJS's interrupt was
# swallowed (realm.js closes the one known place): its context is not used again.
OVERRUN_FACTOR = 3


def reads_its_input_copy(source: str) -> bool:
    return _NAMES_INPUT_COPY.search(source) is not None


class ScriptFailure(Exception):
    """A call that did not produce an answer: the reason, and whether the context must be thrown away."""

    def __init__(self, reason: str, broken: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.broken = broken  # limits hit: the context may be half-way through anything


@dataclass
class BatchRun:
    """What one call into the engine did with a batch of jobs."""

    answers: list  # per job answered, in order (engine._decoding reads them)
    next: int  # the first job not answered
    failure: ScriptFailure | None = None  # a limit stopped the call at ``next``: the context must go
    fresh_context: bool = False  # the realm changed before ``next``: the rest needs a fresh context


class Sandbox:
    def __init__(self, kind: str, source: str, limits: ScriptLimits) -> None:
        self.limits = limits
        check_source(kind, source, limits)
        self._context = limited_context(limits)
        batcher, self._take_logs = self._prelude()
        wrapper = TAGOIO_WRAPPER if kind == KIND_TAGOIO else TS013_WRAPPER
        try:  # only creates the wrapper function: check_source made sure the script is all inside it
            factory = self._context.eval(wrapper % source)
        except quickjs.JSException as exc:
            raise LoadFailure(f"the script does not compile: {bounded_reason(first_line(exc))}") from None
        except quickjs.StackOverflow:
            raise LoadFailure("the script does not compile: nested too deeply") from None
        batch = batcher(kind, factory, kind == KIND_TAGOIO and reads_its_input_copy(source))
        self._decode_all, self._take_done = batch(0), batch(1)
        self.seconds_per_job: float | None = None  # measured: how many jobs fit in one call's time limit
        self.memory_bytes = 0
        self.measure_memory()

    def measure_memory(self) -> None:
        """What the context holds now (QuickJS's allocations; ~40 µs for a small context: once per call)."""
        try:
            self.memory_bytes = int(self._context.memory()["malloc_size"])
        except (KeyError, TypeError, ValueError):
            self.memory_bytes = self.limits.memory_bytes

    def _prelude(self) -> tuple:
        make_buffer = self._context.eval(f"({BUFFER_JS})")  # buffer.js is one function declaration
        guard_realm = self._context.eval(f"({REALM_JS})")
        tagoio_payloads = self._context.eval(f"({TAGOIO_JS})")
        part = self._context.eval(PRELUDE_JS)(make_buffer, guard_realm, tagoio_payloads)
        return part(0), part(1)

    def run_batch(self, jobs_text: str, max_output: int) -> BatchRun:
        """Decode a JSON array of jobs in one call, under one call's limits; never raises."""
        return batch_run(self.raw_batch(jobs_text, max_output), self.limits)

    def raw_batch(self, jobs_text: str, max_output: int) -> dict:
        """What the call left, as text (what crosses from the worker, see isolation.py): ``batch_run`` reads it."""
        cpu_before = time.process_time()
        try:
            text = self._call(self._decode_all, jobs_text, max_output)
        except ScriptFailure as failure:
            return {"failure": failure.reason, "broken": failure.broken, "done": self._answered_text()}
        overran = time.process_time() - cpu_before > OVERRUN_FACTOR * self.limits.cpu_ms / 1000
        return {"text": text, "fresh": self._jobs_pending() or overran}

    def _jobs_pending(self) -> bool:
        """Whether the script left Promise jobs behind: they would hold memory (and run nowhere) in the next
        device's uplinks, so the context goes. Finding out runs one of them, under the time limit."""
        try:
            return bool(self._context.execute_pending_job())
        except (quickjs.JSException, quickjs.StackOverflow):
            return True

    def _answered_text(self) -> str | None:
        """The answers made before a limit ended the call (None if the context cannot even say)."""
        try:
            return self._call(self._take_done)
        except ScriptFailure:
            return None

    def logs(self) -> list[str]:
        return json.loads(self._call(self._take_logs))

    def _call(self, function, *args):
        try:
            return function(*args)
        except quickjs.StackOverflow:
            raise ScriptFailure(stack_reason(self.limits), broken=True) from None
        except quickjs.JSException as exc:
            raise ScriptFailure(self._limit_reason(exc), broken=True) from None
        except (TypeError, ValueError, OverflowError) as exc:  # a value the binding cannot convert
            raise ScriptFailure(f"engine error: {exc}", broken=True) from None

    def _limit_reason(self, exc: Exception) -> str:
        """What QuickJS ends a call with when it is not the script's own exception (those are caught in JS)."""
        text = first_line(exc)
        if "interrupted" in text:
            return time_reason(self.limits)
        if text in ("null", "") or "out of memory" in text:
            return memory_reason(self.limits)
        return f"engine error: {text}"


def batch_run(raw: dict, limits: ScriptLimits) -> BatchRun:
    """A BatchRun from what ``Sandbox.raw_batch`` left."""
    if "failure" in raw:
        try:
            answers = [] if raw["done"] is None else read_answers(raw["done"])[1]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            answers = []
        return BatchRun(answers, len(answers), ScriptFailure(raw["failure"], raw["broken"]))
    head, answers = read_answers(raw["text"])
    stop, at = head["stop"], min(head["at"], len(answers))  # never more than was answered
    if stop is None or stop == "full":
        return BatchRun(answers, at, fresh_context=raw["fresh"])
    if stop == "realm":
        return BatchRun(answers, at, fresh_context=True)
    return BatchRun(answers, at, script_error(stop, limits))


def script_error(message: str, limits: ScriptLimits) -> ScriptFailure:
    """A script may catch QuickJS's memory and stack errors (the time limit it cannot) or throw the same itself
    (nothing tells them apart): the call ends as at a limit, the context is not trusted again, and the reason
    says what was thrown. QuickJS throws null when it cannot even allocate the error of an out-of-memory."""
    if message.startswith("InternalError: out of memory") or message == "threw null":
        return ScriptFailure(f"script error: {message} ({memory_reason(limits)})", broken=True)
    if message.startswith("RangeError: Maximum call stack size exceeded"):
        return ScriptFailure(f"script error: {message} ({stack_reason(limits)})", broken=True)
    return ScriptFailure(f"script error: {message}")


def time_reason(limits: ScriptLimits) -> str:
    return f"time limit of {limits.cpu_ms} ms exceeded"


def memory_reason(limits: ScriptLimits) -> str:
    return f"memory limit of {limits.memory_bytes // MB} MB exceeded"


def stack_reason(limits: ScriptLimits) -> str:
    return f"stack limit of {limits.stack_bytes // 1024} kB exceeded"
