"""One connector version's script in its own QuickJS context, with per-call limits and no way out.

QuickJS (the ``quickjs-ng`` package) is embedded without its ``std``/``os`` modules: a script has the language's
built-ins and nothing else; no file, network, environment or Python object is reachable from it. Values cross
as JSON text in both directions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import orjson
import quickjs

from inlet.adapters.javascript.limits import MB, ScriptLimits
from inlet.adapters.javascript.wrappers import TAGOIO_WRAPPER, TS013_WRAPPER
from inlet.core.decoding.references import KIND_TAGOIO

BUFFER_JS = Path(__file__).with_name("buffer.js").read_text()
PRELUDE_JS = Path(__file__).with_name("prelude.js").read_text()
REALM_JS = Path(__file__).with_name("realm.js").read_text()
TAGOIO_JS = Path(__file__).with_name("tagoio.js").read_text()

# ``raw_payload`` can only be named in the source (or through an identifier escape, or a direct eval): a TagoIO
# script that cannot name it does not get the copy of its input, which costs as much as the input itself.
_NAMES_INPUT_COPY = re.compile(r"raw_payload|eval|\\u")


def reads_its_input_copy(source: str) -> bool:
    return _NAMES_INPUT_COPY.search(source) is not None


class ScriptFailure(Exception):
    """A call that did not produce an answer: the reason, and whether the context must be thrown away."""

    def __init__(self, reason: str, broken: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.broken = broken  # limits hit: the context may be half-way through anything


class LoadFailure(Exception):
    """The script does not compile (a syntax error): every uplink of this connector version fails the same way."""


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
        self._context = quickjs.Context()
        self._context.set_memory_limit(limits.memory_bytes)
        self._context.set_max_stack_size(limits.stack_bytes)
        self._context.set_time_limit(limits.cpu_ms / 1000)
        batcher, self._take_logs = self._prelude()
        wrapper = TAGOIO_WRAPPER if kind == KIND_TAGOIO else TS013_WRAPPER
        try:
            factory = self._context.eval(wrapper % source)
        except quickjs.JSException as exc:
            raise LoadFailure(f"the script does not compile: {_first_line(exc)}") from None
        batch = batcher(kind, factory, kind == KIND_TAGOIO and reads_its_input_copy(source))
        self._decode_all, self._take_done = batch(0), batch(1)
        self.seconds_per_job: float | None = None  # measured: how many jobs fit in one call's time limit

    def _prelude(self) -> tuple:
        make_buffer = self._context.eval(f"({BUFFER_JS})")  # buffer.js is one function declaration
        guard_realm = self._context.eval(f"({REALM_JS})")
        tagoio_payloads = self._context.eval(f"({TAGOIO_JS})")
        part = self._context.eval(PRELUDE_JS)(make_buffer, guard_realm, tagoio_payloads)
        return part(0), part(1)

    def run_batch(self, jobs_text: str, max_output: int) -> BatchRun:
        """Decode a JSON array of jobs in one call, under one call's limits; never raises."""
        try:
            text = self._call(self._decode_all, jobs_text, max_output)
        except ScriptFailure as failure:
            answers = self._answered()
            return BatchRun(answers, len(answers), failure)
        result = orjson.loads(text)
        stop, at = result["stop"], result["at"]
        if stop is None or stop == "full":
            return BatchRun(result["answers"], at)
        if stop == "realm":
            return BatchRun(result["answers"], at, fresh_context=True)
        return BatchRun(result["answers"], at, self._script_error(stop))

    def _answered(self) -> list:
        """The answers made before a limit ended the call (none if the context cannot even say)."""
        try:
            return orjson.loads(self._call(self._take_done))["answers"]
        except (ScriptFailure, orjson.JSONDecodeError):
            return []

    def _script_error(self, message: str) -> ScriptFailure:
        """A script may catch QuickJS's memory and stack errors (the time limit it cannot): they still end the call
        as a limit, and the context is not trusted again."""
        if message.startswith("InternalError: out of memory"):
            return ScriptFailure(self._memory_reason(), broken=True)
        if message.startswith("RangeError: Maximum call stack size exceeded"):
            return ScriptFailure(self._stack_reason(), broken=True)
        return ScriptFailure(f"script error: {message}")

    def _memory_reason(self) -> str:
        return f"memory limit of {self.limits.memory_bytes // MB} MB exceeded"

    def _stack_reason(self) -> str:
        return f"stack limit of {self.limits.stack_bytes // 1024} kB exceeded"

    def logs(self) -> list[str]:
        return json.loads(self._call(self._take_logs))

    def _call(self, function, *args):
        try:
            return function(*args)
        except quickjs.StackOverflow:
            raise ScriptFailure(self._stack_reason(), broken=True) from None
        except quickjs.JSException as exc:
            raise ScriptFailure(self._limit_reason(exc), broken=True) from None
        except (TypeError, ValueError, OverflowError) as exc:  # a value the binding cannot convert
            raise ScriptFailure(f"engine error: {exc}", broken=True) from None

    def _limit_reason(self, exc: Exception) -> str:
        """What QuickJS ends a call with when it is not the script's own exception (those are caught in JS)."""
        text = _first_line(exc)
        if "interrupted" in text:
            return f"time limit of {self.limits.cpu_ms} ms exceeded"
        if text in ("null", "") or "out of memory" in text:
            return self._memory_reason()
        return f"engine error: {text}"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else ""
