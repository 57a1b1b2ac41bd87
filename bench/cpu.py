"""CPU per uplink: CPU of the whole in-handler path per 1,000-uplink batch, against orjson parsing and dumping it.

The handler runs warm (key and devices cached) with deduplication on, so each repeat gets its own body: the same
body twice would be a replay. The baseline parses and dumps the very same bodies; both keep their fastest repeat.
"""

from __future__ import annotations

import statistics

import orjson

from bench import workloads
from bench.harness import Harness, event
from bench.timing import GcTimer, paired


def roundtrip(body: bytes) -> bytes:
    return orjson.dumps(orjson.loads(body))


def measure(harness: Harness, fmt: str, uplinks: int = 1000, repeats: int = 7) -> dict:
    bodies = workloads.bodies(fmt, uplinks, repeats + 1)
    events = [event(body) for body in bodies]
    harness.invoke(events[0])  # warm-up: fills the key and device caches, imports anything lazy
    with GcTimer() as gc_time:
        handler_times, baseline_times = paired(harness.invoke, roundtrip, events[1:], bodies[1:])
    handler_s, baseline_s = min(handler_times), min(baseline_times)
    return {
        "format": fmt,
        "uplinks": uplinks,
        "repeats": repeats,
        "body_bytes": len(bodies[1]),
        "item_bytes": len(bodies[1]) // uplinks,
        "handler_ms": round(handler_s * 1000, 3),
        "baseline_ms": round(baseline_s * 1000, 3),
        "handler_us_per_uplink": round(handler_s * 1e6 / uplinks, 2),
        "baseline_us_per_uplink": round(baseline_s * 1e6 / uplinks, 2),
        "ratio": round(handler_s / baseline_s, 2),
        # Not part of the figure (min of repeats): the median, and the time in the cyclic GC per repeat (the
        # baseline's share is small: it allocates far less).
        "handler_median_ms": round(statistics.median(handler_times) * 1000, 3),
        "gc_ms_per_repeat": round(gc_time.seconds * 1000 / repeats, 3),
    }
