"""The connector a device names (``inlet devices add --connector``, the CSV column), checked before it is stored.

A reference must parse (``NAME`` or ``NAME@VERSION``), and when the target has a connectors table the connector must
be built in or stored there: a device naming a connector that does not exist would have every uplink flagged
``decode_failed``. A target without the table (a stack deployed before connectors existed) cannot be asked; the
reference is then stored after its syntax check, and the CLI says so.
"""

from __future__ import annotations

from inlet.core.decoding.references import BUILTIN_VERSION, ConnectorRef, InvalidReference, parse_reference

from inlet_cli.errors import CliError
from inlet_cli.output import note
from inlet_cli.targets import Target

UNCHECKED = "{source} has no connectors table: connector {ref} was not checked to exist"


class ConnectorCheck:
    def __init__(self, target: Target, quiet: bool = False) -> None:
        self._target = target
        self._store = None  # made on the first stored connector to look up (built-in ones need none)
        self._quiet = quiet
        self._known: dict[str, str | None] = {}  # reference -> why it cannot be used (None: it can)
        self._warned = False

    def problem(self, text: str) -> tuple[str, str | None]:
        """``(the reference as stored, None)`` or ``(text, why a device cannot name it)``."""
        try:
            ref = parse_reference(text)
        except InvalidReference as exc:
            return text, str(exc)
        shown = str(ref)
        if shown not in self._known:
            self._known[shown] = self._missing(shown, ref)
        return shown, self._known[shown]

    def _missing(self, shown: str, ref: ConnectorRef) -> str | None:
        if ref.builtin:
            if ref.version in (None, BUILTIN_VERSION):
                return None
            return f"{ref.name} is built in and has only version {BUILTIN_VERSION}"
        if not self._target.connectors_table:
            if not self._quiet and not self._warned:
                note(UNCHECKED.format(source=self._target.source, ref=shown))
                self._warned = True
            return None
        self._store = self._store or self._target.connector_store()
        if self._store.get(ref) is None:
            return f"connector {shown} does not exist (see `inlet connectors list`)"
        return None


def checked_connector(target: Target, text: str, quiet: bool = False) -> str:
    """The reference as a device stores it (lower-case); ``CliError`` saying why a device cannot name it."""
    shown, problem = ConnectorCheck(target, quiet).problem(text)
    if problem:
        raise CliError(problem)
    return shown
