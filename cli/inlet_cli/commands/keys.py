"""``inlet keys create | list | revoke | log``: authorization keys in SSM. A key is shown once, at creation, never
again. ``log`` switches a key's request log on for a limited time (or off): see ``request_logging``."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, datetime

from inlet.core.keys import (
    PAYLOAD_ENCODINGS,
    UNKNOWN_DEVICE_POLICIES,
    KeyConfig,
    is_well_formed,
    key_hash,
    validate_key_config,
)
from inlet.errors import InletError

from inlet_cli.commands import add_tenant, checked_tenant, target_of
from inlet_cli.commands.request_logging import LOGGING_DELAY, duration_seconds, now_s, set_log_until
from inlet_cli.commands.tagoio_options import add_tagoio_options, tagoio_from_args
from inlet_cli.commands.visibility import KEY_REVOKED, LOCAL_AT_ONCE, made_visible
from inlet_cli.errors import KEY_SHAPED, CliError
from inlet_cli.local.env import now_iso
from inlet_cli.output import note, print_json, print_table, say

# A key without a mapping reads network servers' own formats: one unregistered device there must not make the
# network server see failures (The Things Stack disables a webhook that keeps failing, for every device of it).
ACCEPT_ADVICE = (
    "For a network server's webhook, consider --unknown-devices accept: an uplink of a device not registered yet is "
    "answered 2xx (ignored, device_not_found) instead of 404, so the network server never marks the webhook as "
    "failing; `inlet devices list --unknown` lists those devices. (Not chosen now: the default is reject.)"
)
PUBLIC_FIELDS = (
    "id",
    "tenant",
    "name",
    "mapping",
    "unknown_devices",
    "payload_encoding",
    "sink",
    "created_at",
    "revoked_at",
    "log_until",
)


def register(groups, common: argparse.ArgumentParser) -> None:
    group = groups.add_parser("keys", help="create, list and revoke authorization keys")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")

    create = commands.add_parser("create", parents=[common], help="create a key and print it once")
    add_tenant(create, "the tenant whose devices the key may write")
    create.add_argument("--name", default="", help="a label for people (e.g. the network server's name)")
    create.add_argument(
        "--mapping", default="", help='Additional Parameter, e.g. "serial=devaddr;payload=data;port=fport"'
    )
    create.add_argument(
        "--unknown-devices",
        choices=UNKNOWN_DEVICE_POLICIES,
        help="what an uplink of a serial with no device gets: reject (the default: rejected device_not_found, 404 "
        "when nothing is stored), accept (2xx, the item ignored device_not_found and listed by `inlet devices list "
        "--unknown`: recommended for network servers) or provision (the device created)",
    )
    create.add_argument("--payload-encoding", choices=PAYLOAD_ENCODINGS, default="auto")
    add_tagoio_options(create)
    create.set_defaults(run=create_key)

    listing = commands.add_parser("list", parents=[common], help="list keys (never the keys themselves)")
    listing.add_argument("--tenant", help="only this tenant's keys (default: every tenant's)")
    listing.set_defaults(run=list_keys)

    revoke = commands.add_parser("revoke", parents=[common], help="revoke a key by its id")
    revoke.add_argument("id", help="the key's id, as shown by `inlet keys list`")
    revoke.set_defaults(run=revoke_key)

    log = commands.add_parser("log", parents=[common], help="log a key's requests for a while (`inlet inspect`)")
    log.add_argument("id", help="the key's id, as shown by `inlet keys list`")
    how_long = log.add_mutually_exclusive_group()
    how_long.add_argument("--for", dest="duration", default="15m", help="how long: 90s, 15m, 2h (at most 24h)")
    how_long.add_argument("--off", action="store_true", help="stop logging now")
    log.set_defaults(run=log_requests)


def public(config: KeyConfig) -> dict:
    return {name: getattr(config, name) for name in PUBLIC_FIELDS}


def create_key(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    key = target.key_store().new_key()  # tagged with the stack's key tag secret, which the first key creates
    config = KeyConfig(
        tenant=tenant,
        key_hash=key_hash(key),
        name=args.name,
        mapping=args.mapping.strip(),
        unknown_devices=args.unknown_devices or "reject",
        payload_encoding=args.payload_encoding,
        sink=args.sink,
        tagoio=tagoio_from_args(args, target),
        created_at=now_iso(),
    )
    try:
        validate_key_config(config)
    except (ValueError, InletError) as exc:
        raise CliError(getattr(exc, "message", None) or str(exc)) from None
    config = _with_destinations(target, config)
    target.key_store().put(config)
    if args.json:
        print_json({"key": key, **public(config)})
    else:
        note(f"Created key {config.id} for tenant {config.tenant}. It is shown only now: store it safely.")
        print(key, flush=True)
    if args.unknown_devices is None and not config.mapping:
        note(ACCEPT_ADVICE)
    return 0


def _with_destinations(target, config: KeyConfig) -> KeyConfig:
    """A new key of a tenant whose destinations take every key's uplinks is flagged for them from the start."""
    from inlet_cli.commands.destinations import stores
    from inlet_cli.destination_admin import flag_for_new_key

    return flag_for_new_key(stores(target)[1], config)


def list_keys(args: argparse.Namespace) -> int:
    if args.tenant:
        checked_tenant(args.tenant)
    configs = target_of(args).key_store().list()
    configs = sorted((c for c in configs if not args.tenant or c.tenant == args.tenant), key=lambda c: c.created_at)
    if args.json:
        print_json([public(c) for c in configs])
        return 0
    now = now_s()
    rows = ((c.id, c.tenant, c.name, c.mapping, c.created_at, c.revoked_at, _logging(c, now)) for c in configs)
    columns = ("id", "tenant", "name", "mapping", "created", "revoked", "request log")
    print_table(columns, rows, empty="no keys", whole=("id",))


def _logging(config: KeyConfig, now: float) -> str:
    """Until when the key's requests are logged (the inspector's request log), or "" when they are not."""
    if not config.logs_requests(now):
        return ""
    return "until " + datetime.fromtimestamp(config.log_until, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return 0


def revoke_key(args: argparse.Namespace) -> int:
    key_id = checked_key_id(args.id)
    target = target_of(args)
    store = target.key_store()
    config = store.find(key_id)
    if config is None:
        raise CliError(f"no key with id {key_id!r} (see `inlet keys list`)")
    already = bool(config.revoked_at)
    if already:
        note(f"Key {config.id} was already revoked at {config.revoked_at}.")
    else:
        config = replace(config, revoked_at=now_iso())
        store.put(config, overwrite=True)
    if args.json:
        print_json(public(config))
    else:
        say(f"Revoked key {config.id} of tenant {config.tenant}.")
    if not already:
        made_visible(target, KEY_REVOKED, args.json, LOCAL_AT_ONCE)
    return 0


def checked_key_id(text: str) -> str:
    """The id to look up; a key given instead is refused without being shown, with the id to use instead."""
    if is_well_formed(text.strip()):
        key_id = key_hash(text.strip())[:16]
        raise CliError(f"that is a key, not a key id (the key is not shown): run `inlet keys revoke {key_id}`")
    if KEY_SHAPED.search(text):
        raise CliError("that argument holds a key (not shown), not a key id: see `inlet keys list` for ids")
    return text


def log_requests(args: argparse.Namespace) -> int:
    """Switch the key's request log on until now + ``--for``, or off; the log itself is read by `inlet inspect`."""
    key_id = checked_key_id(args.id)
    target = target_of(args)
    until = 0 if args.off else now_s() + duration_seconds(args.duration)
    store = target.key_store()
    config = store.find(key_id)
    if config is None or config.revoked_at:
        raise CliError(f"no unrevoked key with id {key_id!r} (see `inlet keys list`)")
    [config] = set_log_until(store, [config.id], until)
    if args.json:
        print_json(public(config))
        return 0
    if until:
        say(f"Key {config.id} of tenant {config.tenant} logs its requests until {_iso(until)}.")
    else:
        say(f"Key {config.id} of tenant {config.tenant} no longer logs its requests.")
    made_visible(target, LOGGING_DELAY, args.json, LOCAL_AT_ONCE)
    return 0


def _iso(epoch_s: int) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
