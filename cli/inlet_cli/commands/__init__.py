"""One module per command group; each has ``register(groups, common)`` and sets ``run`` on its leaf parsers."""

from __future__ import annotations

import argparse

from inlet.core.keys import TENANT_RULE

from inlet_cli import settings
from inlet_cli.errors import KEY_SHAPED, CliError
from inlet_cli.serials import checked_serial as checked_serial  # the commands' serials, as the inspector's
from inlet_cli.serials import parse_serial as parse_serial
from inlet_cli.targets import Target, resolve

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
