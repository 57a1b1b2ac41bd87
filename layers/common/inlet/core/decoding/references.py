"""Connector references as devices name them: ``NAME`` (follow the latest version) or ``NAME@VERSION``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

GENERIC_SENSOR = "generic-sensor"  # no decoding: the payload is stored as sent
CAYENNE_LPP = "cayenne-lpp"  # decoded in Python (inlet.core.decoding.cayenne)
BUILTIN_VERSION = 1  # built-in connectors have one version, so records always name NAME@VERSION
BUILTINS = frozenset({GENERIC_SENSOR, CAYENNE_LPP})

KIND_TS013 = "ts013"
KIND_TAGOIO = "tagoio"  # the kinds of stored connectors; their codecs: inlet.codecs

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MAX_VERSION = 1_000_000_000


class InvalidReference(ValueError):
    """A connector reference that cannot name a connector (shown to the user as is)."""


@dataclass(frozen=True)
class ConnectorRef:
    name: str
    version: int | None = None  # None: the latest version

    def __str__(self) -> str:
        return self.name if self.version is None else f"{self.name}@{self.version}"

    @property
    def builtin(self) -> bool:
        return self.name in BUILTINS


def parse_reference(text: object) -> ConnectorRef:
    """``"Cayenne-LPP"`` -> cayenne-lpp (latest); ``"acme-th@3"`` -> acme-th version 3. Names are case-insensitive."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidReference("a connector is NAME or NAME@VERSION")
    name, at, version = text.strip().lower().partition("@")
    check_name(name)
    if not at:
        return ConnectorRef(name)
    if not version.isdigit() or not 1 <= int(version) <= MAX_VERSION:
        raise InvalidReference(f"connector version must be a positive integer, got {version!r}")
    return ConnectorRef(name, int(version))


def check_name(name: str) -> str:
    """A connector name: 1-64 characters of ``a-z 0-9 . _ -``, starting with a letter or digit."""
    if not _NAME.fullmatch(name):
        raise InvalidReference(
            f"connector name {name!r} must be 1-64 characters of a-z, 0-9, '.', '_', '-' (starting with a-z or 0-9)"
        )
    return name


@dataclass(frozen=True)
class Connector:
    """One immutable version of a stored connector: its kind and its JavaScript source (for a connector added as
    TypeScript, the JavaScript it was transpiled to; ``typescript`` keeps what was added)."""

    name: str
    version: int
    kind: str
    source: str
    created_at: str = ""
    typescript: str = ""

    @cached_property  # read for every uplink it decodes
    def label(self) -> str:
        """What a record keeps: ``NAME@VERSION``, the exact code that decoded it."""
        return f"{self.name}@{self.version}"
