"""What two decodings of one uplink differ in, by key: the comparison of ``inlet connectors diff``.

A decoding becomes a flat mapping of keys to values: a ``data`` object by its paths (``battery.voltage``,
``readings[1].celsius``), a TagoIO result by its records' ``variable`` (a name that repeats gets ``#2``, ``#3``...),
each of their fields but ``group`` and ``time`` (``temperature.value``, ``temperature.unit``), a normalized output
under ``normalized.``, and a failed decode as the single key ``(decode_failed)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FAILED = "(decode_failed)"
SKIPPED_FIELDS = ("variable", "group", "time")  # a record's name, and what the uplink (not the decoder) gives


def flat(decoding) -> dict[str, object]:
    if decoding.failed:
        return {FAILED: "; ".join(decoding.errors)}
    out: dict[str, object] = {}
    if isinstance(decoding.decoded, list):
        _records(decoding.decoded, out)
    else:
        _paths(decoding.decoded, "", out)
    if decoding.normalized is not None:
        _paths(decoding.normalized, "normalized", out)
    return out


def _paths(value: object, path: str, out: dict) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _paths(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _paths(item, f"{path}[{index}]", out)
    else:
        out[path or "(value)"] = value


def _records(records: list, out: dict) -> None:
    seen: dict[str, int] = {}
    for record in records:
        name = str(record.get("variable"))
        seen[name] = seen.get(name, 0) + 1
        key = name if seen[name] == 1 else f"{name}#{seen[name]}"
        rest = {k: v for k, v in record.items() if k not in SKIPPED_FIELDS}
        _paths(rest, key, out)


@dataclass
class KeyCount:
    added: int = 0
    removed: int = 0
    changed: int = 0


@dataclass
class Comparison:
    uplinks: int = 0
    differing: int = 0
    keys: dict[str, KeyCount] = field(default_factory=dict)
    examples: list[dict] = field(default_factory=list)
    max_examples: int = 3

    def add(self, uplink_id: str, serial: str, before: dict, after: dict) -> None:
        self.uplinks += 1
        changes = {
            "added": sorted(set(after) - set(before)),
            "removed": sorted(set(before) - set(after)),
            "changed": sorted(k for k in set(before) & set(after) if not same(before[k], after[k])),
        }
        if not any(changes.values()):
            return
        self.differing += 1
        for kind, keys in changes.items():
            for key in keys:
                count = self.keys.setdefault(key, KeyCount())
                setattr(count, kind, getattr(count, kind) + 1)
        if len(self.examples) < self.max_examples:
            shown = {k: {"a": before.get(k), "b": after.get(k)} for keys in changes.values() for k in keys}
            self.examples.append({"id": uplink_id, "serial": serial, **changes, "values": shown})


def same(a: object, b: object) -> bool:
    """Equal as JSON values: ``1`` and ``1.0`` are one number, ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b
