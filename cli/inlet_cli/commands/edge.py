"""``inlet edge rotate``: a new value of the edge front's origin secret (EdgeProtection=Enabled), never shown.

The new value becomes the secret's ``AWSCURRENT`` and the old one ``AWSPREVIOUS``; the uplink function accepts both
(within its 5-minute cache), so nothing is refused while CloudFront still sends the old one. CloudFront sends the new
one after the next deploy names its version (the stack's ``EdgeOriginSecretVersion`` parameter): the command prints
that version id (stdout) and the deploy to run.
"""

from __future__ import annotations

import argparse
import secrets

from inlet_cli.commands import target_of
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json

SECRET_BYTES = 24  # 48 hex characters, as long as the value the stack generates


def register(groups, common: argparse.ArgumentParser) -> None:
    group = groups.add_parser("edge", help="the edge front (CloudFront + WAF): rotate its origin secret")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")
    rotate = commands.add_parser(
        "rotate",
        parents=[common],
        help="put a new origin secret value (not shown)",
        description="Put a new value of the origin secret CloudFront sends (never shown); the function accepts the "
        "new and the previous value. Prints the new version id: deploy with EdgeOriginSecretVersion=<it> so that "
        "CloudFront sends it (docs: Deploying, Rotating the edge origin secret).",
    )
    rotate.set_defaults(run=rotate_secret)


def rotate_secret(args: argparse.Namespace) -> int:
    if not args.stack:
        raise CliError("the edge front exists only in a deployed stack: pass --stack NAME")
    target = target_of(args)
    arn = target.edge_origin_secret_arn
    if not arn:
        raise CliError(f"{target.source} has no edge front (output EdgeOriginSecretArn; EdgeProtection=Enabled)")
    answer = target.client("secretsmanager").put_secret_value(
        SecretId=arn, SecretString=secrets.token_hex(SECRET_BYTES)
    )
    version = answer["VersionId"]
    if args.json:
        print_json({"secret": arn, "version_id": version})
        return 0
    note(
        "New origin secret value put (not shown); the function accepts it and the previous one within 5 minutes. "
        'CloudFront sends it after: sam deploy ... --parameter-overrides "<your overrides> '
        f'EdgeOriginSecretVersion={version}"'
    )
    print(version, flush=True)
    return 0
