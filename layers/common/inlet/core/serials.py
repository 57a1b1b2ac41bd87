"""What a device serial may be: the one rule the endpoint, ``inlet devices add`` and CSV import all enforce.

A serial is part of DynamoDB keys (the devices table's sort key, the records table's ``tenant#serial`` partition
key) and of TagoIO URLs (``/integration/network/resolve/{serial}/…``), so it must be short and made of characters
that need no escaping anywhere: after canonicalisation (trimmed, upper-case), 1 to ``MAX_SERIAL_LENGTH`` ASCII
letters, digits and ``- _ . : @ +``. That covers every LNS identifier (DevEUI and DevAddr in hex with or without
separators, Sigfox ids, Helium, ThingPark, LORIOT) and the labels people type (``AA-BB-01``, ``site1.pump:3``).
"""

from __future__ import annotations

MAX_SERIAL_LENGTH = 128
SERIAL_PUNCTUATION = "-_.:@+"
SERIAL_RULE = f"1-{MAX_SERIAL_LENGTH} characters of letters, digits and {' '.join(SERIAL_PUNCTUATION)}"
_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + SERIAL_PUNCTUATION)


def serial_problem(serial: str) -> str | None:
    """Why ``serial`` (already canonical) breaks the rule, in words for the sender; ``None`` when it is valid."""
    if len(serial) > MAX_SERIAL_LENGTH:
        return f"serial is {len(serial)} characters long, the limit is {MAX_SERIAL_LENGTH}"
    bad = next((c for c in serial if c not in _ALLOWED), None)
    if bad is not None:
        return f"serial contains {bad!r}: allowed are {SERIAL_RULE}"
    return None if serial else "serial is empty"
