"""The table of what Inlet reads from each network-server format, rendered from the registry
(``inlet.core.network_servers``): field paths, payload encoding, whose time, where the radio figures are, and the
other messages it recognises. Detection order is the registry's order."""

from __future__ import annotations

NONE = "\u2013"  # an en dash: nothing in this cell


def detection() -> str:
    """The detection order: each format's signature, payload encoding and its Additional Parameter equivalent."""
    from inlet.core.network_servers import FORMATS

    lines = [
        "| # | format id | recognised by | payload | Additional Parameter equivalent |",
        "|---|---|---|---|---|",
    ]
    for number, fmt in enumerate(FORMATS, 1):
        name = f"`{fmt.id}`" + (f" ({fmt.title})" if fmt.title else "")
        lines.append(
            f"| {number} | {name} | {fmt.recognised_by} | {fmt.payload_encoding or 'as sent'} | {_equivalent(fmt)} |"
        )
    lines.append(
        f"| {NONE} | `generic` (fallback) | anything else (`?serial=` in the URL still works) | as sent | {NONE} |"
    )
    return "\n".join(lines) + "\n"


def _equivalent(fmt) -> str:
    fields = fmt.fields
    parts = [
        f"{name}={'.'.join(getattr(fields, name))}" for name in ("serial", "payload", "port") if getattr(fields, name)
    ]
    text = f"`{';'.join(parts)}`"
    if fmt.id == "generic":
        return text + " (+ `time`, `latitude`, `longitude`)"
    return text if fields.port else text + " (no port)"


def render() -> str:
    from inlet.core.network_servers import FORMATS

    lines = [
        "| # | format id | serial | payload | port | time | radio figures | other messages | page |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for number, fmt in enumerate(FORMATS, 1):
        fields = fmt.fields
        time = _path(fields.time) + (" (the server's)" if fmt.server_time and fields.time else "")
        messages = ", ".join(sorted({key for key, _ in fmt.messages + fmt.other_messages} - {"serial"}))
        radio = ", ".join(_place(place) for place in fmt.radio)
        encoding = fmt.payload_encoding or "as sent"
        lines.append(
            f"| {number} | `{fmt.id}` | {_path(fields.serial)} | {_path(fields.payload)} ({encoding}) | "
            f"{_path(fields.port)} | {time} | {radio} | {_keys(messages)} | [{fmt.page}]({fmt.page}) |"
        )
    return "\n".join(lines) + "\n"


def _path(path: tuple | None) -> str:
    return f"`{'.'.join(str(p) for p in path)}`" if path else NONE


def _place(place) -> str:
    """``rxinfo_N_`` (``rssi``, ``snr``); at the top level, the names alone. Names tried in order are joined by |."""
    names = f"`{'|'.join(place.rssi)}`, `{'|'.join(place.snr)}`"
    return f"`{place.prefix.replace('#', 'N')}` ({names})" if place.prefix else f"top level ({names})"


def _keys(keys: str) -> str:
    return " ".join(f"`{key}`" for key in keys.split(", ")) if keys else NONE
