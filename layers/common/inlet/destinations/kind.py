"""The contract between the delivery path and a destination kind. Version 1: kinds written against it keep working.

The delivery path (fan-out, queue, retries, dead letters, health) is the same for every kind; a kind only says how
to check its settings when a destination is added, and how to send deliveries:

- ``configure(options, deployed)`` -> the settings to store (``ValueError`` with a message for the user if they are
  unusable). ``options`` holds what ``inlet destinations add`` was given (``url``, ``bus``, ``topic``, ``headers``,
  ``timeout``...) and nothing else; ``deployed`` is False on the local stack (e.g. ``http://127.0.0.1`` allowed).
- ``send(destination, deliveries, context)`` -> one ``Answer`` per delivery, in order. It must not raise for a
  receiver's failure: every failure is an ``Answer`` (``RETRY`` for anything that may succeed later, ``REFUSED`` for
  what never will, with the reason). ``len(deliveries) <= max(1, destination.batch)`` and ``<= kind.max_batch``.

A ``Delivery`` carries the body (``inlet.destinations.body``, the same versioned JSON for every kind) and its id,
stable across retries and replays (the Standard Webhooks ``webhook-id``): receivers use it as an idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

INTERFACE_VERSION = 1
DELIVERED, RETRY, REFUSED = "delivered", "retry", "refused"


class UnknownKind(ValueError):
    """A destination names a kind no package is registered for."""


@dataclass(frozen=True)
class Destination:
    """One tenant's configured target. ``settings`` are the kind's own (never a secret: those are in SSM)."""

    tenant: str
    name: str
    kind: str
    settings: dict = field(default_factory=dict)
    keys: tuple[str, ...] = ()  # key ids (``KeyConfig.id``) whose uplinks it takes; empty: every key of the tenant
    filter: dict = field(default_factory=dict)  # ``serials`` (list), ``serial_prefix``, ``ports`` (list), ``types``
    batch: int = 1  # deliveries per request, for kinds that can batch
    created_at: str = ""

    def to_dict(self) -> dict:
        return {
            "tenant": self.tenant,
            "name": self.name,
            "kind": self.kind,
            "settings": self.settings,
            "keys": list(self.keys),
            "filter": self.filter,
            "batch": self.batch,
            "created_at": self.created_at,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Destination:
        return cls(
            tenant=data["tenant"],
            name=data["name"],
            kind=data["kind"],
            settings=dict(data.get("settings") or {}),
            keys=tuple(data.get("keys") or ()),
            filter=dict(data.get("filter") or {}),
            batch=int(data.get("batch") or 1),
            created_at=data.get("created_at", ""),
        )


@dataclass(frozen=True)
class Delivery:
    id: str  # stable: equal on every retry and replay of this uplink to this destination
    body: dict  # inlet.destinations.body: the versioned JSON every kind sends
    attempt: int = 1  # 1 on the first try


@dataclass(frozen=True)
class Answer:
    status: str  # DELIVERED, RETRY or REFUSED
    reason: str = ""  # why it failed, for dead letters and health (never a secret)
    retry_after: int | None = None  # seconds the receiver asked to wait (429 / 503 Retry-After)
    response: str = ""  # the receiver's answer in short (status and the start of its body), for `destinations test`


@dataclass
class Context:
    """What a kind may use while sending. Clients are made on first use (``client("events")``)."""

    secrets: Callable[[], list[str]] = lambda: []  # the destination's current secrets, newest first
    # boto3 client factory (the shared lazy clients): ``client("events")``; ``client("iot-data", endpoint)``
    client: Callable[..., Any] = lambda service, endpoint="": None
    deployed: bool = True  # False on the local stack: loopback receivers allowed
    stack_bus: str = ""  # the stack's own event bus (eventbridge default)


@dataclass(frozen=True)
class Kind:
    name: str
    summary: str  # one line for `inlet destinations add --help` and the docs
    configure: Callable[[dict, bool], dict]
    send: Callable[[Destination, list[Delivery], Context], list[Answer]]
    target: Callable[[Destination], str] = lambda destination: ""  # what `list` shows as where it goes
    max_batch: int = 1  # the most deliveries one send call may carry
    signed: bool = False  # a signing secret is generated at `add` (shown once) and rotatable
    fan_out: bool = True  # False: the kind queues its own deliveries at ingest (tagoio) instead of the fan-out
