"""The ``ts013`` codec: LoRa Alliance TS013 (Payload Codec API) scripts, as The Things Stack and ChirpStack run them.

``decodeUplink({bytes, fPort, recvTime})`` returns ``{data, warnings?, errors?}``; the legacy ``Decoder(bytes,
port)`` (TTN v2) and ``Decode(fPort, bytes, variables)`` (ChirpStack v3) return the data object itself. When the
script also defines ``normalizeUplink`` (The Things Stack's Device Repository), it runs on the decoded ``data`` and
its ``{data, warnings?, errors?}`` is kept as ``normalized``, beside ``decoded``.
"""

from __future__ import annotations

import re

from inlet.codecs.base import Codec, bytes_or_reason
from inlet.core.decoding.contracts import read_normalized, read_ts013, ts013_input
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import KIND_TS013

_ENTRY = r"(?:decodeUplink|Decoder|Decode)"
# a definition of an entry point: ``function Decoder(``, ``decodeUplink = ``, ``{ Decode: ``,
# ``exports.decodeUplink``, or a method ``decodeUplink(input) {``
_DEFINES_ENTRY = re.compile(
    rf"\bfunction\s*\*?\s*{_ENTRY}\b|\b{_ENTRY}\s*(?::|=(?![=>]))|\bexports\s*\.\s*{_ENTRY}\b"
    rf"|\b{_ENTRY}\s*\([^()]*\)\s*\{{"
)

_DEFINES_DECODE_UPLINK = re.compile(r"\bfunction\s+decodeUplink\b|\bdecodeUplink\s*(?::|=(?![=>]))")


class Ts013(Codec):
    kind = KIND_TS013
    scripted = True
    needs_port = True

    def script_input(self, record: dict) -> object:
        payload = bytes_or_reason(record)
        if isinstance(payload, str):
            return payload
        return ts013_input(payload, record.get("port"), record.get("time"))

    def read_answer(self, label: str, routine: str, value: object) -> Decoding:
        """Routine ``normalizeUplink``: the value is ``{decoded, normalized}``, both functions' answers (prelude.js)."""
        normalized, notes = None, []
        if routine == "normalizeUplink" and isinstance(value, dict):
            normalized, notes = read_normalized(value.get("normalized"))
            routine, value = "decodeUplink", value.get("decoded")
        data, errors, warnings = read_ts013(value, routine)
        failed = bool(errors)
        return Decoding(
            label, decoded=data, errors=errors, warnings=warnings + notes, failed=failed, normalized=normalized
        )

    def misfit(self, source: str) -> str | None:
        if _DEFINES_ENTRY.search(source):
            return None
        return "it defines none of decodeUplink, Decoder or Decode (a ts013 codec defines one of them)"

    def telltale(self, source: str) -> bool:
        return _DEFINES_DECODE_UPLINK.search(source) is not None


CODEC = Ts013()
