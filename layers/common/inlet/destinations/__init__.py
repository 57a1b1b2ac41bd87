"""Destinations: where a tenant's accepted uplinks go after the 2xx, besides the Records table.

A destination is one configured target of one tenant (``kind.Destination``); its *kind* says how a delivery reaches
it. Each kind is one package under ``inlet/destinations/`` whose ``__init__`` defines ``KIND`` (a ``kind.Kind``), and
one line in ``KINDS`` below. Packages are imported on first use only, so a function that never meets a kind never
pays for its imports at cold start.

Adding a kind: docs/destinations.md, "A new destination kind".
"""

from __future__ import annotations

import importlib

from inlet.destinations.kind import (
    DELIVERED,
    REFUSED,
    RETRY,
    Answer,
    Context,
    Delivery,
    Destination,
    Kind,
    UnknownKind,
)

PACKAGE = "inlet.destinations."
KINDS: dict[str, str] = {
    "webhook": "inlet.destinations.webhook",
    "eventbridge": "inlet.destinations.eventbridge",
    "iot": "inlet.destinations.iot",
    "tagoio": "inlet.destinations.tagoio",
    "lake": "inlet.destinations.lake",
}

__all__ = [
    "DELIVERED",
    "KINDS",
    "REFUSED",
    "RETRY",
    "Answer",
    "Context",
    "Delivery",
    "Destination",
    "Kind",
    "UnknownKind",
    "kind_of",
]


def kind_of(name: str) -> Kind:
    """The kind registered under ``name`` (its package imported now); ``UnknownKind`` for any other name."""
    module = KINDS.get(name)
    if module is None:
        raise UnknownKind(f"unknown destination kind {name!r}: one of {', '.join(sorted(KINDS))}")
    # every kind is a package of this one (written so, the layer's checks see which modules the functions reach)
    kind = importlib.import_module(f"inlet.destinations.{module.removeprefix(PACKAGE)}").KIND
    if kind.name != name:
        raise UnknownKind(f"{module} defines kind {kind.name!r}, registered as {name!r}")
    return kind
