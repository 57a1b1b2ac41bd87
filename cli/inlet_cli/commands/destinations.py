"""``inlet destinations add | list | show | remove | test | rotate-secret | replay``: where a tenant's uplinks go on
to after the 2xx (docs/destinations.md). A webhook's signing secret is shown once, at ``add`` (and at rotation)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from inlet.destinations import KINDS, Destination
from inlet.destinations.health import Health
from inlet.destinations.matching import parse_filter
from inlet.destinations.store import DestinationStore

from inlet_cli import destination_admin as admin
from inlet_cli import destination_alarms as alarms
from inlet_cli.commands import checked_tenant, target_of
from inlet_cli.commands.destination_replay import replay, test_destination
from inlet_cli.commands.tagoio_options import network_token_path
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json, print_table, say
from inlet_cli.targets import Target


def register(groups, common: argparse.ArgumentParser) -> None:
    group = groups.add_parser("destinations", help="send a tenant's uplinks on: webhook, EventBridge, IoT, TagoIO")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = commands.add_parser("add", parents=[common], help="add a destination (a webhook's secret is shown once)")
    add.add_argument("name", help="its name within the tenant (lower-case letters, digits, - and _)")
    add.add_argument("--tenant", required=True)
    add.add_argument("--kind", required=True, choices=tuple(KINDS))
    add.add_argument("--url", help="webhook: the receiver's https:// URL")
    add.add_argument("--header", action="append", default=[], metavar="K:V", help="webhook: a header to send")
    add.add_argument("--timeout", type=float, help="webhook: seconds to wait for an answer (default 10, at most 30)")
    add.add_argument("--bus", help="eventbridge: a bus ARN (default: the stack's own bus)")
    add.add_argument("--topic", help="iot: topic template (default inlet/{tenant}/{serial}/up)")
    add.add_argument("--keys", default="", help="only these keys' uplinks (ids, comma-separated; default: all)")
    add.add_argument("--filter", default="", help="serial=A,B;serial_prefix=70B3;port=1,2;type=uplink,device_event")
    add.add_argument("--batch", type=int, default=1, help="deliveries per request, for kinds that batch")
    add.add_argument("--tagoio-region", help="tagoio: us-e1 or eu-w1")
    add.add_argument("--tagoio-api-url", help="tagoio: an API URL instead of a region")
    add.add_argument("--network-token-param", help="tagoio: the SSM SecureString holding the network token")
    add.add_argument("--tagoio-authorization", help="tagoio: the profile authorization resolving devices")
    add.set_defaults(run=add_destination)

    for name, run, text in (
        ("list", list_destinations, "the tenant's destinations and their health"),
        ("show", show_destination, "one destination's settings (header values hidden) and health"),
        ("remove", remove_destination, "remove a destination (queued deliveries to it are dead-lettered)"),
        ("test", test_destination, "send one sample uplink and print the receiver's answer"),
        ("rotate-secret", rotate_secret, "a new webhook secret; the old one signs too for --grace"),
        ("alarm", alarm_destination, "create (again) its CloudWatch alarm on failed deliveries"),
        ("replay", replay, "send again the stored uplinks of a time range (or the dead letters)"),
    ):
        command = commands.add_parser(name, parents=[common], help=text)
        if name != "list":
            command.add_argument("name")
        command.add_argument("--tenant", required=True)
        command.set_defaults(run=run)
        if name == "rotate-secret":
            command.add_argument("--grace", type=int, default=24, help="hours the old secret stays valid (24)")
        if name == "test":
            command.add_argument("--serial", help="tagoio: the TagoIO device to post the sample to")
        if name == "replay":
            command.add_argument("--since", help="ISO time or age (30m, 2h, 7d)")
            command.add_argument("--until", help="ISO time or age (default: now)")
            command.add_argument("--dead-letters", action="store_true", help="move its dead letters back instead")


def stores(target: Target) -> tuple:
    path = target.destinations_path or network_token_path(target).rsplit("/", 1)[0] + "/destinations"
    return target.key_store(), DestinationStore(path, ssm=target.client("ssm"))


def add_destination(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    keys, store = stores(target)
    try:
        destination = Destination(
            tenant=tenant,
            name=args.name,
            kind=args.kind,
            keys=tuple(k.strip() for k in args.keys.split(",") if k.strip()),
            filter=parse_filter(args.filter),
            batch=max(1, args.batch),
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    options = {
        "url": args.url,
        "headers": dict(_header(h) for h in args.header),
        "timeout": args.timeout,
        "bus": args.bus,
        "topic": args.topic,
        "endpoint": _iot_endpoint(target) if args.kind == "iot" else "",
        "region": args.tagoio_region,
        "api_url": args.tagoio_api_url,
        "network_token_param": _token_param(args.network_token_param, target),
        "authorization": args.tagoio_authorization,
    }
    try:
        destination, secret = admin.add(keys, store, destination, options, deployed=not target.local)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    alarm = _alarm_created(target, destination)
    if args.json:
        print_json({**public(destination), **({"secret": secret} if secret else {}), "alarm": alarm})
        return 0
    say(f"Added destination {destination.name} ({destination.kind}) of tenant {tenant}.")
    note(alarm.get("error") or alarm.get("none") or f"Its alarm {alarm['name']} notifies {alarm['notifies']}.")
    if secret:
        note("Its signing secret is shown only now (verify webhook-signature with it):")
        print(secret, flush=True)
    return 0


def _iot_endpoint(target: Target) -> str:
    """The account's IoT data endpoint (the local stack's emulator answers for itself: none needed)."""
    if target.local:
        return ""
    try:
        return target.client("iot").describe_endpoint(endpointType="iot:Data-ATS")["endpointAddress"]
    except Exception as exc:
        raise CliError(f"cannot find the account's IoT data endpoint (iot:DescribeEndpoint): {exc}") from None


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise CliError(f"--header takes NAME:VALUE, got {text.split(':')[0]!r}...")
    return name.strip(), value.strip()


def _token_param(name: str | None, target: Target) -> str:
    if not name or name.startswith("/"):
        return name or ""
    return f"{network_token_path(target)}/{name}"


def public(destination: Destination) -> dict:
    shown = destination.to_dict()
    settings = dict(shown["settings"])
    if settings.get("headers"):
        settings["headers"] = {name: "(hidden)" for name in settings["headers"]}
    settings.pop("authorization", None)
    shown["settings"] = settings
    return shown


def _health(target: Target) -> Health:
    return Health(target.dedup_table, dynamodb=target.client("dynamodb"))


def list_destinations(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    keys, store = stores(target)
    health = _health(target) if target.dedup_table else None
    rows = []
    destinations = admin.configured(keys, store, tenant)
    alarm_states = _alarm_states(target, tenant, destinations)
    for destination in destinations:
        report = health.report(tenant, destination.name) if health else {}
        alarm = alarm_states[destination.name]
        rows.append({**public(destination), "target": _target_of(destination), "health": report, "alarm": alarm})
    if args.json:
        print_json(rows)
        return 0
    columns = ("name", "kind", "target", "last success", "last failure", "24 h ok/failed", "oldest undelivered")
    columns += ("alarm",)
    print_table(columns, (_row(r) for r in rows), empty=f"no destinations for tenant {tenant}", whole=("name",))
    return 0


def _alarm_created(target: Target, destination: Destination) -> dict:
    if not _fans_out(destination):
        return {"none": "no alarm of its own: TagoIO deliveries have the stack's Delivery* alarms"}
    return alarms.create_for(target, destination.tenant, destination.name)


def _alarm_states(target: Target, tenant: str, destinations: list[Destination]) -> dict[str, dict]:
    """By name; ``none`` for tagoio (delivered by the TagoIO delivery function, whose alarms are the template's)."""
    watched = alarms.states_for(target, tenant, [d.name for d in destinations if _fans_out(d)])
    return {d.name: watched.get(d.name, {"state": "none"}) for d in destinations}


def _fans_out(destination: Destination) -> bool:
    from inlet.destinations import kind_of

    return kind_of(destination.kind).fan_out


def alarm_destination(args: argparse.Namespace) -> int:
    """Create (again) a destination's alarm: one added before alarms existed, or deleted by hand."""
    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    _, store = stores(target)
    destination, _ = admin.find(store, tenant, args.name)
    alarm = _alarm_created(target, destination)
    if args.json:
        print_json(alarm)
    else:
        say(alarm.get("error") or alarm.get("none") or f"Alarm {alarm['name']} notifies {alarm['notifies']}.")
    return 1 if "error" in alarm else 0


def _target_of(destination: Destination) -> str:
    from inlet.destinations import kind_of

    return kind_of(destination.kind).target(destination)


def _row(row: dict) -> tuple:
    report = row["health"]
    failure = f"{report.get('last_failure_at', '')} {report.get('last_failure', '')}".strip()
    oldest = report.get("oldest_undelivered_s")
    counts = f"{report.get('delivered_24h', 0)}/{report.get('failed_24h', 0)}" if report else ""
    return (
        row["name"], row["kind"], row["target"], report.get("last_success_at", ""), failure, counts,
        "" if oldest is None else f"< {oldest // 3600 + 1} h", row["alarm"]["state"],
    )  # fmt: skip


def show_destination(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    _, store = stores(target)
    destination, secrets = admin.find(store, tenant, args.name)
    now = datetime.now(UTC).timestamp()
    shown = {
        **public(destination),
        "target": _target_of(destination),
        "secrets": [_secret_note(s, now) for s in secrets],
        "health": _health(target).report(tenant, destination.name) if target.dedup_table else {},
        "alarm": _alarm_states(target, tenant, [destination])[destination.name],
    }
    print_json(shown)
    return 0


def _secret_note(secret: dict, now: float) -> str:
    if not secret.get("until"):
        return "current"
    when = datetime.fromtimestamp(secret["until"], UTC).isoformat(timespec="seconds")
    return f"previous, valid until {when}" if secret["until"] > now else "expired"


def remove_destination(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    target = target_of(args)
    keys, store = stores(target)
    try:
        destination = admin.remove(keys, store, tenant, args.name)
    except LookupError as exc:
        raise CliError(str(exc)) from None
    alarm = alarms.delete_for(target, tenant, destination.name) if _fans_out(destination) else {"none": ""}
    if args.json:
        print_json({**public(destination), "alarm": alarm})
    else:
        say(f"Removed destination {destination.name} of tenant {tenant}.")
        if "none" not in alarm:
            note(alarm.get("error") or f"Deleted its alarm {alarm['name']}.")
    return 0


def rotate_secret(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    _, store = stores(target_of(args))
    admin.find(store, tenant, args.name)
    secret = admin.rotate(store, tenant, args.name, grace_s=max(0, args.grace) * 3600)
    if args.json:
        print_json({"name": args.name, "tenant": tenant, "secret": secret, "previous_valid_hours": args.grace})
        return 0
    note(f"New signing secret of {args.name}, shown only now; the previous one stays valid {args.grace} h:")
    print(secret, flush=True)
    return 0
