"""``python -m bench [--smoke] [--out PATH]``: run every figure, print the table, write the JSON.

A figure that fails is recorded with its error (its value is then null) and the run goes on; the exit status says
whether any failed. ``--smoke`` runs tiny sizes to prove the pipeline works: its times mean nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from bench.paths import ROOT, add_source_dirs

add_source_dirs()


@dataclass(frozen=True)
class Sizes:
    uplinks: int = 1000
    repeats: int = 9
    decoding_repeats: int = 15  # a decoder's cost is the difference of two batches: more repeats for two minima
    growth_sizes: tuple[int, ...] = (10, 100, 1000, 2000)
    growth_repeats: int = 7
    cold_runs: int = 7
    memory_uplinks: int = 2000
    stack: bool = True  # local stack end to end and the AWS calls counted at a proxy (child processes, ~30 s)
    e2e_requests: int = 400
    lake_file_uplinks: int = 10_000  # uplinks in the Parquet file whose bytes per uplink are measured
    lake_query_uplinks: int = 1_000_000  # uplinks `inlet query --local` runs the daily statistics over


FULL = Sizes()
SMOKE = Sizes(
    uplinks=20,
    repeats=2,
    decoding_repeats=2,
    growth_sizes=(2, 5, 10, 20),
    growth_repeats=2,
    cold_runs=1,
    memory_uplinks=100,
    stack=False,
    e2e_requests=40,
    lake_file_uplinks=200,
    lake_query_uplinks=2_000,
)


def _step(name: str, results: dict, errors: list[str], run):
    started = time.perf_counter()
    print(f"bench: {name}...", file=sys.stderr, flush=True)
    try:
        value = run()
    except Exception:
        errors.append(name)
        results.setdefault("errors", {})[name] = traceback.format_exc(limit=6)
        print(results["errors"][name], file=sys.stderr)
        return None
    print(f"bench: {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return value


def run(sizes: Sizes, out: Path, smoke: bool) -> dict:
    from bench import calls, calls_remote, coldstart, cost, cpu, decoders, e2e, growth, lake, memory, report
    from bench.harness import Harness

    results: dict = {"time": report.now_iso(), "smoke": smoke, "machine": report.machine(), "targets": report.TARGETS}
    errors: list[str] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    harness = Harness()
    for fmt in ("tts", "loriot", "flat"):
        figure = _step(
            f"cpu {fmt}", results, errors, lambda f=fmt: cpu.measure(harness, f, sizes.uplinks, sizes.repeats)
        )
        results.setdefault("cpu", {})[fmt] = figure
        results[f"cpu_ratio_{fmt}"] = figure and figure["ratio"]
    results["aws_calls"] = _step("aws calls", results, errors, lambda: calls.measure(harness)) or {}
    grown = _step("growth", results, errors, lambda: growth.measure(harness, sizes.growth_sizes, sizes.growth_repeats))
    results["growth"], results["growth_ratio"] = grown, grown and grown["ratio"]
    if grown:
        _step("growth plot", results, errors, lambda: growth.plot(grown, out.with_name("growth.png")))
    costs = _step(
        "cost", results, errors, lambda: cost.measure(harness, results["cpu"], sizes.uplinks, 3 if smoke else 30)
    )
    results.update(costs or {"cost_per_million": None, "wru_per_record": None})
    decoding = _step(
        "decoding",
        results,
        errors,
        lambda: decoders.figures(
            harness, sizes.uplinks, sizes.decoding_repeats, sizes.cold_runs, 0 if smoke else decoders.PROCESSES
        ),
    )
    results.update(decoding or {"decoding": None})
    harness.close()

    cold = _step("cold start", results, errors, lambda: coldstart.measure(sizes.cold_runs))
    results["cold_start"] = cold
    results["cold_start_ratio"], results["cold_start_ms"] = (cold["ratio"], cold["handler_ms"]) if cold else (None,) * 2
    results["cold_start_top_imports"] = _step("import profile", results, errors, coldstart.top_imports)
    mem = _step("memory", results, errors, lambda: memory.measure(sizes.memory_uplinks))
    results["memory"], results["memory_ratio"] = mem, mem and mem["ratio"]

    if sizes.stack and results["aws_calls"]:
        remote = _step("aws calls at a proxy", results, errors, lambda: calls_remote.measure(results["aws_calls"]))
        results["aws_calls"]["out_of_process"] = remote or {"error": "see errors"}
    else:
        results["aws_calls"]["out_of_process"] = {"skipped": "smoke run" if smoke else "in-process count failed"}
    if sizes.stack:
        results["destinations"] = _step("destinations", results, errors, _destination_figures) or {"error": "failed"}
    else:
        results["destinations"] = {"skipped": "smoke run"}
    if sizes.stack:
        results["e2e"] = _step("e2e", results, errors, lambda: e2e.measure(sizes.e2e_requests)) or {"error": "failed"}
    else:
        results["e2e"] = {"skipped": "smoke run"}
    results["lake"] = _step(
        "data lake", results, errors, lambda: lake.measure(sizes.lake_file_uplinks, sizes.lake_query_uplinks)
    )
    report.write(results, out)
    if not smoke:
        report.write_readme(results, ROOT / "bench" / "README.md")
    report.print_table(results)
    if results["lake"]:
        print("\n".join(["Data lake:", *lake.lines(results["lake"])]))
    print(f"results: {out}", file=sys.stderr)
    if errors:
        print(f"bench: failed figures: {', '.join(errors)}", file=sys.stderr)
    return results


def _destination_figures() -> dict:
    """Ingest calls without and with destinations, cost per million deliveries per kind, 2xx-to-receiver latency."""
    from bench import destinations
    from bench.harness import Harness

    harness = Harness()
    try:
        calls = destinations.ingest_calls(harness)
    finally:
        harness.close()
    return {"ingest_calls": calls, "delivery_costs": destinations.delivery_costs(), "latency": destinations.latency()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no local stack: proves the suite runs")
    parser.add_argument("--out", type=Path, help="results file (default bench/results.json; --smoke: a temp dir)")
    args = parser.parse_args(argv)
    out = args.out or (_smoke_out() if args.smoke else ROOT / "bench" / "results.json")
    results = run(SMOKE if args.smoke else FULL, out, args.smoke)
    return 1 if results.get("errors") else 0


def _smoke_out() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="inlet-bench-")) / "results.json"


if __name__ == "__main__":
    sys.exit(main())
