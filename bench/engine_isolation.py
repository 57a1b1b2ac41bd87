"""The engine alone, this tree against another (``python -m bench.engine_isolation OTHER_LAYER_DIR [ROUNDS]``): the
CPU time of decoding 1,000 LHT65 uplinks of 50 devices (``bench.codecs``) through ``ScriptEngine.decode_many``,
warm, both contracts, and the elapsed time of a cold first decode; each tree in its own process, alternating, the
best round kept.

CPU time of the process and of the engine's worker process (adapters/javascript/isolation.py, read from /proc) over
ten batches: on a busy machine, elapsed time mostly measures how soon the scheduler runs the other process again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, os, sys, time
from inlet.adapters.javascript.engine import Job, ScriptEngine
try:
    from inlet.adapters.javascript.isolation import _cpu_seconds
    from inlet.adapters.javascript.remote_sandbox import thread_worker
except ImportError:  # a tree whose contexts run in the calling process
    thread_worker = None
def cpu():
    worker = 0.0
    if thread_worker is not None and thread_worker()._process is not None:
        worker = _cpu_seconds(thread_worker()._process.pid)
    return time.process_time() + worker
from inlet.core.decoding.contracts import tagoio_input, ts013_input
from bench.codecs import CONNECTORS
PAYLOAD = bytes.fromhex("cbf60b0d0376010adc7fff")
out = {}
engine = ScriptEngine()
started = time.perf_counter()
engine.decode(CONNECTORS["ts013"], "t", "d", ts013_input(PAYLOAD, 2, None))
out["cold_ms"] = (time.perf_counter() - started) * 1000
for kind, connector in CONNECTORS.items():
    if kind == "tagoio":
        jobs = [Job(f"d{n % 50}", tagoio_input(PAYLOAD.hex(), 2), {"id": f"d{n % 50}", "params": [], "tags": []})
                for n in range(1000)]
    else:
        jobs = [Job(f"d{n % 50}", ts013_input(PAYLOAD, 2, None)) for n in range(1000)]
    jobs.sort(key=lambda job: job.device)
    engine.decode_many(connector, "t", jobs)
    started = cpu()
    for _ in range(int(sys.argv[1])):
        decodings = engine.decode_many(connector, "t", jobs)
        assert not any(d.failed for d in decodings), decodings[0].errors
    out[f"{kind}_cpu_us_per_uplink"] = (cpu() - started) * 1e6 / len(jobs) / int(sys.argv[1])
print(json.dumps(out))
"""


def run(layer: str, repeats: int) -> dict:
    root = Path(__file__).resolve().parent.parent
    path = f"{layer}:{root}"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(repeats)], capture_output=True, text=True, env={"PYTHONPATH": path}
    )
    if child.returncode:
        raise SystemExit(child.stderr[-2000:])
    return json.loads(child.stdout)


def main() -> None:
    other = sys.argv[1]
    here = str(Path(__file__).resolve().parent.parent / "layers" / "common")
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    best: dict[str, dict[str, float]] = {"this": {}, "other": {}}
    for _ in range(rounds):
        for name, layer in (("other", other), ("this", here)):
            for key, value in run(layer, 10).items():
                best[name][key] = min(value, best[name].get(key, value))
    for key in sorted(best["this"]):
        ratio = best["this"][key] / best["other"][key]
        print(f"{key:24s} this {best['this'][key]:8.1f}  other {best['other'][key]:8.1f}  ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
