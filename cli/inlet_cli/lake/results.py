"""A query's answer, whichever engine ran it, and its printing as a table, CSV, JSON or JSON lines."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from dataclasses import dataclass, field

ATHENA_DOLLARS_PER_TB = 5.0  # Athena SQL, per TB scanned (us-east-1), at least 10 MB per query
ATHENA_MINIMUM_BYTES = 10 * 1024 * 1024


@dataclass
class Answer:
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    bytes_scanned: int | None = None  # Athena's DataScannedInBytes; locally the bytes of the files read
    seconds: float = 0.0
    engine: str = ""

    def cost_dollars(self) -> float | None:
        if self.bytes_scanned is None:
            return None
        return athena_cost(self.bytes_scanned)


def athena_cost(bytes_scanned: int) -> float:
    return max(bytes_scanned, ATHENA_MINIMUM_BYTES) / 1e12 * ATHENA_DOLLARS_PER_TB


def plain(value):
    """A value as JSON can carry it (timestamps as ISO text, maps as objects)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def render(answer: Answer, fmt: str) -> str:
    records = [[plain(v) for v in row] for row in answer.rows]
    if fmt == "json":
        return json.dumps([dict(zip(answer.columns, r, strict=True)) for r in records], indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(dict(zip(answer.columns, r, strict=True))) + "\n" for r in records)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(answer.columns)
        writer.writerows([[_cell(v) for v in r] for r in records])
        return out.getvalue()
    return _table(answer.columns, [[_cell(v) for v in r] for r in records])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _table(columns: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join([line.rstrip(), rule, *body]) + "\n"


def summary(answer: Answer) -> str:
    parts = [f"{len(answer.rows)} row{'s' if len(answer.rows) != 1 else ''}", f"{answer.seconds:.2f} s"]
    if answer.bytes_scanned is not None:
        label = "scanned" if answer.engine == "athena" else "in the files read"
        parts.append(f"{human_bytes(answer.bytes_scanned)} {label}")
        if answer.engine == "athena":
            parts.append(f"cost ${answer.cost_dollars():.6f} (at ${ATHENA_DOLLARS_PER_TB:.0f}/TB, 10 MB minimum)")
    return ", ".join(parts)


def human_bytes(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count} B"
