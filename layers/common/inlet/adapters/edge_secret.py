"""The edge front's origin secret (EdgeProtection=Enabled), read from Secrets Manager at run time, never from the
function's environment (where anyone allowed to read the function's configuration would see it).

A rotation puts a new value (``AWSCURRENT``) and keeps the old one as ``AWSPREVIOUS`` until CloudFront sends the new
one: both are accepted meanwhile, so the rotation never refuses a request that came through CloudFront. The values
are cached per warm container; a new one is taken within ``SECRET_CACHE_SECONDS``.
"""

from __future__ import annotations

import time

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code, unavailable
from inlet.core.ttlcache import TtlCache

SECRET_CACHE_SECONDS = 300
STAGES = ("AWSCURRENT", "AWSPREVIOUS")


class EdgeOriginSecret:
    secretsmanager = LazyClient("secretsmanager")

    def __init__(self, arn: str, ttl: int = SECRET_CACHE_SECONDS, secretsmanager=None, clock=time.monotonic) -> None:
        self._arn = arn
        self._secretsmanager = secretsmanager
        self._cache = TtlCache(ttl, clock=clock, max_entries=1)

    def values(self) -> tuple[str, ...]:
        """The values a request may carry: the current one, and the previous one while a rotation is in progress."""
        hit, values = self._cache.lookup(self._arn)
        if hit:
            return values
        found = tuple(value for stage in STAGES if (value := self._value(stage)))
        return self._cache.store(self._arn, found)

    def _value(self, stage: str) -> str | None:
        try:
            return self.secretsmanager.get_secret_value(SecretId=self._arn, VersionStage=stage)["SecretString"]
        except SDK_ERRORS as exc:
            if stage != "AWSCURRENT" and error_code(exc) == "ResourceNotFoundException":
                return None  # never rotated: there is no previous value
            raise unavailable("Edge origin secret", exc) from exc
