"""A TagoIO parser's result as a record keeps it: the input records the parser kept, by place, and those it made.

A parser mostly returns its input with a few records of its own (``payload = payload.concat(decoded)``): for a TTS
uplink ~70 input records (its metadata) and 3 or 4 decoded ones. Stored as they are, they would repeat every variable
the record's fields already give and double the item (2 DynamoDB write units instead of 1), and building and
encoding them would cost more than the parser itself. So a record keeps ``decoded_runs``: a list whose items are
the records the parser made, each where it put it, or ``[index, count]``: ``count`` records of its input from
``index``, unchanged. The stored uplink gives that input again (``tagoio_columns.parser_input``: the same function of
the same fields), so reading the record expands ``decoded_runs`` into ``decoded``, the list the parser returned.
"""

from __future__ import annotations

from dataclasses import dataclass

from inlet.core.decoding.tagoio_columns import TagoioColumns, tagoio_columns_of

RUNS_FIELD = "decoded_runs"


@dataclass
class KeptInput:
    """A parser's result whose input records are still in ``columns`` (the parser's input): ``items`` as stored."""

    columns: TagoioColumns
    items: list

    def records(self) -> list[dict]:
        return expanded(self.items, self.columns)


def kept_input(runs: list, others: list, columns: TagoioColumns) -> KeptInput:
    """From the engine's answer: ``runs`` ``[position, input index, count]``, ``others`` ``[position, record, ...]``."""
    placed = [(position, [index, count]) for position, index, count in runs]
    placed += [(others[at], others[at + 1]) for at in range(0, len(others), 2)]
    placed.sort(key=lambda item: item[0])
    return KeptInput(columns, [item for _, item in placed])


def expanded(items: list, columns: TagoioColumns) -> list[dict]:
    """The result itself; a run beyond the input (never written so) gives the records the input has."""
    records: list[dict] = []
    for item in items:
        if type(item) is not list:
            records.append(item)
        elif len(item) == 2 and all(type(n) is int and n >= 0 for n in item):
            records += columns.plain_records(item[0], min(item[0] + item[1], len(columns.names)))
    return records


def decoded_of(record: dict) -> object:
    """A record's decoded values as its decoder returned them (``None`` when it was not decoded). ``record`` is the
    record being ingested or a stored document with its ``group`` and ``time``."""
    if RUNS_FIELD in record:
        return expanded(record[RUNS_FIELD], tagoio_columns_of(record))
    return record.get("decoded")
