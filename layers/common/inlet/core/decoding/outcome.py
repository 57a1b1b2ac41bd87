"""The result of decoding one uplink, and what the record keeps of it.

A record keeps its raw payload whatever happens. A decode adds ``decoded`` (for ``ts013`` and ``cayenne-lpp`` the
``data`` object, for ``tagoio`` the resulting list, kept as ``decoded_runs`` when it holds input records: see
kept_input) and ``decoder``: ``{"connector": "NAME@VERSION", "errors": [...], "warnings": [...]}``. A failed decode
(the script threw, ran out of time, memory or stack, returned the wrong shape or returned ``errors``) adds the flag
``decode_failed`` and keeps the reason in ``decoder.errors``. A ts013 codec that defines ``normalizeUplink`` adds
``normalized`` (its data in The Things Stack's normalized schema, e.g. ``air.temperature``) beside ``decoded``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inlet.core.decoding.kept_input import RUNS_FIELD, KeptInput, decoded_of
from inlet.core.variables import variables_of

FLAG_DECODE_FAILED = "decode_failed"
FLAG_DECODE_DEFERRED = "decode_deferred"  # not even tried: the request's decoding time ran out (decode it again later)


@dataclass
class Decoding:
    connector: str  # NAME@VERSION
    decoded: object = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed: bool = False
    logs: list[str] = field(default_factory=list)  # console.log lines: shown by `inlet decode`, not stored
    normalized: object = None  # a ts013 codec's normalizeUplink data, when it defines one
    deferred: bool = False  # the script did not run: no time was left in the request (also ``failed``)

    @classmethod
    def failure(cls, connector: str, reason: str, logs: list[str] | None = None) -> Decoding:
        return cls(connector, errors=[reason], failed=True, logs=logs or [])

    @classmethod
    def deferral(cls, connector: str, reason: str) -> Decoding:
        return cls(connector, errors=[reason], failed=True, deferred=True)

    def summary(self) -> dict:
        return {"connector": self.connector, "errors": self.errors, "warnings": self.warnings}


def decoded_fields(decoding: Decoding, flags: list | None) -> dict:
    """What a decode adds to a record whose flags are ``flags`` (its payload and other fields stay as they are)."""
    fields = {}
    if isinstance(decoding.decoded, KeptInput) and not decoding.failed:
        fields[RUNS_FIELD] = decoding.decoded.items  # its input records by place (kept_input)
    elif decoding.decoded is not None and not decoding.failed:
        fields["decoded"] = decoding.decoded
    if decoding.normalized is not None and not decoding.failed:
        fields["normalized"] = decoding.normalized
    fields["decoder"] = decoding.summary()
    if decoding.failed:
        deferred = [FLAG_DECODE_DEFERRED] if decoding.deferred else []
        fields["flags"] = [*(flags or []), FLAG_DECODE_FAILED, *deferred]
    return fields


def decoded_variables(record: dict) -> list[dict]:
    """The decoded values as TagoIO variables.

    A ``tagoio`` result already is a list of TagoIO records and is kept as is. A ``data`` object is flattened like
    the uplink's other fields: full-path names (``{"battery": {"voltage": 3.1}}`` gives ``battery_voltage``) and a
    latitude/longitude pair becomes a ``location``.
    """
    decoded = decoded_of(record)
    if isinstance(decoded, list):
        return decoded
    if isinstance(decoded, dict):
        return variables_of(decoded)
    return []
