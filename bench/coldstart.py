"""Cold start. In fresh processes (bytecode compiled beforehand): importing the handler module plus what
its first invocation builds (settings, stores, the SSM and DynamoDB clients), against ``import boto3`` and the same
two plain clients. The runs alternate; each side keeps its median. ``-X importtime`` gives the handler's profile.
"""

from __future__ import annotations

import compileall
import statistics
import subprocess
import sys

from bench.paths import ROOT, child_last_line, subprocess_env

_CLOCK = "import time; _t0 = time.perf_counter()\n"
_REPORT = "\nprint((time.perf_counter() - _t0) * 1000)\n"
# The first invocation builds the stores and the clients inside the handler, so under its paused_gc() as here.
HANDLER = (
    "import app\n"
    "from inlet.adapters.aws import client\n"
    "from inlet.service.runtime import paused_gc\n"
    "from inlet.service.wiring import dependencies\n"
    "with paused_gc():\n"
    "    dependencies(); client('ssm'); client('dynamodb')"
)
BASELINE = "import boto3\nboto3.client('ssm'); boto3.client('dynamodb')"


def _env() -> dict[str, str]:
    from inlet_cli.local import env as local_env

    return subprocess_env(**local_env.function_environment(POWERTOOLS_METRICS_DISABLED="false"))


def _run_ms(code: str, env: dict[str, str]) -> float:
    return float(child_last_line(["-c", _CLOCK + code + _REPORT], env))


def compile_sources() -> None:
    for path in ("layers/common", "functions/uplink"):
        compileall.compile_dir(str(ROOT / path), quiet=1)


def measure(runs: int = 7) -> dict:
    compile_sources()
    env = _env()
    _run_ms(HANDLER, env), _run_ms(BASELINE, env)  # warm the page cache and any first-run byte compilation
    handler, baseline = [], []
    for _ in range(runs):
        handler.append(_run_ms(HANDLER, env))
        baseline.append(_run_ms(BASELINE, env))
    handler_ms, baseline_ms = statistics.median(handler), statistics.median(baseline)
    return {
        "runs": runs,
        "handler_ms": round(handler_ms, 1),
        "baseline_ms": round(baseline_ms, 1),
        "ratio": round(handler_ms / baseline_ms, 3),
    }


def _importtime_rows(stderr: str) -> list[dict]:
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:") :].split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append(
            {
                "module": name.strip(),
                "depth": depth,
                "self_ms": int(self_us) / 1000,
                "cumulative_ms": int(cumulative_us) / 1000,
            }
        )
    return rows


def top_imports(limit: int = 10) -> dict:
    """The handler's import profile: self time summed per top-level package (no overlap: the rows add up to the
    whole import), and the costliest imports of the first levels with their whole subtree (cumulative)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", HANDLER],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rows = _importtime_rows(done.stderr)
    packages: dict[str, float] = {}
    for row in rows:
        top = row["module"].split(".")[0]
        packages[top] = packages.get(top, 0.0) + row["self_ms"]
    ranked = sorted(packages.items(), key=lambda kv: -kv[1])[:limit]
    shallow = sorted((r for r in rows if r["depth"] <= 3 and r["module"] != "app"), key=lambda r: -r["cumulative_ms"])
    return {
        "total_ms": round(sum(r["self_ms"] for r in rows), 1),
        "by_package_self_ms": [{"package": name, "ms": round(ms, 1)} for name, ms in ranked],
        "by_cumulative_ms": [
            {"module": r["module"], "depth": r["depth"], "ms": round(r["cumulative_ms"], 1)} for r in shallow[:limit]
        ],
    }
