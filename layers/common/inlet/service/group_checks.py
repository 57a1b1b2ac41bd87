"""Whether the duplicate check can trust a device's groups: learnt from the device's own confirmed posts.

The duplicate check looks for the request's group on the device. TagoIO runs the device's payload parser on what is
posted, and many of TagoIO's own connectors replace the list and give the records a new group (the Seeed SenseCAP
connectors use ``new Date().getTime()``; a ``parse_error`` fallback has no group at all; a parser that stops stores
nothing: payload-parser-troubleshooting.md). On such a device "group not found" does not mean "not stored".

So after a confirmed post the worker remembers the group as a probe (at most once a day per device), and at the
device's next delivery, once TagoIO has had ``SETTLE_SECONDS`` to store it, asks for it: found, the device
``keeps`` groups; not found, it ``regroups``. The verdict is logged and counted each time it is reached.
"""

from __future__ import annotations

import time

from inlet.adapters.delivery_claims import KEEPS, REGROUPS, DeliveryClaims
from inlet.adapters.tagoio import TagoApi
from inlet.core.delivery import Delivery
from inlet.errors import ServiceUnavailable

SETTLE_SECONDS = 30  # TagoIO answers before it stores (202, parsers): the same wait as after an ambiguous failure
RECHECK_SECONDS = 86_400  # a parser can change: probe again after a day


def device_verdict(claims: DeliveryClaims, api: TagoApi, token: str, delivery: Delivery) -> tuple[str, bool, dict]:
    """``(KEEPS | REGROUPS | "", reached_now, device state)``: what is known, probing a settled group first."""
    state = claims.device(delivery.key_hash, delivery.serial)
    probe, probe_at = state.get("probe_group", ""), int(state.get("probe_at", 0))
    now = int(time.time())
    if not probe or now - probe_at < SETTLE_SECONDS:
        return state.get("group_check", ""), False, state
    verdict = KEEPS if api.find_data(token, group=probe, qty=1) else REGROUPS
    claims.set_device(delivery.key_hash, delivery.serial, group_check=verdict, checked_at=now, probe_group="")
    return verdict, True, {**state, "group_check": verdict, "checked_at": now, "probe_group": ""}


def remember_probe(claims: DeliveryClaims, delivery: Delivery, state: dict) -> None:
    """After a confirmed post: probe this group later, unless the device was checked recently or a probe waits.

    Never fails: the part is delivered, and a failure here must not make it look undelivered (a repost would
    duplicate it); the next confirmed post tries again."""
    now = int(time.time())
    if state.get("probe_group") or now - int(state.get("checked_at", 0)) < RECHECK_SECONDS:
        return
    try:
        claims.set_device(delivery.key_hash, delivery.serial, probe_group=delivery.group, probe_at=now)
    except ServiceUnavailable:
        return
