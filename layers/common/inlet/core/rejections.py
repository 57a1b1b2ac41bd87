"""The answer when no item of a request was accepted: the status follows the items' reasons."""

from __future__ import annotations

from collections import Counter

from inlet.core.records import DEVICE_NOT_FOUND, ITEM_TOO_LARGE, Rejection
from inlet.errors import BadRequest, DeviceNotFound, InletError, PayloadTooLarge


def nothing_accepted(rejected: dict[int, Rejection], items: list[dict]) -> InletError:
    """404 when every item names an unknown device, 413 when every item is too large, else 400 naming the reasons.

    A request with a single item gets that item's own message (``Invalid serial: serial contains ' ' …``).
    """
    reasons = Counter(r.reason for r in rejected.values())
    if set(reasons) == {DEVICE_NOT_FOUND}:
        return DeviceNotFound("Device not found", items=items)
    error = PayloadTooLarge if set(reasons) == {ITEM_TOO_LARGE} else BadRequest
    if len(rejected) == 1:
        rejection = next(iter(rejected.values()))
        return error(f"{rejection.reason.replace('_', ' ').capitalize()}: {rejection.message}", items=items)
    counts = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    return error(f"Nothing was stored: {counts}", items=items)
