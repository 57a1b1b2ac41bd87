"""``inlet keys create``'s TagoIO options: where a key's uplinks go, and how they reach TagoIO.

``--sink tagoio|dynamodb|both (--tagoio-region us-e1|eu-w1 | --tagoio-api-url URL) --network-token-param NAME
--tagoio-authorization AT...``. NAME is an SSM SecureString that holds the network token, under the stack's network
token path (``/inlet/<stage>/tagoio``, the sibling of its keys path); a bare name is placed under that path.
"""

from __future__ import annotations

import argparse

from inlet.core.keys import SINKS
from inlet.core.tagoio_settings import FORWARDING_SINKS, REGIONS, tagoio_settings, validate_tagoio_settings

from inlet_cli.errors import CliError


def add_tagoio_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sink", choices=SINKS, default="dynamodb", help="where uplinks go (default: dynamodb)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--tagoio-region", choices=tuple(REGIONS), help="TagoIO region of the profile")
    where.add_argument("--tagoio-api-url", metavar="URL", help="TagoIO API URL (https; http only on loopback)")
    parser.add_argument(
        "--network-token-param",
        metavar="NAME",
        help="SSM SecureString holding the TagoIO network token (a name or a full path)",
    )
    parser.add_argument(
        "--tagoio-authorization",
        metavar="AT...",
        help="TagoIO authorization (profile) used to resolve devices by serial",
    )


def network_token_path(keys_path: str) -> str:
    """``/inlet/<stage>/keys`` -> ``/inlet/<stage>/tagoio``: the only other path the functions may read."""
    return keys_path.rstrip("/").rsplit("/", 1)[0] + "/tagoio"


def tagoio_from_args(args: argparse.Namespace, keys_path: str) -> dict:
    """The key's ``tagoio`` settings (empty for a DynamoDB-only key); ``CliError`` says what is missing or wrong."""
    given = [args.tagoio_region, args.tagoio_api_url, args.network_token_param, args.tagoio_authorization]
    if args.sink not in FORWARDING_SINKS:
        if any(given):
            raise CliError("TagoIO options need --sink tagoio or --sink both")
        return {}
    if not (args.network_token_param and args.tagoio_authorization):
        raise CliError(f"--sink {args.sink} needs --network-token-param and --tagoio-authorization")
    path = network_token_path(keys_path)
    name = args.network_token_param
    name = name if name.startswith("/") else f"{path}/{name}"
    try:
        settings = tagoio_settings(
            name, args.tagoio_authorization.strip(), args.tagoio_region or "", args.tagoio_api_url or ""
        )
        validate_tagoio_settings(args.sink, settings, path)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return settings
