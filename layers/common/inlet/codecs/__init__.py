"""The codecs that turn an uplink's payload into values: one module per kind, behind one registry keyed by kind.

As ChirpStack's ``codec/mod.rs`` dispatches on its ``Codec`` enum, every caller (ingest's decoding, ``inlet
decode``, ``inlet connectors add | test``, re-decoding, diffs) asks ``codec_for(kind)`` and never tests a kind
itself. A kind is ``cayenne-lpp`` (built in, decoded in Python), ``ts013`` or ``tagoio`` (stored JavaScript
connectors). ``generic-sensor`` is no codec: it stores the payload as sent.
"""

from __future__ import annotations

from inlet.codecs import cayenne_lpp, tagoio, ts013
from inlet.codecs.base import Codec
from inlet.core.decoding.references import BUILTIN_VERSION, CAYENNE_LPP, Connector, ConnectorRef

CODECS: dict[str, Codec] = {codec.kind: codec for codec in (cayenne_lpp.CODEC, ts013.CODEC, tagoio.CODEC)}
SCRIPT_KINDS = tuple(kind for kind, codec in CODECS.items() if codec.scripted)  # what `connectors add` stores
TELLTALE_ORDER = ("tagoio", "ts013")
BUILTIN_CONNECTORS = {CAYENNE_LPP: Connector(CAYENNE_LPP, BUILTIN_VERSION, CAYENNE_LPP, "")}


class KindMismatch(ValueError):
    """A script that is not of the kind given, or whose kind cannot be told (the message says why)."""


class UnknownKind(ValueError):
    """A kind no codec module handles (a stored connector written by a newer Inlet, say)."""


def codec_for(kind: str) -> Codec:
    codec = CODECS.get(kind)
    if codec is None:
        raise UnknownKind(f"no codec of kind {kind!r} (known: {', '.join(CODECS)})")
    return codec


def builtin_connector(ref: ConnectorRef) -> Connector | None:
    """The built-in connector ``ref`` names (any version but its only one names none)."""
    connector = BUILTIN_CONNECTORS.get(ref.name)
    if connector is None or ref.version not in (None, connector.version):
        return None
    return connector


def misfits(source: str) -> dict[str, str]:
    """For each script kind ``source`` cannot be, why."""
    found = {kind: CODECS[kind].misfit(source) for kind in SCRIPT_KINDS}
    return {kind: reason for kind, reason in found.items() if reason}


def script_kind(source: str, given: str | None = None) -> str:
    """The kind of a script: ``given`` when the script may be of it, else the one kind it can be; KindMismatch
    otherwise. When both kinds fit (a TagoIO parser that wraps a TTN ``Decoder``, a codec with a local ``payload``),
    the first in ``TELLTALE_ORDER`` whose sign it shows."""
    reasons = misfits(source)
    fitting = [kind for kind in SCRIPT_KINDS if kind not in reasons]
    if given:
        if given not in reasons:
            return codec_for(given).kind
        hint = f"; it may be {fitting[0]} (--kind {fitting[0]})" if fitting else ""
        raise KindMismatch(f"this is not a {given} script: {reasons[given]}{hint}")
    if not fitting:
        why = "; ".join(f"not {kind}: {reason}" for kind, reason in reasons.items())
        raise KindMismatch(f"the script is of no kind Inlet runs ({why})")
    if len(fitting) == 1:
        return fitting[0]
    for kind in TELLTALE_ORDER:  # a TagoIO parser may embed a TTN decoder; a TS013 codec never makes TagoIO records
        if kind in fitting and CODECS[kind].telltale(source):
            return kind
    raise KindMismatch(f"the script could be {' or '.join(fitting)}: give --kind")
