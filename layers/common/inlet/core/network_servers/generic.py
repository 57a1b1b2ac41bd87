"""Inlet's generic schema: a top-level ``serial``, with ``payload``, ``port`` and optionally ``time``, ``latitude``,
``longitude`` (the spec's recommended schema). Detected first, and the fallback for anything unrecognised, so that
``?serial=`` in the query string with the rest in the body still works. Always an uplink."""

from __future__ import annotations

from inlet.core.network_servers.base import TOP, UPLINK, Format, fields, has

GENERIC = Format(
    "generic",
    fields(serial="serial", payload="payload", port="port", time="time", latitude="latitude", longitude="longitude"),
    None,
    has("serial"),
    radio=(TOP,),  # a sender may add rssi / snr beside the serial
    messages=(("serial", lambda item: UPLINK),),  # a sender's own shape, never a network server's event
    page="generic.md",
    recognised_by="top-level `serial`",
)
