"""``python -m bench.setup_time [--runs N]``: a newcomer's first minute, measured. A fresh clone of this repository
(its committed HEAD), then ``make run`` in it, timed until the first uplink is stored (a POST answered 200 with the
uplink accepted), with the phases on the way: ``.venv`` installed, the port listening, the uplink stored.

The package cache is warm: one clone goes first, unmeasured, so that uv's cache (and the uv bootstrap, once per
machine) hold what ``make run`` installs; each measured run then starts from a new clone with no ``.venv``. The
figures go to stdout as a table and into ``bench/results.json`` (``setup_time``); the docs quote them.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPLINK = b'{"serial": "AA-BB-01", "payload": "0011aa", "port": 10}'
LIMIT_SECONDS = 600
FOREIGN = ("VIRTUAL_ENV", "INLET_STATE_DIR", "INLET_PORT", "INLET_TARGET", "INLET_TENANT", "AWS_ENDPOINT_URL")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_once(workdir: Path, ref: str | None = None) -> dict[str, float]:
    clone = workdir / "inlet"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    if ref:  # an older commit, to compare with in the same run (e.g. one whose Makefile installed with pip)
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", ref], check=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN} | {"INLET_PORT": str(port)}
    log = (workdir / "make-run.log").open("w")
    start = time.monotonic()
    make = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=log, stderr=log, start_new_session=True)
    phases: dict[str, float] = {}
    try:
        while "stored" not in phases:
            if make.poll() is not None:
                raise RuntimeError(f"make run exited with {make.returncode}: see {workdir / 'make-run.log'}")
            if time.monotonic() - start > LIMIT_SECONDS:
                raise RuntimeError(f"no stored uplink after {LIMIT_SECONDS} s")
            _advance(phases, clone, port, start)
            time.sleep(0.05)
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(30)
        log.close()
    return phases


def _advance(phases: dict[str, float], clone: Path, port: int, start: float) -> None:
    elapsed = time.monotonic() - start
    if "installed" not in phases and (clone / ".venv" / "bin" / ".installed").exists():
        phases["installed"] = elapsed
    key_file = clone / ".inlet" / "demo-key"
    if "installed" not in phases or not key_file.exists():
        return
    phases.setdefault("listening", elapsed)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/uplink",
        data=UPLINK,
        headers={"Authorization": key_file.read_text().strip(), "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            if answer.status == 200 and json.loads(answer.read()).get("accepted") == 1:
                phases["stored"] = time.monotonic() - start
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        pass  # the port is bound before the stack is ready: connections wait, or are refused a moment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.setup_time", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="measured runs after the warm-up (default 3)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results.json")
    parser.add_argument("--ref", help="measure this commit instead of HEAD (a baseline; implies --no-save)")
    args = parser.parse_args(argv)
    runs = []
    for index in range(args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="inlet-setup-") as workdir:
            phases = measure_once(Path(workdir), args.ref)
        label = "warm-up" if index == 0 else f"run {index}"
        print(f"{label}: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()), file=sys.stderr)
        if index:
            runs.append(phases)
    result = {
        "runs": runs,
        "median_s": {k: round(statistics.median(r[k] for r in runs), 1) for k in ("installed", "listening", "stored")},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(json.dumps(result, indent=2))
    if not args.no_save and not args.ref:
        path = ROOT / "bench" / "results.json"
        saved = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps(saved | {"setup_time": result}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
