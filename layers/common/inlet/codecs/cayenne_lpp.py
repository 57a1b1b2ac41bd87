"""The ``cayenne-lpp`` codec: Cayenne Low Power Payload decoded in Python (the format: ``core/decoding/cayenne``)."""

from __future__ import annotations

from inlet.codecs.base import Codec, bytes_or_reason
from inlet.core.decoding.cayenne import CayenneError, decode_cayenne
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import CAYENNE_LPP


class CayenneLpp(Codec):
    kind = CAYENNE_LPP

    def decode(self, record: dict, label: str) -> Decoding:
        payload = bytes_or_reason(record)
        if isinstance(payload, str):
            return Decoding.failure(label, payload)
        try:
            data, warnings = decode_cayenne(payload)
        except CayenneError as exc:
            return Decoding.failure(label, str(exc))
        return Decoding(label, decoded=data, warnings=warnings)


CODEC = CayenneLpp()
