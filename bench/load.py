"""A closed-loop load generator: N client threads, each with its own connection state, share a bounded number of
requests and a time cap; the answer is throughput and latency percentiles."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable


def run(
    make_client: Callable[[], object],
    call: Callable[[object, int], None],
    total: int,
    clients: int = 8,
    time_cap: float = 60.0,
) -> dict:
    """``call(client, i)`` for i in 0..total-1 over ``clients`` threads; ``make_client()`` once per thread."""
    states = [make_client() for _ in range(clients)]  # built up front: not part of the measured window
    latencies: list[float] = []
    errors: list[str] = []
    next_index = iter(range(total))
    lock = threading.Lock()
    deadline = time.monotonic() + time_cap

    def worker(state: object) -> None:
        while time.monotonic() < deadline:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            start = time.perf_counter()
            try:
                call(state, index)
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker, args=(state,)) for state in states]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return summary(latencies, elapsed, clients, errors)


def summary(latencies: list[float], elapsed: float, clients: int, errors: list[str]) -> dict:
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(cuts[49] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
    }
