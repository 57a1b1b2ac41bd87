"""Process-level tuning of the function's runtime."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from inlet.adapters.time_budget import time_budget


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
        _freeze_once()
        if was_enabled:
            gc.enable()


_setup_frozen = False


def _freeze_once() -> None:
    """After a container's first request, leave what it built (boto3 clients, caches: ~37,000 objects that live as
    long as the container) out of every later collection, or the first one walks them all (part of the cold start).
    Frozen objects are still freed by reference counting; only a cycle alive at that moment would stay."""
    global _setup_frozen
    if not _setup_frozen:
        gc.freeze()
        _setup_frozen = True


def within_time_limit(context: object) -> AbstractContextManager[None]:
    """AWS calls of the invocation stop being attempted once they could outlive it (see ``time_budget``)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return time_budget(remaining()) if callable(remaining) else nullcontext()
