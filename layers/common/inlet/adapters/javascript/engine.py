"""Decode with JavaScript connectors: sandboxes reused per connector version, scope and thread.

A fresh QuickJS context per uplink costs about a millisecond; a 1,000-uplink batch cannot afford it. A context is
therefore kept per (scope, connector version) in each thread (QuickJS contexts must not move between threads), the
least recently used dropped beyond ``max_contexts``. The scope is the tenant: two tenants never share a context,
whatever the script does. Within a tenant, the script's variables are fresh for every uplink and the realm is
checked whenever the device changes (``Sandbox.switch_to``); a context that hit a limit is never used again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import orjson

from inlet.adapters.javascript.limits import DEFAULT_LIMITS, ScriptLimits
from inlet.adapters.javascript.sandbox import LoadFailure, Sandbox, ScriptFailure
from inlet.core.decoding.contracts import MAX_DECODED_BYTES, ContractViolation, read_tagoio, read_ts013
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import KIND_TAGOIO, Connector


class ScriptEngine:
    def __init__(self, limits: dict[str, ScriptLimits] | None = None, max_contexts: int = 32) -> None:
        self._limits = limits or DEFAULT_LIMITS
        self._max_contexts = max_contexts
        self._local = threading.local()

    def decode(
        self,
        connector: Connector,
        scope: str,
        device: str,
        script_input: object,
        device_info: dict | None = None,
        logs: bool = False,
    ) -> Decoding:
        """Run the connector on one uplink's input; every failure is a failed Decoding, never an exception.

        ``logs``: also return the script's console lines (`inlet decode`); ingest does not keep them.
        """
        try:
            sandbox = self._sandbox(connector, scope, device)
            routine, answer = sandbox.run(_json(script_input), _json(device_info or {}))
            decoding = _read(connector, routine, answer)
        except ScriptFailure as failure:
            if failure.broken:
                self._drop(connector, scope)
            decoding = Decoding.failure(connector.label, failure.reason)
        except LoadFailure as failure:
            return Decoding.failure(connector.label, str(failure))
        except ContractViolation as violation:
            decoding = Decoding.failure(connector.label, f"wrong output: {violation}")
        if logs:
            decoding.logs = self._logs(connector, scope)
        return decoding

    def _sandbox(self, connector: Connector, scope: str, device: str) -> Sandbox:
        contexts = self._contexts()
        key = (scope, connector.label)
        sandbox = contexts.get(key)
        if isinstance(sandbox, LoadFailure):
            raise sandbox
        if sandbox is not None and sandbox.switch_to(device):
            contexts.move_to_end(key)
            return sandbox
        try:
            sandbox = Sandbox(connector.kind, connector.source, self._limits[connector.kind])
        except LoadFailure as failure:
            contexts[key] = failure  # a version never changes: it will not compile next time either
            raise
        sandbox.switch_to(device)
        contexts[key] = sandbox
        contexts.move_to_end(key)
        while len(contexts) > self._max_contexts:
            contexts.popitem(last=False)
        return sandbox

    def _drop(self, connector: Connector, scope: str) -> None:
        self._contexts().pop((scope, connector.label), None)

    def _logs(self, connector: Connector, scope: str) -> list[str]:
        sandbox = self._contexts().get((scope, connector.label))
        if not isinstance(sandbox, Sandbox):
            return []
        try:
            return sandbox.logs()
        except ScriptFailure:
            return []

    def _contexts(self) -> OrderedDict:
        contexts = getattr(self._local, "contexts", None)
        if contexts is None:
            contexts = self._local.contexts = OrderedDict()
        return contexts


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def _read(connector: Connector, routine: str, answer: str) -> Decoding:
    if len(answer) > MAX_DECODED_BYTES:
        raise ContractViolation(f"the decoded output is {len(answer)} bytes, the limit is {MAX_DECODED_BYTES}")
    value = orjson.loads(answer)
    if connector.kind == KIND_TAGOIO:
        return Decoding(connector.label, decoded=read_tagoio(value))
    data, errors, warnings = read_ts013(value, routine)
    if errors:
        return Decoding(connector.label, decoded=data, errors=errors, warnings=warnings, failed=True)
    return Decoding(connector.label, decoded=data, warnings=warnings)
