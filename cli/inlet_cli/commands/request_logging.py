"""Switching a key's request log on for a limited time, and off: ``log_until`` in the key's configuration.

The endpoint logs a key's requests while ``log_until`` (epoch seconds) is in the future. Warm functions see a
change within ``KEY_CACHE_SECONDS`` (60 s), the local stack from its next request. A configuration is read again
just before it is written, and a revoked key is never written: a revocation made meanwhile is not undone.
"""

from __future__ import annotations

import time
from dataclasses import replace

from inlet.adapters.keys import KeyStore
from inlet.core.keys import KeyConfig
from inlet.core.request_log import MAX_LOG_SECONDS

from inlet_cli.commands.time_range import age
from inlet_cli.errors import CliError

DEFAULT_SECONDS = 15 * 60
LOGGING_DELAY = (
    "Warm functions see it within KEY_CACHE_SECONDS (60 s by default): requests of the next minute may go unlogged."
)


def duration_seconds(text: str, option: str = "--for") -> int:
    """``90s``, ``15m``, ``2h``, ``1d`` (a bare number is minutes), at most 24 hours."""
    duration = age(text, default_unit="m")
    if duration is None:
        raise CliError(f"{option} {text!r} is not a duration such as 15m, 2h or 90s")
    seconds = int(duration.total_seconds())
    if not 1 <= seconds <= MAX_LOG_SECONDS:
        raise CliError(f"{option} must be between 1 second and {MAX_LOG_SECONDS // 3600} hours")
    return seconds


def tenant_keys(store: KeyStore, tenant: str, key_id: str | None = None) -> list[KeyConfig]:
    """The tenant's unrevoked keys (or the one ``key_id`` names, which must be the tenant's)."""
    configs = [c for c in store.list() if c.tenant == tenant and not c.revoked_at]
    if key_id:
        configs = [c for c in configs if key_id in (c.id, c.key_hash)]
        if not configs:
            raise CliError(f"no unrevoked key with id {key_id!r} in tenant {tenant} (see `inlet keys list`)")
    if not configs:
        raise CliError(f"tenant {tenant} has no unrevoked key (create one with `inlet keys create`)")
    return sorted(configs, key=lambda c: c.created_at)


def set_log_until(store: KeyStore, key_ids: list[str], until: int, only_if: int | None = None) -> list[KeyConfig]:
    """Write ``log_until = until`` to each key (re-read first; revoked keys skipped); ``only_if``: only to keys
    whose ``log_until`` is still that value (switching off what this process switched on, not someone else's)."""
    current = {c.id: c for c in store.list()}
    written = []
    for key_id in key_ids:
        config = current.get(key_id)
        if config is None or config.revoked_at or (only_if is not None and config.log_until != only_if):
            continue
        if config.log_until != until:
            store.put(replace(config, log_until=until), overwrite=True)
        written.append(replace(config, log_until=until))
    return written


def now_s() -> int:
    return int(time.time())
