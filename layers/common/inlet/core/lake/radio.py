"""Where each network server puts the gateways that heard an uplink and its frame counter, as variable names of a
stored record (full-path, lower-case; ``#`` stands for a list index, as in ``inlet.core.link_health``).

Sources: /work/shared/notes/lns-formats.md (each network server's documented fields). Tried in order; for the
frame counter the first name with an integer wins, for gateways every reception of the first place found.
"""

from __future__ import annotations

import re

GATEWAY_PLACES: dict[str, tuple[str, ...]] = {
    "generic": ("gateway", "gateway_id", "gateways_#_id", "gateways_#"),
    "tts_v3": ("uplink_message_rx_metadata_#_gateway_ids_gateway_id", "uplink_message_rx_metadata_#_gateway_ids_eui"),
    "chirpstack_v4": ("rxinfo_#_gatewayid",),
    "chirpstack_v3": ("rxinfo_#_gatewayid", "rxinfo_#_mac"),
    "chirpstack_v3_json": ("rxinfo_#_gatewayid",),
    "milesight": ("rxinfo_#_mac", "rxinfo_#_gatewayid"),
    "helium": ("hotspots_#_name", "hotspots_#_id"),
    "loriot": ("gws_#_gweui", "gweui"),
    "actility": ("deveui_uplink_lrrs_lrr_#_lrrid", "deveui_uplink_lrrid"),
    "kerlink_wanesy": ("gwinfo_#_gweui",),
    "everynet": ("meta_gateway",),
    "netmore": ("v_gateways_#_gweui", "v_gateways_#_gatewayidentifier", "v_gatewayidentifier"),
    "ttn_v2": ("metadata_gateways_#_gtw_id",),
    "sigfox": ("duplicates_#_bsid", "station"),
    "senet": ("gweui",),
    "senet_legacy": ("gw",),
}
FRAME_COUNTER_NAMES: dict[str, tuple[str, ...]] = {
    "generic": ("fcnt", "f_cnt", "frame_counter", "counter"),
    "tts_v3": ("uplink_message_f_cnt",),
    "chirpstack_v4": ("fcnt",),
    "chirpstack_v3": ("fcnt",),
    "chirpstack_v3_json": ("fcnt",),
    "milesight": ("fcnt",),
    "helium": ("fcnt",),
    "loriot": ("fcnt", "seqno"),
    "actility": ("deveui_uplink_fcntup",),
    "kerlink_wanesy": ("fcntup",),
    "everynet": ("params_counter_up",),
    "netmore": ("v_fcntup",),
    "ttn_v2": ("counter",),
    "sigfox": ("seqnumber",),
    "senet": ("seqno",),
    "senet_legacy": ("seqno",),
}
MAX_GATEWAYS = 64  # a bound on what one row carries (networks report a handful)


def gateways_of(network: str, values: dict) -> list[str]:
    """The ids of the gateways that heard the uplink (``values``: variable name -> value), in reception order."""
    for place in GATEWAY_PLACES.get(network, ()):
        found = [str(values[name]) for name in _names(place, values) if _text(values.get(name))]
        if found:
            return found[:MAX_GATEWAYS]
    return []


def frame_counter_of(network: str, values: dict) -> int | None:
    """The uplink's frame counter (also from a decimal string: Sigfox templates quote every variable)."""
    for name in FRAME_COUNTER_NAMES.get(network, ()):
        counter = _integer(values.get(name))
        if counter is not None:
            return counter
    return None


def _names(place: str, values: dict) -> list[str]:
    if "#" not in place:
        return [place]
    head, tail = place.split("#", 1)
    found = re.compile(re.escape(head) + r"(\d+)" + re.escape(tail) + "$")
    indexes = {int(m.group(1)) for name in values if isinstance(name, str) and (m := found.match(name))}
    return [f"{head}{i}{tail}" for i in sorted(indexes)]


def _text(value: object) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) != ""


def _integer(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
