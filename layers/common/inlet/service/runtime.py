"""Process-level tuning of the function's runtime."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run a request without the cyclic garbage collector.

    A 1,000-uplink batch allocates hundreds of thousands of small containers, which set off ~150 collections that
    each walk the whole parsed body (up to 40 % of the request's CPU). The request creates no reference cycles that
    matter: reference counting frees its objects, and the collector runs again as soon as the request is over.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
