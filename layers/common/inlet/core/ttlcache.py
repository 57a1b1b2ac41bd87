"""A per-container cache with expiry, shared by every lookup that must stay cheap on warm invocations.

Found values live ``hit_ttl`` seconds, ``None`` ("does not exist") ``miss_ttl`` seconds. The cache is bounded: the
keys it holds come from callers (a flood of random keys or serials), so when it is full it first drops what has
expired, then everything; a full cache is refilled by lookups, never a reason to grow memory without limit.
"""

from __future__ import annotations

import time
from collections.abc import Hashable

MAX_ENTRIES = 20_000


class TtlCache:
    def __init__(self, hit_ttl: float, miss_ttl: float = 0, clock=time.monotonic, max_entries: int = MAX_ENTRIES):
        self._hit_ttl, self._miss_ttl = hit_ttl, miss_ttl
        self._clock = clock
        self._max = max_entries
        self._entries: dict[Hashable, tuple[float, object]] = {}
        self.hits = 0  # since the last take_hits(): reported as a metric per invocation

    def lookup(self, key: Hashable) -> tuple[bool, object]:
        """``(True, value)`` while a value (``None`` included) is fresh, else ``(False, None)``."""
        entry = self._entries.get(key)
        if entry is None or entry[0] < self._clock():
            return False, None
        self.hits += 1
        return True, entry[1]

    def store(self, key: Hashable, value: object) -> object:
        if len(self._entries) >= self._max:
            self._evict()
        ttl = self._miss_ttl if value is None else self._hit_ttl
        self._entries[key] = (self._clock() + ttl, value)
        return value

    def forget(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    def take_hits(self) -> int:
        hits, self.hits = self.hits, 0
        return hits

    def _evict(self) -> None:
        now = self._clock()
        self._entries = {k: e for k, e in self._entries.items() if e[0] >= now}
        if len(self._entries) >= self._max:
            self._entries.clear()
