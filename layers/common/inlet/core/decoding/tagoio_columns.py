"""TagoIO's ``payload`` list in columns, the form in which it crosses into the engine.

A TTS uplink gives a TagoIO parser ~70 records, nearly all *plain*: ``variable`` and a primitive ``value``, plus the
uplink's ``group`` and ``time``. Building 70 dictionaries to serialise them, then parsing and stringifying them in
the engine, was most of a parser's cost. Plain records therefore travel as two lists (names, values) with the
shared ``group`` and ``time`` once; the engine builds them (adapters/javascript/tagoio.js). Any other record
(a ``location``, a ``unit``, a value that is an object) travels whole in ``extras``, at its index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inlet.core.decoding.contracts import tagoio_input
from inlet.core.variables import as_tagoio, flatten_into, variables_of

_PRIMITIVES = (str, int, float, bool)  # not None: a missing value reads as None


@dataclass
class TagoioColumns:
    group: str | None = None  # with ``time``: on every plain record, or on none (both strings, or both None)
    time: str | None = None
    names: list = field(default_factory=list)  # None where the record is in extras
    values: list = field(default_factory=list)
    extras: list = field(default_factory=list)  # [index, record]

    def plain_records(self, start: int, end: int) -> list[dict]:
        """The plain records ``start`` to ``end`` (exclusive), as new dictionaries."""
        names, values = self.names[start:end], self.values[start:end]
        if self.group is None:
            return [{"variable": n, "value": v} for n, v in zip(names, values, strict=True)]
        group, time = self.group, self.time
        return [{"variable": n, "value": v, "group": group, "time": time} for n, v in zip(names, values, strict=True)]

    def records(self) -> list[dict]:
        records = self.plain_records(0, len(self.names))
        for index, record in self.extras:
            records[index] = record
        return records

    def add(self, variable: dict) -> None:
        """Append one record, plain or not, as given (``group``/``time`` included when it has them)."""
        name = variable.get("variable") if type(variable) is dict else None
        value = variable.get("value") if name is not None else None
        size = 2 if self.group is None else 4
        plain = _is_name(name) and type(value) in _PRIMITIVES and len(variable) == size
        if plain and (size == 2 or (variable.get("group") == self.group and variable.get("time") == self.time)):
            self.names.append(name)
            self.values.append(value)
            return
        self.extras.append([len(self.names), variable])
        self.names.append(None)
        self.values.append(None)


def columns_of_records(records: list) -> TagoioColumns:
    """A list as ``inlet decode`` or a caller gives it; its first record says whether ``group``/``time`` are shared."""
    first = records[0] if records and type(records[0]) is dict else {}
    group, time = first.get("group"), first.get("time")
    columns = TagoioColumns() if type(group) is not str or type(time) is not str else TagoioColumns(group, time)
    for record in records:
        columns.add(record)
    return columns


def parser_input(record: dict) -> list:
    """The list an uplink gives a TagoIO parser: payload, port, fport and the variables of its other fields (never
    its decoded values), each with the uplink's ``group`` and ``time``. Its stored fields give it again, the same."""
    payload = record.get("payload")
    variables = variables_of(record.get("fields") or {}, record.get("location"))
    text = payload if isinstance(payload, str) else None
    return tagoio_input(text, record.get("port"), variables, group=record.get("group"), time=record.get("time"))


def tagoio_columns_of(record: dict) -> TagoioColumns:
    """``parser_input`` in columns, built from the fields' compact variables (``inlet.core.variables.flatten_into``):
    no dictionary, nor TagoIO record, is made for a plain variable."""
    group, time = record.get("group"), record.get("time")
    if type(group) is not str or type(time) is not str:
        return columns_of_records(parser_input(record))
    payload, port = record.get("payload"), record.get("port")
    columns = TagoioColumns(group, time)
    if isinstance(payload, str):  # as tagoio_input gives them: payload, port, fport
        columns.names.append("payload")
        columns.values.append(payload)
    if type(port) in _PRIMITIVES:
        columns.names += ("port", "fport")
        columns.values += (port, port)
    elif port is not None:
        for name in ("port", "fport"):
            columns.add({"variable": name, "value": port, "group": group, "time": time})
    location = record.get("location")
    compact = flatten_into(record.get("fields") or {}, {}, {"location": location} if location else {})
    start = len(columns.names)
    columns.names += compact
    columns.values += compact.values()
    for index, (name, value) in enumerate(compact.items(), start):
        if type(value) not in _PRIMITIVES:  # a location (its {"lat", "lng"}), or a value no JSON body gives
            whole = as_tagoio({name: value})[0]
            columns.extras.append([index, {**whole, "group": group, "time": time}])
            columns.names[index] = columns.values[index] = None
    return columns


def _is_name(value: object) -> bool:
    return type(value) is str and value != ""  # an empty name is not a record read_tagoio accepts
