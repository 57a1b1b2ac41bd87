"""Serials as the CLI reads them: the endpoint's own rule (``inlet.core.serials``), with errors that quote them.
Used by the commands and by the inspector alike."""

from __future__ import annotations

from inlet.core.serials import serial_problem
from inlet.core.values import canonical_serial

from inlet_cli.errors import CliError

SHOWN_SERIAL = 40  # characters of an invalid serial quoted in an error (a 300-character one would fill the screen)


def parse_serial(value: object) -> tuple[str | None, str | None]:
    """``(serial, None)`` as the endpoint stores it (trimmed, upper-case), or ``(None, why it is not a serial)``."""
    serial = canonical_serial(value)
    if serial is None:
        return None, "serial is empty"
    problem = serial_problem(serial)
    return (None, problem) if problem else (serial, None)


def checked_serial(value: str) -> str:
    """The canonical serial; ``CliError`` naming the value and what is wrong with it (the endpoint's own rule)."""
    serial, problem = parse_serial(value)
    if problem:
        shown = value if len(value) <= SHOWN_SERIAL else value[: SHOWN_SERIAL - 3] + "..."
        raise CliError(f"invalid serial {shown!r}: {problem}")
    return serial  # type: ignore[return-value]
