"""Devices of keys that forward to TagoIO: resolved through TagoIO's network API, cached per warm container.

``DeviceTokens`` caches each serial's device token (``hit_ttl``) and each unknown serial briefly (``miss_ttl``), so a
device sending every second costs one resolve per TTL, and an unknown one cannot flood TagoIO. ``TagoDirectory`` is
the ``DeviceDirectory`` of such keys for the uplink function: one resolve per distinct uncached serial of a request,
in parallel on a bounded pool. Nothing can be provisioned in TagoIO from here: ``provision`` does nothing, and the
key validation refuses ``unknown_devices=provision`` on TagoIO keys.

An answer TagoIO does not document for one serial (a 4xx other than 400/404/401/403/429, or a 200 without a token)
concerns that serial only: its items are rejected ``tagoio_lookup_failed`` with TagoIO's status and text (through
``lookup_refusal``, which the TagoIO sink consults), the request's other devices go through, and nothing is cached.
A 429, a 5xx, a timeout, or a 401/403 (the key's network token or authorization) answer 503 for the whole request:
the sender retries it, and nothing of it was stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar, copy_context
from functools import cache

from inlet.adapters.devices import Device
from inlet.core.records import Rejection
from inlet.core.ttlcache import TtlCache
from inlet.destinations.tagoio.api import TagoApi, TagoRejected, TagoThrottled, TagoUnavailable
from inlet.errors import ServiceUnavailable

RESOLVE_POOL = 16  # a cold batch of many new devices must resolve well within the 15 s timeout
LOOKUP_FAILED = "tagoio_lookup_failed"
CREDENTIALS_REFUSED = (401, 403)  # the key's network token or authorization: every serial of the request fails
_FAILED_LOOKUPS: ContextVar[dict[str, str]] = ContextVar("tagoio_failed_lookups", default={})  # noqa: B039 (read only)


def lookup_refusal(serial: str) -> Rejection | None:
    """Why this request's lookup of ``serial`` gave no answer Inlet can act on, or ``None``."""
    message = _FAILED_LOOKUPS.get().get(serial)
    return Rejection(LOOKUP_FAILED, message) if message else None


class DeviceTokens:
    def __init__(self, hit_ttl: int = 300, miss_ttl: int = 10, clock=time.monotonic) -> None:
        self._cache = TtlCache(hit_ttl, miss_ttl, clock)

    def cached(self, api: TagoApi, authorization: str, serial: str) -> tuple[bool, str | None]:
        return self._cache.lookup((api.base_url, authorization, serial))

    def get(self, api: TagoApi, network_token: Callable[[], str], authorization: str, serial: str) -> str | None:
        """The device token, or ``None`` for a serial TagoIO does not know; raises ``TagoError`` subclasses."""
        hit, token = self.cached(api, authorization, serial)
        if hit:
            return token
        token = api.resolve(network_token(), serial, authorization)
        return self._cache.store((api.base_url, authorization, serial), token or None)

    def forget(self, api: TagoApi, authorization: str, serial: str) -> None:
        self._cache.forget((api.base_url, authorization, serial))


class TagoDirectory:
    def __init__(self, api: TagoApi, tokens: DeviceTokens, network_token: Callable[[], str], authorization: str):
        self._api = api
        self._tokens = tokens
        self._network_token = network_token
        self._authorization = authorization

    def get_many(self, tenant: str, serials: set[str]) -> dict[str, Device | None]:
        ordered = sorted(serials)
        network_token = cache(self._network_token)  # read once per request, and only if a serial is not cached

        failed: dict[str, str] = {}
        _FAILED_LOOKUPS.set(failed)

        def token(serial: str) -> str | None:
            try:
                return self._tokens.get(self._api, network_token, self._authorization, serial)
            except TagoRejected as refused:
                if refused.status in CREDENTIALS_REFUSED:
                    raise
                failed[serial] = f"TagoIO answered {refused.status} to this serial's lookup: {refused.message}"[:300]
                return ""

        try:
            if len(ordered) <= 1:
                tokens = [token(serial) for serial in ordered]
            else:
                # each lookup runs in a copy of this context: the invocation's time budget holds in the pool too
                contexts = [copy_context() for _ in ordered]
                with ThreadPoolExecutor(max_workers=min(RESOLVE_POOL, len(ordered))) as pool:
                    tokens = list(pool.map(lambda c, s: c.run(token, s), contexts, ordered))
        except TagoThrottled as throttled:
            raise ServiceUnavailable(
                "TagoIO is rate-limiting device lookups, retry later", retry_after=throttled.retry_after
            ) from None
        except TagoUnavailable as down:
            raise ServiceUnavailable("TagoIO unavailable, nothing was stored; retry later", cause=down.cause) from None
        except TagoRejected as refused:
            raise ServiceUnavailable(
                f"TagoIO refused the device lookup ({refused.status}): check the key's network token and authorization",
                retry_after=60,
            ) from None
        # a failed lookup is a device here, so that the TagoIO sink rejects its items with the reason; a TagoIO
        # device's connector and payload parser run in TagoIO, on what is forwarded: Inlet leaves the payload as sent
        return {s: Device(tenant, s) if t or s in failed else None for s, t in zip(ordered, tokens, strict=True)}

    def provision(self, devices: list[Device]) -> None:
        """TagoIO devices are created in TagoIO (with their connector): Inlet never creates them."""
