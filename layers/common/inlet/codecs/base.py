"""What every codec kind offers the registry (``inlet.codecs``): how it decodes, what it needs, how it is shown.

A codec is one of two sorts. A *built-in* codec (``cayenne-lpp``) decodes in Python: ``decode(record)``. A *script*
codec (``ts013``, ``tagoio``) is a stored JavaScript connector run by the engine (``inlet.adapters.javascript``):
the codec builds the script's input from the record (``script_input``, ``device_info``) and reads the engine's
answer (``read_answer``); the engine itself is the caller's, so that this package stays free of QuickJS.
"""

from __future__ import annotations

from inlet.core.decoding.contracts import payload_bytes
from inlet.core.decoding.outcome import Decoding

NOT_HEX = (
    "the payload is not hex ({sample!r}); if the network server sends base64, set payload_encoding to base64 on the "
    "key (`inlet keys create --payload-encoding base64`) or on the device "
    "(`inlet devices update SERIAL --tenant T --payload-encoding base64`)"
)


class Codec:
    kind = ""
    scripted = False  # a stored script run by the JavaScript engine
    needs_bytes = True  # the script or decoder reads bytes: a payload that is not hex cannot be decoded
    needs_port = False  # the uplink's port is part of the input (``inlet decode`` asks for it)

    def decode(self, record: dict, label: str) -> Decoding:  # built-in codecs only
        raise NotImplementedError(f"{self.kind} runs a script: see script_input")

    def script_input(self, record: dict) -> object:
        """The script's input for this uplink (a script codec's), or a failed ``Decoding`` when there is none."""
        raise NotImplementedError(f"{self.kind} is decoded in Python: see decode")

    def device_info(self, serial: str, device: object) -> dict | None:
        """What the script knows of the device (TagoIO's ``device``); ``None`` for a codec that reads none."""
        return None

    def read_answer(self, label: str, routine: str, value: object) -> Decoding:
        """The engine's answer (``routine``: which function answered, ``value``: what it returned) as a Decoding."""
        raise NotImplementedError

    def shown(self, decoding: Decoding) -> dict:
        """The result as ``inlet decode --json`` prints it: the contract's own shape."""
        result = {"data": decoding.decoded, "warnings": decoding.warnings, "errors": decoding.errors}
        if decoding.normalized is not None:
            result["normalized"] = decoding.normalized
        return result

    def misfit(self, source: str) -> str | None:
        """Why ``source`` cannot be a script of this kind (``None``: it may be one)."""
        return None

    def telltale(self, source: str) -> bool:
        """Whether ``source`` shows a sign only a script of this kind has (it decides when two kinds fit)."""
        return False


def bytes_or_reason(record: dict) -> bytes | str:
    """The uplink's payload as bytes, or the reason there are none (said so a user can fix it)."""
    payload = payload_bytes(record)
    if payload is not None:
        return payload
    sent = record.get("payload")
    if sent is None or sent == "":
        return "the uplink has no payload to decode"
    if not isinstance(sent, str):
        return f"the payload is not text but {type(sent).__name__}: no bytes to decode"
    return NOT_HEX.format(sample=sent[:24])
