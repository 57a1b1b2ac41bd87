"""When the endpoint sees a change the CLI just made: at once on the local stack, after the caches on AWS.

A deployed function keeps what it looked up in its warm containers (``DEVICE_MISS_CACHE_SECONDS``,
``DEVICE_CACHE_SECONDS``, ``KEY_CACHE_SECONDS``); the CLI cannot reach them, so it says how long the change may take.
The local stack is told (``local.changes``) and recycles its function instance before the next request.
"""

from __future__ import annotations

from inlet_cli.local import env as local_env
from inlet_cli.local.changes import announce_change
from inlet_cli.output import note
from inlet_cli.targets import Target

DEVICES_ADDED = (
    "A warm function that was sent one of these serials in the last DEVICE_MISS_CACHE_SECONDS (10 s by default) "
    "keeps refusing it (device_not_found) until then."
)
DEVICES_REMOVED = "Warm functions keep accepting a removed device for up to DEVICE_CACHE_SECONDS (300 s by default)."
DEVICES_UPDATED = (
    "Warm functions keep using a device as it was (its connector, parameters, encoding) for up to "
    "DEVICE_CACHE_SECONDS (300 s by default)."
)
KEY_REVOKED = "Warm functions keep accepting it for up to KEY_CACHE_SECONDS (60 s by default)."
LOCAL_AT_ONCE = "The local stack sees the change from its next request on."


def made_visible(target: Target, delay: str, as_json: bool, local_note: str = "") -> None:
    """After a change of keys or devices: tell the local stack, or say how long deployed functions may lag (to
    people: like every note, not under ``--json``)."""
    if target.local:
        announce_change(local_env.state_dir())
    shown = local_note if target.local else delay
    if shown and not as_json:
        note(shown)
