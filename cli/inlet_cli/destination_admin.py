"""What `inlet destinations` does to a stack: store a destination (its secret encrypted), keep the tenant's keys'
``destinations`` flag true exactly while some fanned-out destination takes their uplinks, rotate a secret, and list
what is configured, including keys whose ``sink`` forwards to TagoIO (the settings of before destinations).
"""

from __future__ import annotations

import time
from dataclasses import replace

from inlet.adapters.keys import KeyStore
from inlet.core.keys import KeyConfig, validate_key_config
from inlet.destinations import Destination, kind_of
from inlet.destinations.store import DestinationNotFound, DestinationStore
from inlet.destinations.webhook.signing import new_secret
from inlet.errors import ServiceUnavailable

from inlet_cli.errors import CliError
from inlet_cli.local.env import now_iso

ROTATION_GRACE_SECONDS = 86_400  # the old secret keeps signing this long after a rotation
MIGRATED_PREFIX = "tagoio-key-"  # a key forwarding to TagoIO, listed as a destination


def add(
    keys: KeyStore, store: DestinationStore, destination: Destination, options: dict, deployed: bool
) -> tuple[Destination, str | None]:
    """Store a new destination; returns it with the signing secret (shown once) when its kind signs."""
    kind = _kind(destination.kind)
    try:
        settings = kind.configure(options, deployed)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    destination = replace(destination, settings=settings, created_at=now_iso())
    tenant_keys = _tenant_keys(keys, destination.tenant)
    unknown = set(destination.keys) - {k.id for k in tenant_keys}
    if unknown:
        raise CliError(f"tenant {destination.tenant} has no key {', '.join(sorted(unknown))} (see `inlet keys list`)")
    if any(d.name == destination.name for d, _ in store.all_of(destination.tenant)):
        raise CliError(f"tenant {destination.tenant} already has a destination {destination.name!r}")
    secret = new_secret() if kind.signed else None
    store.put(destination, [{"value": secret, "until": 0}] if secret else [], overwrite=False)
    if kind.fan_out:
        sync_key_flags(keys, store, destination.tenant)
    else:
        _forward_keys_to_tagoio(keys, _covered(destination, tenant_keys), settings)
    return destination, secret


def remove(keys: KeyStore, store: DestinationStore, tenant: str, name: str) -> Destination:
    destination, _ = store.get(tenant, name)
    store.remove(tenant, name)
    if kind_of(destination.kind).fan_out:
        sync_key_flags(keys, store, tenant)
    else:
        for config in _covered(destination, _tenant_keys(keys, tenant)):
            if config.sink in ("tagoio", "both"):
                keys.put(replace(config, sink="dynamodb", tagoio={}), overwrite=True)
    return destination


def rotate(store: DestinationStore, tenant: str, name: str, grace_s: int = ROTATION_GRACE_SECONDS) -> str:
    """A new secret, signing from now; the ones before keep signing for ``grace_s`` (both valid meanwhile)."""
    destination, secrets = store.get(tenant, name)
    if not kind_of(destination.kind).signed:
        raise CliError(f"a {destination.kind} destination has no secret to rotate")
    until = int(time.time()) + grace_s
    now = time.time()
    kept = [
        {**s, "until": min(s.get("until") or until, until)} for s in secrets if not s.get("until") or s["until"] > now
    ]
    secret = new_secret()
    store.put(destination, [{"value": secret, "until": 0}, *kept], overwrite=True)
    return secret


def sync_key_flags(keys: KeyStore, store: DestinationStore, tenant: str) -> list[KeyConfig]:
    """Set each of the tenant's keys' ``destinations`` flag to whether a fanned-out destination takes its uplinks."""
    fanned = [d for d, _ in store.all_of(tenant) if kind_of(d.kind).fan_out]
    changed = []
    for config in _tenant_keys(keys, tenant):
        wanted = any(not d.keys or config.id in d.keys for d in fanned)
        if config.destinations != wanted:
            config = replace(config, destinations=wanted)
            keys.put(config, overwrite=True)
            changed.append(config)
    return changed


def flag_for_new_key(store: DestinationStore, config: KeyConfig) -> KeyConfig:
    """A key created for a tenant whose destinations take every key's uplinks carries the flag from the start."""
    try:
        fanned = [d for d, _ in store.all_of(config.tenant) if kind_of(d.kind).fan_out and not d.keys]
    except ServiceUnavailable:  # the destinations cannot be read now: the next `destinations add` sets the flag
        return config
    return replace(config, destinations=bool(fanned))


def configured(keys: KeyStore, store: DestinationStore, tenant: str) -> list[Destination]:
    """The tenant's destinations, and its keys that forward to TagoIO by their ``sink`` (listed as migrated)."""
    found = [d for d, _ in store.all_of(tenant)]
    covered = {k for d in found if d.kind == "tagoio" for k in d.keys}
    for config in _tenant_keys(keys, tenant):
        if config.sink in ("tagoio", "both") and config.id not in covered:
            found.append(
                Destination(
                    tenant,
                    MIGRATED_PREFIX + config.id,
                    "tagoio",
                    settings={k: v for k, v in config.tagoio.items() if k != "authorization"},
                    keys=(config.id,),
                    created_at=config.created_at,
                )
            )
    return sorted(found, key=lambda d: d.name)


def find(store: DestinationStore, tenant: str, name: str) -> tuple[Destination, list[dict]]:
    try:
        return store.get(tenant, name)
    except DestinationNotFound as exc:
        raise CliError(str(exc)) from None


def _kind(name: str):
    try:
        return kind_of(name)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _tenant_keys(keys: KeyStore, tenant: str) -> list[KeyConfig]:
    return [c for c in keys.list() if c.tenant == tenant and not c.revoked_at]


def _covered(destination: Destination, configs: list[KeyConfig]) -> list[KeyConfig]:
    return [c for c in configs if not destination.keys or c.id in destination.keys]


def _forward_keys_to_tagoio(keys: KeyStore, configs: list[KeyConfig], settings: dict) -> None:
    """The tagoio kind's settings live on the keys (ingest resolves devices through TagoIO with them)."""
    for config in configs:
        updated = replace(config, sink="both" if config.sink == "dynamodb" else config.sink, tagoio=settings)
        try:
            validate_key_config(updated)
        except ValueError as exc:
            raise CliError(f"key {config.id}: {exc}") from None
        keys.put(updated, overwrite=True)
