"""TagoIO network tokens: SSM SecureStrings under ``NETWORK_TOKEN_PATH``, cached per warm container, never logged.

A key names its token's parameter; a name outside the path is refused before any SSM call (the functions' IAM policy
allows only that path anyway). Errors name the parameter, never its value.
"""

from __future__ import annotations

import time

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code, unavailable
from inlet.core.ttlcache import TtlCache
from inlet.errors import ServiceUnavailable

TOKEN_CACHE_SECONDS = 300  # a rotated token takes effect within this time


class NetworkTokens:
    ssm = LazyClient("ssm")

    def __init__(self, path: str, ttl: int = TOKEN_CACHE_SECONDS, ssm=None, clock=time.monotonic) -> None:
        self._prefix = path.rstrip("/") + "/"
        self._ssm = ssm
        self._cache = TtlCache(ttl, clock=clock)

    def get(self, name: str) -> str:
        hit, value = self._cache.lookup(name)
        if hit:
            return value
        if not name.startswith(self._prefix):
            raise ServiceUnavailable(f"TagoIO network token parameter {name} is outside {self._prefix}", retry_after=60)
        try:
            value = self.ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
        except SDK_ERRORS as exc:
            if error_code(exc) == "ParameterNotFound":
                raise ServiceUnavailable(f"TagoIO network token parameter {name} not found", retry_after=60) from None
            raise unavailable("Network token store", exc) from exc
        return self._cache.store(name, value)
