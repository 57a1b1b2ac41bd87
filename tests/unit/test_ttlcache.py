"""The per-container cache behind keys, devices and TagoIO tokens: expiry by outcome, and bounded memory."""

from __future__ import annotations

import pytest
from inlet.core.ttlcache import TtlCache

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_found_values_and_misses_expire_on_their_own_ttls():
    clock = Clock()
    cache = TtlCache(hit_ttl=60, miss_ttl=10, clock=clock)
    cache.store("known", "config")
    cache.store("unknown", None)
    clock.now = 10
    assert cache.lookup("known") == (True, "config") and cache.lookup("unknown") == (True, None)
    clock.now = 11
    assert cache.lookup("unknown") == (False, None)  # a miss is re-checked soon: the key may have been created
    assert cache.lookup("known") == (True, "config")
    clock.now = 61
    assert cache.lookup("known") == (False, None)
    assert cache.take_hits() == 3 and cache.take_hits() == 0


def test_a_flood_of_distinct_keys_cannot_grow_it_past_its_bound():
    clock = Clock()
    cache = TtlCache(hit_ttl=60, miss_ttl=10, clock=clock, max_entries=100)
    for n in range(10_000):
        cache.store(f"at{n:032x}", None)
    assert len(cache._entries) <= 100


def test_when_full_expired_entries_go_first():
    clock = Clock()
    cache = TtlCache(hit_ttl=60, miss_ttl=1, clock=clock, max_entries=3)
    cache.store("kept", "value")
    cache.store("stale-1", None)
    cache.store("stale-2", None)
    clock.now = 5
    cache.store("new", "value")
    assert cache.lookup("kept") == (True, "value") and cache.lookup("new") == (True, "value")
