"""Normalisation of the mapped values: serial, payload (to lower-case hex), port (to int) and time (to ISO 8601).

Nothing here drops data: a value that cannot be normalised is kept as sent and a flag says why.
"""

from __future__ import annotations

import binascii
import contextlib
import re
from datetime import UTC, datetime

_HEX = re.compile(r"[0-9a-fA-F]*")
_ISO_FRACTION = re.compile(r"(\.\d{6})\d+")  # fromisoformat takes at most microseconds; LNSes send nanoseconds
_MS_THRESHOLD = 100_000_000_000  # epoch numbers above this are milliseconds (year 5138 in seconds)
_MAX_PORT_DIGITS = 9  # int() refuses strings over 4300 digits; no real port comes close
_MAX_PORT = 999_999_999  # the same bound for numbers: LoRaWAN ports are 0-255, nothing real comes close

FLAG_PAYLOAD = "payload_not_decodable"
FLAG_PORT = "port_not_integer"
FLAG_TIME = "time_not_parsed"


def canonical_serial(value: object, encoding: str = "text") -> str | None:
    """Upper-case, trimmed, separators kept. ``None`` for missing, empty or non-scalar serials."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if encoding == "base64" and value:
        with contextlib.suppress(binascii.Error, ValueError):  # not base64 after all: keep the text
            value = binascii.a2b_base64(value, strict_mode=True).hex()
    return value.upper() or None


def payload_to_hex(value: object, encoding: str | None) -> tuple[object, bool]:
    """Return ``(payload, ok)``: lower-case hex when the value is hex, or base64 with a known encoding."""
    if not isinstance(value, str):
        return value, False
    if encoding == "base64":
        try:
            return binascii.a2b_base64(value, strict_mode=True).hex(), True
        except (binascii.Error, ValueError):
            pass  # some senders configured as base64 still send hex: accept it below
    if len(value) % 2 == 0 and _HEX.fullmatch(value):
        return value.lower(), True
    return value, False


def normalise_port(value: object) -> tuple[object, bool]:
    """Return ``(port, ok)``: an int for integers and decimal strings, else the value as sent."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, True
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= _MAX_PORT_DIGITS:  # ascii: int() also reads "٣"
            return int(text), True
    if isinstance(value, float) and value.is_integer() and abs(value) <= _MAX_PORT:
        return int(value), True
    return value, False  # 1e300 stays the float it was sent as: int(1e300) is not storable (64-bit JSON integers)


def iso_time(value: object) -> str | None:
    """An LNS timestamp (ISO 8601 string, or epoch seconds / milliseconds) as ISO 8601 UTC; ``None`` if unparseable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        digits = text.replace(".", "", 1)
        if digits.isascii() and digits.isdigit():  # epoch as a string (Sigfox templates quote "{time}")
            return iso_time(float(text))
        if text[-1:] == "Z" and text[10:11] == "T":  # the common case: UTC, already in ISO form
            try:
                parsed = datetime.fromisoformat(_ISO_FRACTION.sub(r"\1", text[:-1]))
                if parsed.tzinfo is None:
                    return parsed.isoformat(timespec="milliseconds") + "Z"
            except ValueError:
                return None
        try:
            parsed = datetime.fromisoformat(
                _ISO_FRACTION.sub(r"\1", text.replace("Z", "+00:00").replace("z", "+00:00"))
            )
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)  # an LNS timestamp without offset is UTC by convention
            return format_time(parsed)
        except (ValueError, OverflowError):  # OverflowError: an offset pushes year 1 or 9999 out of range
            return None
    if isinstance(value, (int, float)):
        try:
            seconds = value / 1000 if value > _MS_THRESHOLD else value
            return format_time(datetime.fromtimestamp(seconds, UTC))
        except (OverflowError, OSError, ValueError):
            return None
    return None


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
