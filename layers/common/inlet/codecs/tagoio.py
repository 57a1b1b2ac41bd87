"""The ``tagoio`` codec: TagoIO payload parsers, which read and change (or reassign) the global ``payload``.

The parser's input is the list TagoIO's network layer builds (payload as hex, port, fport, the uplink's other
fields as variables), in columns (``core/decoding/tagoio_columns``); its result is what ``payload`` holds at the end,
a list of TagoIO records. The payload travels as the text it arrived as: a parser reads what it needs of it.
"""

from __future__ import annotations

import re

from inlet.codecs.base import Codec
from inlet.core.decoding.contracts import read_tagoio
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import KIND_TAGOIO
from inlet.core.decoding.tagoio_columns import tagoio_columns_of

# ``payload`` as a name, not as a property (``input.payload``) nor part of another name (``raw_payload``)
_READS_PAYLOAD = re.compile(r"(?<![\w$.])payload(?![\w$])")
# what only a TagoIO parser does: handle TagoIO records (``x.variable === "payload"``, ``{variable: "temperature",
# …}``); a TS013 codec returns a data object and has no such records
_HANDLES_RECORDS = re.compile(r"\.\s*variable\b|[{,]\s*[\"']?variable[\"']?\s*:")


class Tagoio(Codec):
    kind = KIND_TAGOIO
    scripted = True
    needs_bytes = False

    def script_input(self, record: dict) -> object:
        return tagoio_columns_of(record)

    def device_info(self, serial: str, device: object) -> dict:
        return {"id": serial, "params": device_params(device), "tags": []}

    def read_answer(self, label: str, routine: str, value: object) -> Decoding:
        return Decoding(label, decoded=read_tagoio(value))

    def shown(self, decoding: Decoding) -> dict:
        return {"payload": decoding.decoded, "errors": decoding.errors, "warnings": decoding.warnings}

    def misfit(self, source: str) -> str | None:
        if _READS_PAYLOAD.search(source):
            return None
        return "it never reads payload (a TagoIO parser reads and changes the global payload list)"

    def telltale(self, source: str) -> bool:
        return _HANDLES_RECORDS.search(source) is not None


def device_params(device: object) -> list[dict]:
    """TagoIO's ``device.params``: ``[{"key", "value"}]``, from the device's parameters when it has some."""
    params = getattr(device, "params", None) or (device.get("params") if isinstance(device, dict) else None) or {}
    if isinstance(params, dict):
        return [{"key": k, "value": v} for k, v in params.items()]
    return list(params)


CODEC = Tagoio()
