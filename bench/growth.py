"""Growth: time per uplink as the batch grows (TTS v3, warm caches, deduplication on), and its plot."""

from __future__ import annotations

from pathlib import Path

from bench import workloads
from bench.cpu import roundtrip
from bench.harness import Harness, event
from bench.timing import paired_min

SIZES = (10, 100, 1000, 2000)


def measure(harness: Harness, sizes=SIZES, repeats: int = 5) -> dict:
    points = []
    for size in sizes:
        bodies = workloads.bodies("tts", size, repeats + 1, first_seed=100 + size)
        events = [event(body) for body in bodies]
        harness.invoke(events[0])
        handler_s, baseline_s = paired_min(harness.invoke, roundtrip, events[1:], bodies[1:])
        points.append(
            {
                "uplinks": size,
                "handler_us_per_uplink": round(handler_s * 1e6 / size, 2),
                "baseline_us_per_uplink": round(baseline_s * 1e6 / size, 2),
            }
        )
    per_uplink = [p["handler_us_per_uplink"] for p in points]
    return {"points": points, "ratio": round(max(per_uplink) / min(per_uplink), 3)}


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    sizes = [p["uplinks"] for p in result["points"]]
    figure, axes = pyplot.subplots(figsize=(6.4, 3.6), dpi=120)
    axes.plot(sizes, [p["handler_us_per_uplink"] for p in result["points"]], "o-", label="handler (whole path)")
    axes.plot(sizes, [p["baseline_us_per_uplink"] for p in result["points"]], "s--", label="orjson loads + dumps")
    axes.set_xscale("log")
    axes.set_ylim(bottom=0)
    axes.set_xlabel("uplinks per request (TTS v3, ~2 kB each)")
    axes.set_ylabel("µs per uplink (wall time, min of repeats)")
    axes.set_title(f"Time per uplink vs batch size (largest/smallest = {result['ratio']:.2f})")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
