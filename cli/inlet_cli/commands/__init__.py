"""One module per command group; each has ``register(groups, common)`` and sets ``run`` on its leaf parsers."""

from __future__ import annotations

import argparse

from inlet.core.keys import TENANT_RULE
from inlet.core.serials import serial_problem
from inlet.core.values import canonical_serial

from inlet_cli import settings
from inlet_cli.errors import KEY_SHAPED, CliError
from inlet_cli.targets import Target, resolve

SHOWN_SERIAL = 40  # characters of an invalid serial quoted in an error (a 300-character one would fill the screen)


TENANT_HELP = (
    "default: $INLET_TENANT, the profile's or the config file's (`inlet config set tenant NAME`); "
    "required when none is set; " + TENANT_RULE
)


def add_tenant(parser: argparse.ArgumentParser, what: str = "the tenant") -> None:
    """``--tenant``, optional on the command line when a default is configured (``settings``)."""
    parser.add_argument("--tenant", metavar="TENANT", help=f"{what}; {TENANT_HELP}")


def target_of(args: argparse.Namespace) -> Target:
    return resolve(local=args.local, stack=args.stack)


def checked_tenant(tenant: str | None) -> str:
    """The command's tenant (``--tenant`` or the configured default), checked against the tenant rule."""
    if tenant is not None and KEY_SHAPED.fullmatch(tenant):  # a pasted key would be shown and logged everywhere
        raise CliError("that tenant is shaped like a key (not shown): tenants are names, such as acme")
    return settings.tenant(tenant)


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
