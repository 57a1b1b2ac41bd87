"""The network servers Inlet knows, one ``Format`` object each (``base``), one module per network server: how to
recognise its uplinks and where their fields are, its other messages, where its radio figures are, and whether its
uplinks carry the server's own time. Adding a network server is one module and one entry in ``FORMATS``
(CONTRIBUTING.md: "A new network-server format"); tests fail when its fixture or its documentation row is missing.

Detection looks at the *shape* of an item (which keys exist), in the order of ``FORMATS``: the most specific
signatures first, the spec's generic schema (``serial`` at top level) before every network server, and ``generic``
as the fallback so that ``?serial=...`` in the query string with the rest in the body still works.

Messages that are not uplinks: recognition fails open. A message is a non-uplink only when a network server's own
vocabulary says so (a documented type key, ``cmd``, ``type`` or ``?event=`` value, or a documented event shape);
everything else is an uplink, so an unknown shape is stored rather than lost. The formats' signatures are tried in
the same order as detection; every check is a top-level dict lookup (this runs for each item of 2,000-item batches).
"""

from __future__ import annotations

from inlet.core.network_servers.base import UPLINK, Format, Message, Recogniser
from inlet.core.network_servers.chirpstack import CHIRPSTACK_V3, CHIRPSTACK_V3_JSON, CHIRPSTACK_V4, event_query
from inlet.core.network_servers.everynet import EVERYNET
from inlet.core.network_servers.generic import GENERIC
from inlet.core.network_servers.helium import HELIUM
from inlet.core.network_servers.kerlink import KERLINK_WANESY
from inlet.core.network_servers.loriot import LORIOT
from inlet.core.network_servers.milesight import MILESIGHT
from inlet.core.network_servers.netmore import NETMORE
from inlet.core.network_servers.senet import SENET, SENET_LEGACY
from inlet.core.network_servers.sigfox import SIGFOX
from inlet.core.network_servers.thingpark import ACTILITY
from inlet.core.network_servers.ttn_v2 import TTN_V2
from inlet.core.network_servers.tts import TTS_V3

__all__ = ["FORMATS", "FORMATS_BY_ID", "GENERIC", "UPLINK", "Format", "Message", "classify_message", "detect_format"]

FORMATS: tuple[Format, ...] = (
    GENERIC,
    TTS_V3,
    ACTILITY,
    CHIRPSTACK_V4,
    EVERYNET,
    KERLINK_WANESY,
    NETMORE,
    LORIOT,
    SENET_LEGACY,
    SENET,
    TTN_V2,
    HELIUM,
    CHIRPSTACK_V3_JSON,
    MILESIGHT,
    CHIRPSTACK_V3,
    SIGFOX,
)
FORMATS_BY_ID = {fmt.id: fmt for fmt in FORMATS}
# The order in which formats' message signatures are tried, when it is not detection's. A format's own uplink must be
# recognised before another format's message under a key both carry; this order, older than the registry, is kept
# as it was (a test checks that every format with messages is in it).
MESSAGE_ORDER: tuple[Format, ...] = (GENERIC, TTS_V3, ACTILITY, CHIRPSTACK_V4, LORIOT, CHIRPSTACK_V3, EVERYNET, HELIUM)
# (top-level key, recogniser): first under the keys that uplinks carry too, then under the keys only other messages
# carry (in detection order)
SIGNATURES: tuple[tuple[str, Recogniser], ...] = tuple(
    [pair for fmt in MESSAGE_ORDER for pair in fmt.messages] + [pair for fmt in FORMATS for pair in fmt.other_messages]
)


def detect_format(item: dict) -> Format:
    """The first format whose signature the item carries; the generic schema otherwise."""
    for fmt in FORMATS:
        if fmt.matches(item):
            return fmt
    return GENERIC


def classify_message(item: dict, query: dict[str, str]) -> Message:
    """What ``item`` is; ``query`` is the request's query string without the key (ChirpStack's ``?event=``)."""
    if "serial" in item:  # the generic schema is a sender's own shape, never a network server's event
        return UPLINK
    if query:
        message = event_query(item, query)
        if message is not None:
            return message
    for key, recognise in SIGNATURES:
        if key in item:
            message = recognise(item)
            if message is not None:
                return message
    return UPLINK
