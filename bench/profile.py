"""``python -m bench.profile [tts|loriot|flat] [--uplinks N] [--repeats N] [--lines N]``: pyinstrument profile of
the CPU-per-uplink benchmark's warm handler run (the real handler, real boto3 clients, AWS answered in-process),
as text."""

from __future__ import annotations

import argparse

from bench.paths import add_source_dirs

add_source_dirs()


def profile(fmt: str, uplinks: int, repeats: int, interval: float = 0.0005) -> str:
    from pyinstrument import Profiler

    from bench import workloads
    from bench.harness import Harness, event
    from bench.timing import GcTimer

    harness = Harness()
    events = [event(body) for body in workloads.bodies(fmt, uplinks, repeats + 1, first_seed=7000)]
    harness.invoke(events[0])  # warm: caches full, lazy imports done
    profiler = Profiler(interval=interval)
    with GcTimer() as gc_time:
        profiler.start()
        for evt in events[1:]:
            harness.invoke(evt)
        profiler.stop()
    harness.close()
    gc_line = (
        f"cyclic GC (attributed by the profiler to whatever was allocating): {gc_time.seconds * 1000 / repeats:.1f}"
        f" ms per request in {gc_time.collections / repeats:.0f} collections"
    )
    return gc_line + "\n" + profiler.output_text(unicode=True, color=False, show_all=False)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("format", nargs="?", default="tts", choices=("tts", "loriot", "flat"))
    parser.add_argument("--uplinks", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    print("\n".join(profile(args.format, args.uplinks, args.repeats).splitlines()[: args.lines]))


if __name__ == "__main__":
    main()
