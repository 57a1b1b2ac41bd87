"""Whether the duplicate check can trust a device's groups: learnt from the device's own confirmed posts.

The duplicate check looks for the request's group on the device. TagoIO runs the device's payload parser on what is
posted, and many of TagoIO's own connectors replace the list and give the records a new group (the Seeed SenseCAP
connectors use ``new Date().getTime()``; a ``parse_error`` fallback has no group at all; a parser that stops stores
nothing: payload-parser-troubleshooting.md). On such a device "group not found" does not mean "not stored".

So after a confirmed post the worker remembers the group as a probe (at most once a day per device), and at the
device's next delivery, once TagoIO has had ``SETTLE_SECONDS`` to store it, asks for it: found, the device
``keeps`` groups; not found, it ``regroups``. The verdict is logged and counted each time it is reached.

A parser can change at any time, so the verdict a lost answer is judged on must be about the device's last
confirmed post or a later one (``verdict_post_ms >= confirmed_ms``): every confirmed post records its group and
time, and a lost answer met on an older verdict first asks for that group (``current_verdict``), or waits until
TagoIO has had ``SETTLE_SECONDS`` to store it. A stale "keeps" never lets a lost answer be posted twice.
"""

from __future__ import annotations

import time

from inlet.destinations.tagoio.api import TagoApi
from inlet.destinations.tagoio.claims import KEEPS, REGROUPS, DeliveryClaims
from inlet.destinations.tagoio.delivery import Delivery
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
    probe_ms = int(state.get("probe_ms", probe_at * 1000))
    fields = {"group_check": verdict, "checked_at": now, "probe_group": "", "verdict_post_ms": probe_ms}
    claims.set_device(delivery.key_hash, delivery.serial, **fields)
    return verdict, True, {**state, **fields}


def current_verdict(claims: DeliveryClaims, api: TagoApi, token: str, delivery: Delivery, state: dict) -> str | int:
    """The verdict to judge a lost answer on: about the last confirmed post or later. When the known verdict is
    older, that post's group is asked for now (``KEEPS``/``REGROUPS``), or, if TagoIO may not have stored it yet,
    the seconds to wait (an int) before asking."""
    confirmed_ms = int(state.get("confirmed_ms", 0))
    if not state.get("confirmed_group") or int(state.get("verdict_post_ms", 0)) >= confirmed_ms:
        return state.get("group_check", "")
    now_ms = int(time.time() * 1000)
    if now_ms - confirmed_ms < SETTLE_SECONDS * 1000:
        return max(1, SETTLE_SECONDS - (now_ms - confirmed_ms) // 1000)
    verdict = KEEPS if api.find_data(token, group=state["confirmed_group"], qty=1) else REGROUPS
    claims.set_device(
        delivery.key_hash, delivery.serial, group_check=verdict, checked_at=now_ms // 1000, verdict_post_ms=confirmed_ms
    )
    return verdict


def remember_probe(claims: DeliveryClaims, delivery: Delivery, state: dict) -> None:
    """After a confirmed post: record it as the device's last (group and time), and probe its group later unless
    the device was checked recently or a probe waits. One write.

    Never fails: the part is delivered, and a failure here must not make it look undelivered (a repost would
    duplicate it). If the write is lost, the last confirmed post recorded is an older one: a verdict about it still
    came after every post before it."""
    now_ms = int(time.time() * 1000)
    now = now_ms // 1000
    fields: dict[str, str | int] = {"confirmed_group": delivery.group, "confirmed_ms": now_ms}
    if not state.get("probe_group") and now - int(state.get("checked_at", 0)) >= RECHECK_SECONDS:
        fields.update(probe_group=delivery.group, probe_at=now, probe_ms=now_ms)
    try:
        claims.set_device(delivery.key_hash, delivery.serial, **fields)
    except ServiceUnavailable:
        return
