"""Authorization keys in SSM Parameter Store: one SecureString per key, named by the key's SHA-256.

Lookups are cached per warm container: a found key for ``key_cache_seconds`` (revocation takes effect within that
time), an unknown key for ``key_miss_cache_seconds`` so that a flood of bad keys costs few SSM calls.
"""

from __future__ import annotations

import json
import time

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code, unavailable
from inlet.core.keys import KeyConfig, is_well_formed, key_hash
from inlet.core.ttlcache import TtlCache
from inlet.errors import InvalidAuthorization


class KeyStore:
    ssm = LazyClient("ssm")

    def __init__(self, path: str, hit_ttl: int = 60, miss_ttl: int = 10, ssm=None, clock=time.monotonic) -> None:
        self._path = path.rstrip("/")
        self._ssm = ssm
        self._cache = TtlCache(hit_ttl, miss_ttl, clock)

    def take_cache_hits(self) -> int:
        return self._cache.take_hits()

    def name_for(self, hashed: str) -> str:
        return f"{self._path}/{hashed}"

    def authenticate(self, key: str) -> KeyConfig:
        """The configuration of a valid, unrevoked key; ``InvalidAuthorization`` otherwise."""
        if not is_well_formed(key):
            raise InvalidAuthorization()  # no SSM call for garbage
        config = self.config_for_hash(key_hash(key))
        if config is None or config.revoked_at or not config.matches(key_hash(key)):
            raise InvalidAuthorization()
        return config

    def config_for_hash(self, hashed: str) -> KeyConfig | None:
        """A key's stored configuration by its hash, revoked or not (the TagoIO delivery worker's lookup)."""
        hit, config = self._cache.lookup(hashed)
        return config if hit else self._fetch(hashed)

    def _fetch(self, hashed: str) -> KeyConfig | None:
        try:
            answer = self.ssm.get_parameter(Name=self.name_for(hashed), WithDecryption=True)
        except SDK_ERRORS as exc:
            if error_code(exc) == "ParameterNotFound":
                return self._cache.store(hashed, None)
            raise unavailable("Key store", exc) from exc
        try:
            config = KeyConfig.from_dict(json.loads(answer["Parameter"]["Value"]))
        except (ValueError, TypeError, KeyError):
            config = None  # a corrupted parameter is an invalid key, not a server error
        return self._cache.store(hashed, config)

    # Administration (CLI): writes never go through the cache.
    def put(self, config: KeyConfig, overwrite: bool = False) -> None:
        self.ssm.put_parameter(
            Name=self.name_for(config.key_hash),
            Value=json.dumps(config.to_dict()),
            Type="SecureString",
            Overwrite=overwrite,
            Description=f"Inlet key {config.id} for tenant {config.tenant}",
        )

    def list(self) -> list[KeyConfig]:
        configs = []
        for page in self.ssm.get_paginator("get_parameters_by_path").paginate(
            Path=self._path, WithDecryption=True, Recursive=False
        ):
            for parameter in page["Parameters"]:
                try:
                    configs.append(KeyConfig.from_dict(json.loads(parameter["Value"])))
                except (ValueError, TypeError):
                    continue
        return configs

    def find(self, key_id: str) -> KeyConfig | None:
        return next((c for c in self.list() if c.id == key_id or c.key_hash == key_id), None)
