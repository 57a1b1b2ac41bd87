"""One module per command group; each has ``register(groups, common)`` and sets ``run`` on its leaf parsers."""

from __future__ import annotations

import argparse

from inlet.core.keys import TENANT_PATTERN

from inlet_cli.errors import CliError
from inlet_cli.targets import Target, resolve


def target_of(args: argparse.Namespace) -> Target:
    return resolve(local=args.local, stack=args.stack)


def checked_tenant(tenant: str) -> str:
    if not TENANT_PATTERN.match(tenant):
        raise CliError("tenant must be 1-64 characters of letters, digits, '_' or '-'")
    return tenant
