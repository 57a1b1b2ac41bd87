"""Payload parsers in the local TagoIO, run as TagoIO runs a device's parser on every ``POST /data``.

The parser sees the global ``payload`` (the posted records, variables already in lower case) and ``device``, and
what it leaves in ``payload`` is what is stored (TagoIO's docs: devices/payload-parser/index.md and
context-global-variables.md). When the parser stops with an error, nothing is stored ("When the parser stops, the
data will not be saved on TagoIO", payload-parser-troubleshooting.md), yet the POST was already answered: the sender
cannot tell. It runs on the project's JavaScript engine, the one that runs TagoIO-style connectors in Inlet.
"""

from __future__ import annotations

import zlib
from functools import cache

PARSER_NAME = "local-tagoio-device-parser"


@cache
def _engine():
    from inlet.adapters.javascript.engine import ScriptEngine  # loaded only when a device has a parser

    return ScriptEngine()


def run_parser(source: str, authorization: str, serial: str, records: list[dict]) -> tuple[list[dict] | None, str]:
    """The records to store, or ``None`` and the parser's error (then nothing is stored)."""
    from inlet.core.decoding.references import Connector

    connector = Connector(PARSER_NAME, zlib.crc32(source.encode()), "tagoio", source)  # a new source: a new context
    device = {"id": serial, "params": [], "tags": []}
    decoding = _engine().decode(connector, authorization, serial, records, device)
    if decoding.failed:
        return None, "; ".join(decoding.errors)
    output = decoding.decoded
    return [r for r in output if isinstance(r, dict)] if isinstance(output, list) else [], ""
