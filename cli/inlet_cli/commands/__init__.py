"""One module per command group; each has ``register(groups, common)`` and sets ``run`` on its leaf parsers."""

from __future__ import annotations

import argparse

from inlet.core.keys import TENANT_PATTERN
from inlet.core.serials import serial_problem
from inlet.core.values import canonical_serial

from inlet_cli.errors import KEY_SHAPED, CliError
from inlet_cli.targets import Target, resolve

SHOWN_SERIAL = 40  # characters of an invalid serial quoted in an error (a 300-character one would fill the screen)


def target_of(args: argparse.Namespace) -> Target:
    return resolve(local=args.local, stack=args.stack)


def checked_tenant(tenant: str) -> str:
    if not TENANT_PATTERN.match(tenant):
        raise CliError("tenant must be 1-64 characters of letters, digits, '_' or '-'")
    if KEY_SHAPED.fullmatch(tenant):  # a pasted key: as a tenant name it would be shown and logged everywhere
        raise CliError("that tenant is shaped like a key (not shown): tenants are names, such as acme")
    return tenant


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
