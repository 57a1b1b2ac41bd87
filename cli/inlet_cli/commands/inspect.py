"""``inlet inspect``: switch the request log of a tenant's keys on, and show it live in the browser.

The log is switched on for ``--for`` (15 minutes by default), renewed while the inspector runs, and switched off
when it stops (unless someone set another time meanwhile). The page is served on 127.0.0.1 only; it reads with the
user's own AWS credentials, like every other command.
"""

from __future__ import annotations

import argparse
import signal
import webbrowser

from inlet_cli.commands import add_tenant, checked_tenant, target_of
from inlet_cli.commands.request_logging import (
    DEFAULT_SECONDS,
    LOGGING_DELAY,
    duration_seconds,
    now_s,
    set_log_until,
    tenant_keys,
)
from inlet_cli.commands.visibility import LOCAL_AT_ONCE, made_visible
from inlet_cli.errors import CliError
from inlet_cli.inspector.server import Inspector
from inlet_cli.output import note, print_json, say

DEFAULT_PORT = 8411
RENEW_CHECK_SECONDS = 60


def register(groups, common: argparse.ArgumentParser) -> None:
    inspect = groups.add_parser(
        "inspect", parents=[common], help="watch a tenant's requests live in the browser (switches their log on)"
    )
    add_tenant(inspect)
    inspect.add_argument("--key", metavar="KEY_ID", help="only this key (default: every unrevoked key of the tenant)")
    inspect.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0 picks a free one")
    inspect.add_argument("--no-open", action="store_true", help="serve the page, do not open a browser")
    inspect.add_argument(
        "--for", dest="duration", default=f"{DEFAULT_SECONDS // 60}m", help="log for this long, renewed while running"
    )
    inspect.set_defaults(run=run_inspector)


def run_inspector(args: argparse.Namespace) -> int:
    tenant = checked_tenant(args.tenant)
    seconds = duration_seconds(args.duration)
    target = target_of(args)
    keys = target.key_store()
    ids = [c.id for c in tenant_keys(keys, tenant, args.key)]
    switch = _Switch(target, keys, ids, seconds)
    session = _session_of(target, keys, tenant, ids)
    try:
        server = Inspector(
            args.port,
            tenant,
            target.request_log_store(),
            target.record_store(),
            session,
            _deliveries_of(target, tenant),
        )
    except OSError as exc:
        raise CliError(f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror}): pass --port (0: any)") from None
    signal.signal(signal.SIGTERM, _interrupt)
    switch.on()
    server.start()
    if args.json:  # for scripts: where the page is, on one line
        print_json({"url": server.url, "tenant": tenant, "keys": ids, "log_until": switch.until}, indent=None)
    else:
        say(f"Inspector of tenant {tenant} on {server.url} (Ctrl-C stops)")
    if not args.no_open:
        webbrowser.open(server.url)
    try:
        while not server.stopping.wait(RENEW_CHECK_SECONDS):
            switch.renew()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        switch.off()
    return 0


def _deliveries_of(target, tenant: str):
    """What the page asks about uplinks' deliveries: their outcomes per destination of the tenant (the destinations
    read once a minute), or ``None`` where the target names no dedup table (nothing recorded)."""
    if not target.dedup_table:
        return None
    from inlet.destinations.outcomes import DeliveryOutcomes

    from inlet_cli.commands.destinations import stores

    store = stores(target)[1]
    outcomes = DeliveryOutcomes(target.dedup_table, dynamodb=target.client("dynamodb"))

    def read(uplinks: list[tuple[str, str]]) -> dict:
        names = [d.name for d in store.of_tenant(tenant)]
        return outcomes.of_uplinks(tenant, uplinks, names) if names else {}

    return read


class _Switch:
    """The keys' ``log_until``: set to now + ``seconds``, pushed forward once half of it has passed, and set back
    to 0 at the end on the keys that still carry this process's value."""

    def __init__(self, target, keys, ids: list[str], seconds: int) -> None:
        self.target, self.keys, self.ids, self.seconds = target, keys, ids, seconds
        self.until = 0

    def on(self) -> None:
        self.until = now_s() + self.seconds
        written = set_log_until(self.keys, self.ids, self.until)
        made_visible(self.target, LOGGING_DELAY, False, LOCAL_AT_ONCE)
        note(f"request log on for {len(written)} key(s): {', '.join(c.id for c in written)}")

    def renew(self) -> None:
        if self.until - now_s() > self.seconds / 2:
            return
        previous, self.until = self.until, now_s() + self.seconds
        set_log_until(self.keys, self.ids, self.until, only_if=previous)
        if self.target.local:
            made_visible(self.target, "", True)

    def off(self) -> None:
        written = set_log_until(self.keys, self.ids, 0, only_if=self.until)
        if written and self.target.local:
            made_visible(self.target, "", True)
        note(f"request log off for {len(written)} key(s)")


def _session_of(target, keys, tenant: str, ids: list[str]):
    def session() -> dict:
        configs = [c for c in keys.list() if c.id in ids]
        shown = [{"id": c.id, "name": c.name, "log_until": c.log_until} for c in configs]
        return {"tenant": tenant, "source": target.source, "keys": shown}

    return session


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
