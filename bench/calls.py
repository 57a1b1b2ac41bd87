"""In-process: AWS calls per request, counted by operation on the adapters' real boto3 clients.

(a) the first request with a new key (one uplink), (b) 1,000 uplinks of 50 registered devices with cold caches,
(c) the same key again with a new body, caches warm, (d) one more uplink of a known device with that key, warm: its
record's own conditional write deduplicates it (``inlet.core.retry_keys``), so it is one PutItem and nothing else.
"""

from __future__ import annotations

from bench import workloads
from bench.budgets import meets_budget
from bench.harness import Harness, event

BATCH = 1000
KEY_A = "at" + "0a" * 16
KEY_B = "at" + "1b" * 16
SINGLE_UPLINK = ("a_new_key", "d_warm_single")


def scenarios(batch: int = BATCH) -> list[tuple[str, str, bytes, bool]]:
    """``(name, key, body, cold caches)``; the bodies are unlike any other benchmark's (seeds 900+)."""
    return [
        ("a_new_key", KEY_A, workloads.body("tts", 1, seed=900), True),
        ("b_cold", KEY_B, workloads.body("tts", batch, seed=901), True),
        ("c_warm", KEY_B, workloads.body("tts", batch, seed=902), False),
        ("d_warm_single", KEY_B, workloads.body("tts", 1, seed=903), False),
    ]


def measure(harness: Harness, batch: int = BATCH) -> dict:
    fake = harness.fake
    fake.inspect, results = True, {}
    try:
        for name, key, body, cold in scenarios(batch):
            if cold:
                harness.reset_caches()
            fake.reset()
            harness.invoke(event(body, key=key))
            uplinks = 1 if name in SINGLE_UPLINK else batch
            calls = dict(sorted(fake.calls.items()))
            results[name] = {
                "uplinks": uplinks,
                "calls": calls,
                "records_per_batch_write": sorted(set(fake.batch_write_sizes)),
                "write_units": dict(fake.write_units),
                "record_item_bytes_avg": round(sum(fake.item_bytes) / max(1, len(fake.item_bytes)), 1),
                "meets_budget": meets_budget(name, calls, uplinks),
            }
    finally:
        fake.inspect = False
    return results
