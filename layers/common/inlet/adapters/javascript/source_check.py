"""A script's source checked before it is stored or loaded: it compiles, and only as the body of its wrapper."""

from __future__ import annotations

import quickjs

from inlet.adapters.javascript.limits import ScriptLimits, limited_context
from inlet.adapters.javascript.wrappers import TAGOIO_WRAPPER, TS013_WRAPPER
from inlet.core.decoding.contracts import bounded_reason
from inlet.core.decoding.references import KIND_TAGOIO


class LoadFailure(Exception):
    """The script does not compile (a syntax error): every uplink of this connector version fails the same way."""


def check_source(kind: str, source: str, limits: ScriptLimits) -> None:
    """Raise LoadFailure unless the script compiles as the body of its wrapper, and only there; runs none of it.

    Each text is compiled behind a ``throw``, in a context of its own, so nothing of the script runs. The script
    must compile in its wrapper and in a ``do { } while (0)`` block of the same place: a script that closes the
    function it is wrapped in (``}); ...; (function () {``) needs what follows its unmatched ``}`` to be an operand
    in the one and ``while`` in the other, which no text is.
    """
    wrapper = TAGOIO_WRAPPER if kind == KIND_TAGOIO else TS013_WRAPPER
    context = limited_context(limits)
    for text, problem in (
        (wrapper % source, "the script does not compile"),
        (wrapper % f"do {{\n{source}\n}} while (0)", "the script closes the function it is wrapped in"),
    ):
        try:
            context.eval(f"throw 0;\n{text}")
        except quickjs.JSException as exc:
            if first_line(exc) != "0":
                raise LoadFailure(f"{problem}: {bounded_reason(first_line(exc))}") from None
        except quickjs.StackOverflow:
            raise LoadFailure(f"{problem}: nested too deeply") from None
        except (TypeError, ValueError, OverflowError) as exc:  # a text the binding cannot pass (lone surrogates)
            raise LoadFailure(f"the script cannot be read: {bounded_reason(str(exc))}") from None


def first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else ""
