"""``inlet keys create``'s TagoIO options: where a key's uplinks go, and how they reach TagoIO.

``--sink tagoio|dynamodb|both (--tagoio-region us-e1|eu-w1 | --tagoio-api-url URL) --network-token-param NAME
--tagoio-authorization AT...``. NAME is an SSM SecureString that holds the network token, under the path the
functions read tokens from (their ``NETWORK_TOKEN_PATH``: the stack's ``NetworkTokenPath`` output, the local state,
or the environment; ``/inlet/<stage>/tagoio``, the sibling of the keys path, when none names it); a bare name is
placed under that path. A local stack forwards only when started with ``--with-tagoio`` (``make run TAGOIO=1``).
"""

from __future__ import annotations

import argparse

from inlet.core.keys import SINKS
from inlet.destinations.tagoio.settings import FORWARDING_SINKS, REGIONS, tagoio_settings, validate_tagoio_settings

from inlet_cli.errors import CliError
from inlet_cli.targets import Target

LOCAL_WITHOUT_FORWARDING = (
    "this local stack does not forward to TagoIO (it was started without --with-tagoio): uplinks of a --sink {sink} "
    "key would be answered 503. Restart it with `make run TAGOIO=1` (or `inlet local run --with-tagoio`), which also "
    "creates a TagoIO demo key"
)


def add_tagoio_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sink", choices=SINKS, default="dynamodb", help="where uplinks go (default: dynamodb)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--tagoio-region", choices=tuple(REGIONS), help="TagoIO region of the profile (only with --sink tagoio or both)"
    )
    where.add_argument(
        "--tagoio-api-url",
        metavar="URL",
        help="TagoIO API URL (https; http only on loopback; only with --sink tagoio or both)",
    )
    parser.add_argument(
        "--network-token-param",
        metavar="NAME",
        help="SSM SecureString holding the TagoIO network token (a name or a full path); "
        "required with --sink tagoio or both",
    )
    parser.add_argument(
        "--tagoio-authorization",
        metavar="AT...",
        help="TagoIO authorization (profile) used to resolve devices by serial; required with --sink tagoio or both",
    )


def network_token_path(target: Target) -> str:
    """Where the target's functions read network tokens; else ``/inlet/<stage>/keys`` -> ``/inlet/<stage>/tagoio``."""
    if target.network_token_path:
        return target.network_token_path.rstrip("/")
    return target.require("keys_path").rstrip("/").rsplit("/", 1)[0] + "/tagoio"


def tagoio_from_args(args: argparse.Namespace, target: Target) -> dict:
    """The key's ``tagoio`` settings (empty for a DynamoDB-only key); ``CliError`` says what is missing or wrong."""
    given = [args.tagoio_region, args.tagoio_api_url, args.network_token_param, args.tagoio_authorization]
    if args.sink not in FORWARDING_SINKS:
        if any(given):
            raise CliError("TagoIO options need --sink tagoio or --sink both")
        return {}
    if target.local and not target.delivery_queue_url:
        raise CliError(LOCAL_WITHOUT_FORWARDING.format(sink=args.sink))
    if not (args.network_token_param and args.tagoio_authorization):
        raise CliError(f"--sink {args.sink} needs --network-token-param and --tagoio-authorization")
    path = network_token_path(target)
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
