"""Authorization keys in SSM Parameter Store: one SecureString per key, named by the key's SHA-256.

Lookups are cached per warm container: a found key for ``key_cache_seconds`` (revocation takes effect within that
time), an unknown key for ``key_miss_cache_seconds``. A forged key costs no SSM call at all once the container holds
the stack's key tag secret (``inlet.core.key_tags``): that secret is read together with the first key a container
looks up (one GetParameters call for both) and kept ``GATE_SECONDS``.
"""

from __future__ import annotations

import json
import time

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code, unavailable
from inlet.core.key_tags import KeyGate, new_gate, tag_secret_name, tagged_key
from inlet.core.keys import KeyConfig, is_well_formed, key_hash
from inlet.core.ttlcache import TtlCache
from inlet.errors import InvalidAuthorization, ServiceUnavailable

GATE_SECONDS = 300  # a rotated tag secret reaches warm containers within this time
NO_GATE_SECONDS = 60  # before the first `inlet keys create` of a stack there is no secret: ask again this often
_GATE = "gate"


class KeyStore:
    ssm = LazyClient("ssm")

    def __init__(self, path: str, hit_ttl: int = 60, miss_ttl: int = 10, ssm=None, clock=time.monotonic) -> None:
        self._path = path.rstrip("/")
        self._gate_name = tag_secret_name(self._path)
        self._ssm = ssm
        self._cache = TtlCache(hit_ttl, miss_ttl, clock)
        self._gates = TtlCache(GATE_SECONDS, NO_GATE_SECONDS, clock)

    def take_cache_hits(self) -> int:
        return self._cache.take_hits()

    def name_for(self, hashed: str) -> str:
        return f"{self._path}/{hashed}"

    def authenticate(self, key: str) -> KeyConfig:
        """The configuration of a valid, unrevoked key; ``InvalidAuthorization`` otherwise."""
        if not is_well_formed(key):
            raise InvalidAuthorization()  # no SSM call for garbage
        hashed = key_hash(key)
        known, gate = self._gates.lookup(_GATE)
        if known:
            config = None if gate and not gate.admits(key, hashed) else self.config_for_hash(hashed)
        else:
            gate, config = self._fetch_with_gate(hashed)
            if gate and not gate.admits(key, hashed):
                config = None
        if config is None or config.revoked_at or not config.matches(hashed):
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
        parameter = answer.get("Parameter") if isinstance(answer, dict) else None
        return self._cache.store(hashed, _config_from(parameter.get("Value") if isinstance(parameter, dict) else None))

    def _fetch_with_gate(self, hashed: str) -> tuple[KeyGate | None, KeyConfig | None]:
        """The tag secret (cold container, or kept too long) and, unless cached, the key: one SSM call for both."""
        cached, config = self._cache.lookup(hashed)
        names = [self._gate_name] if cached else [self._gate_name, self.name_for(hashed)]
        values = self._values(names)
        gate = self._gates.store(_GATE, _gate_from(values.get(self._gate_name)))
        if not cached:
            value = values.get(self.name_for(hashed))
            config = self._cache.store(hashed, None if value is None else _config_from(value))
        return gate, config

    def _values(self, names: list[str]) -> dict[str, str]:
        """``{name: value}`` of the parameters that exist (GetParameters lists missing names instead of failing)."""
        try:
            answer = self.ssm.get_parameters(Names=names, WithDecryption=True)
        except SDK_ERRORS as exc:
            raise unavailable("Key store", exc) from exc
        try:
            return {p["Name"]: p["Value"] for p in answer["Parameters"]}
        except (TypeError, KeyError) as exc:
            raise ServiceUnavailable("Key store unavailable, retry later", cause=type(exc).__name__) from exc

    # Administration (CLI): writes never go through the cache.
    def new_key(self) -> str:
        """A key tagged with the stack's secret, which the first call creates (the keys that exist then are listed
        in it, so they keep working untagged)."""
        gate = self._stored_gate() or self._create_gate()
        return tagged_key(gate.secret)

    def _stored_gate(self) -> KeyGate | None:
        return _gate_from(self._values([self._gate_name]).get(self._gate_name))

    def _create_gate(self) -> KeyGate:
        gate = new_gate(c.id for c in self.list() if not c.revoked_at)
        try:
            self.ssm.put_parameter(
                Name=self._gate_name,
                Value=gate.to_value(),
                Type="SecureString",
                Overwrite=False,
                Description="Inlet key tag secret: refuses forged keys without an SSM lookup",
            )
        except SDK_ERRORS as exc:
            theirs = self._stored_gate() if error_code(exc) == "ParameterAlreadyExists" else None
            if theirs is None:
                raise
            return theirs  # another `inlet keys create` made it first: use theirs
        return gate

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


def _config_from(value: object) -> KeyConfig:
    try:
        return KeyConfig.from_dict(json.loads(value))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # A 200 we cannot read says nothing about the key: refusing it (401) would turn a store fault into a
        # verdict on the caller, and caching that would keep refusing a valid key after the store recovers.
        raise ServiceUnavailable("Key store unavailable, retry later", cause=type(exc).__name__) from exc


def _gate_from(value: str | None) -> KeyGate | None:
    if value is None:
        return None  # no tag secret yet: every well-formed key is looked up, as before tags
    try:
        return KeyGate.from_value(value)
    except (ValueError, TypeError, KeyError) as exc:  # a deployment fault, not a verdict on the caller: 503
        raise ServiceUnavailable("Key store unavailable, retry later", cause=type(exc).__name__) from exc
