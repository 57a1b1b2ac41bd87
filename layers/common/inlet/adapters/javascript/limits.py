"""Per-call limits of a script: CPU time, memory of its context, stack. The defaults follow the two platforms."""

from __future__ import annotations

from dataclasses import dataclass

import quickjs

MB = 1024 * 1024


@dataclass(frozen=True)
class ScriptLimits:
    cpu_ms: int  # CPU time of one call (one uplink)
    memory_bytes: int = 16 * MB  # the whole context: the compiled script, its objects, one call's garbage
    stack_bytes: int = 1 * MB  # about 400 nested JavaScript calls


# ChirpStack and The Things Stack give a codec 100 ms; TagoIO gives a payload parser 1 s.
DEFAULT_LIMITS = {"ts013": ScriptLimits(cpu_ms=100), "tagoio": ScriptLimits(cpu_ms=1000)}


def limited_context(limits: ScriptLimits) -> quickjs.Context:
    """A new QuickJS context (a runtime of its own) under ``limits``."""
    context = quickjs.Context()
    context.set_memory_limit(limits.memory_bytes)
    context.set_max_stack_size(limits.stack_bytes)
    context.set_time_limit(limits.cpu_ms / 1000)
    return context
