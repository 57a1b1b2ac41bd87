"""Destinations in SSM: one SecureString per destination, ``<path>/<tenant>/<name>``, never plaintext in a table.

The value is ``{"destination": {...Destination.to_dict()...}, "secrets": [{"value": "whsec_...", "until": 0}]}``:
the kind's settings (which may hold a receiver's Authorization header) and the signing secrets, newest first. A
rotated-out secret keeps signing until ``until`` (epoch seconds; 0: no end), so receivers can switch over. The
value is encrypted with the account's SSM key; nothing here logs it.

Readers cache a tenant's destinations for ``ttl`` seconds (a change reaches warm functions within that time).
"""

from __future__ import annotations

import json
import re
import time

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code, unavailable
from inlet.core.ttlcache import TtlCache
from inlet.destinations.kind import Destination

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class DestinationNotFound(LookupError):
    pass


class DestinationStore:
    ssm = LazyClient("ssm")

    def __init__(self, path: str, ttl: int = 60, ssm=None, clock=time.monotonic) -> None:
        self.path = path.rstrip("/")
        self._ssm = ssm
        self._cache = TtlCache(ttl, ttl, clock)
        self._clock = time.time

    def name_for(self, tenant: str, name: str) -> str:
        return f"{self.path}/{tenant}/{name}"

    # The delivery path: cached reads.
    def of_tenant(self, tenant: str) -> list[Destination]:
        hit, value = self._cache.lookup(tenant)
        if hit:
            return value
        return self._cache.store(tenant, [d for d, _ in self._read_tenant(tenant)])

    def secrets(self, tenant: str, name: str) -> list[str]:
        """The signing secrets still valid now, newest first (cached with the tenant's destinations)."""
        hit, value = self._cache.lookup(("secrets", tenant))
        if not hit:
            value = self._cache.store(("secrets", tenant), {d.name: s for d, s in self._read_tenant(tenant)})
        now = self._clock()
        return [s["value"] for s in value.get(name, []) if not s.get("until") or s["until"] > now]

    def _read_tenant(self, tenant: str) -> list[tuple[Destination, list[dict]]]:
        found = []
        try:
            pages = self.ssm.get_paginator("get_parameters_by_path").paginate(
                Path=f"{self.path}/{tenant}", WithDecryption=True, Recursive=False
            )
            for page in pages:
                for parameter in page["Parameters"]:
                    found.append(_parse(parameter["Value"]))
        except SDK_ERRORS as exc:
            raise unavailable("Destination store", exc) from exc
        return found

    # Administration (CLI): never cached.
    def get(self, tenant: str, name: str) -> tuple[Destination, list[dict]]:
        try:
            answer = self.ssm.get_parameter(Name=self.name_for(tenant, name), WithDecryption=True)
        except SDK_ERRORS as exc:
            if error_code(exc) == "ParameterNotFound":
                raise DestinationNotFound(f"no destination {name!r} for tenant {tenant!r}") from None
            raise
        return _parse(answer["Parameter"]["Value"])

    def all_of(self, tenant: str) -> list[tuple[Destination, list[dict]]]:
        return self._read_tenant(tenant)

    def put(self, destination: Destination, secrets: list[dict], overwrite: bool) -> None:
        if not NAME_PATTERN.match(destination.name):
            raise ValueError("a destination name is 1-63 lower-case letters, digits, '-' or '_'")
        value = json.dumps({"destination": destination.to_dict(), "secrets": secrets})
        self.ssm.put_parameter(
            Name=self.name_for(destination.tenant, destination.name),
            Value=value,
            Type="SecureString",
            Overwrite=overwrite,
            Description=f"Inlet destination {destination.name} ({destination.kind}) of tenant {destination.tenant}",
        )

    def remove(self, tenant: str, name: str) -> None:
        try:
            self.ssm.delete_parameter(Name=self.name_for(tenant, name))
        except SDK_ERRORS as exc:
            if error_code(exc) == "ParameterNotFound":
                raise DestinationNotFound(f"no destination {name!r} for tenant {tenant!r}") from None
            raise


def _parse(value: str) -> tuple[Destination, list[dict]]:
    data = json.loads(value)
    return Destination.from_dict(data["destination"]), list(data.get("secrets") or [])
