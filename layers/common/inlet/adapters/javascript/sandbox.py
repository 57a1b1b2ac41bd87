"""One connector version's script in its own QuickJS context, with per-call limits and no way out.

QuickJS (the ``quickjs-ng`` package) is embedded without its ``std``/``os`` modules: a script has the language's
built-ins and nothing else; no file, network, environment or Python object is reachable from it. Values cross
as JSON text in both directions.
"""

from __future__ import annotations

import json
from pathlib import Path

import quickjs

from inlet.adapters.javascript.limits import MB, ScriptLimits
from inlet.adapters.javascript.wrappers import TAGOIO_WRAPPER, TS013_WRAPPER
from inlet.core.decoding.references import KIND_TAGOIO

BUFFER_JS = Path(__file__).with_name("buffer.js").read_text()
PRELUDE_JS = Path(__file__).with_name("prelude.js").read_text()


class ScriptFailure(Exception):
    """A call that did not produce an answer: the reason, and whether the context must be thrown away."""

    def __init__(self, reason: str, broken: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.broken = broken  # limits hit: the context may be half-way through anything


class LoadFailure(Exception):
    """The script does not compile (a syntax error): every uplink of this connector version fails the same way."""


class Sandbox:
    def __init__(self, kind: str, source: str, limits: ScriptLimits) -> None:
        self.limits = limits
        self._context = quickjs.Context()
        self._context.set_memory_limit(limits.memory_bytes)
        self._context.set_max_stack_size(limits.stack_bytes)
        self._context.set_time_limit(limits.cpu_ms / 1000)
        runner, self._switch_device, self._take_logs = self._prelude()
        wrapper = TAGOIO_WRAPPER if kind == KIND_TAGOIO else TS013_WRAPPER
        try:
            factory = self._context.eval(wrapper % source)
        except quickjs.JSException as exc:
            raise LoadFailure(f"the script does not compile: {_first_line(exc)}") from None
        self._run = runner(kind, factory)
        self.device: str | None = None  # the device of the last call (see switch_to)

    def _prelude(self) -> tuple:
        make_buffer = self._context.eval(f"({BUFFER_JS})")  # buffer.js is one function declaration
        part = self._context.eval(PRELUDE_JS)(make_buffer)
        return part(0), part(1), part(2)

    def switch_to(self, device: str) -> bool:
        """Prepare a call for ``device``; ``False`` when the previous device's script changed the realm (see
        prelude_js): the caller must then use a fresh context."""
        if self.device is None or self.device == device:
            self.device = device
            return True
        self.device = device
        return bool(self._call(self._switch_device))

    def run(self, input_text: str, device_text: str = "{}") -> tuple[str, str]:
        """``(routine, JSON text of its answer)``, or a ScriptFailure saying why there is none."""
        text = self._call(self._run, input_text, device_text)
        if text.startswith("E"):
            raise self._script_error(text[1:])
        routine, _, answer = text[1:].partition("\n")
        return routine, answer

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
