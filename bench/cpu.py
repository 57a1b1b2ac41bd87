"""Figures 1-2: CPU of the whole in-handler path per 1,000-uplink batch, against orjson parsing and dumping it.

The handler runs warm (key and devices cached) with deduplication on, so each repeat gets its own body: the same
body twice would be a replay. The baseline parses and dumps the very same bodies; both keep their fastest repeat.
"""

from __future__ import annotations

import orjson

from bench import workloads
from bench.harness import Harness, event
from bench.timing import paired_min


def roundtrip(body: bytes) -> bytes:
    return orjson.dumps(orjson.loads(body))


def measure(harness: Harness, fmt: str, uplinks: int = 1000, repeats: int = 7) -> dict:
    bodies = workloads.bodies(fmt, uplinks, repeats + 1)
    events = [event(body) for body in bodies]
    harness.invoke(events[0])  # warm-up: fills the key and device caches, imports anything lazy
    handler_s, baseline_s = paired_min(harness.invoke, roundtrip, events[1:], bodies[1:])
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
    }
