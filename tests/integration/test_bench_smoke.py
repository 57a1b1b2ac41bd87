"""`python -m bench --smoke` runs the whole benchmark pipeline end to end (tiny sizes, no local stack).

No time is asserted: CI machines are noisy and these are benchmarks, not timed tests. Only what is deterministic
is checked: every figure produced a number, and the AWS calls counted per request meet their budgets; a TTS record is
one write unit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
NUMERIC_KEYS = (
    "cpu_ratio_tts",
    "cpu_ratio_loriot",
    "cpu_ratio_flat",
    "cold_start_ratio",
    "cold_start_ms",
    "growth_ratio",
    "memory_ratio",
    "decode_us_per_uplink_ts013",  # decoding: only that it runs (the warm-up checks every record was decoded)
    "decode_us_per_uplink_tagoio",
    "decode_cold_ms",
)
SCENARIOS = ("a_new_key", "b_cold", "c_warm", "d_warm_single")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    # Given a clean output directory, When the smoke run finishes, Then it has written its results there
    out = tmp_path_factory.mktemp("bench") / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "AWS_PROFILE")}
    paths = [ROOT / "layers/common", ROOT / "cli", ROOT / "functions/uplink", ROOT]
    env["PYTHONPATH"] = os.pathsep.join(map(str, paths))
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def results(out: Path) -> dict:
    return json.loads(out.read_text())


def test_every_figure_is_reported_as_a_number(results):
    for key in NUMERIC_KEYS:
        assert isinstance(results[key], (int, float)) and not isinstance(results[key], bool), key
    for key in ("aws_calls", "e2e", "machine", "time", "targets"):
        assert results[key], key
    assert "errors" not in results


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_aws_calls_per_request_meet_the_budget(results, scenario):
    figure = results["aws_calls"][scenario]
    assert figure["meets_budget"], figure["calls"]


def test_aws_calls_budgets_in_detail(results):
    calls = {name: results["aws_calls"][name]["calls"] for name in SCENARIOS}
    ssm = {name: calls[name].get("GetParameter", 0) + calls[name].get("GetParameters", 0) for name in SCENARIOS}
    assert ssm["a_new_key"] == 1  # a cold container reads the key and the key tag secret in one call
    assert ssm["b_cold"] == 1 and calls["b_cold"].get("BatchGetItem", 0) <= 1
    assert ssm["c_warm"] == 0 and calls["c_warm"].get("BatchGetItem", 0) == 0
    for name in ("b_cold", "c_warm"):
        assert calls[name]["BatchWriteItem"] == 40
        assert results["aws_calls"][name]["records_per_batch_write"] == [25]
        assert sum(calls[name].get(op, 0) for op in ("PutItem", "UpdateItem", "DeleteItem")) <= 2
    assert calls["d_warm_single"] == {"PutItem": 1}  # one write: the record's own conditional PutItem


def test_growth_is_measured_at_four_sizes_and_drawn(results, out):
    assert len(results["growth"]["points"]) == 4
    assert out.with_name("growth.png").read_bytes().startswith(b"\x89PNG")


def test_cost_per_million_and_write_units_per_record_are_reported_per_format(results):
    costs, units = results["cost_per_million"], results["wru_per_record"]
    assert set(costs) == {"tts", "loriot", "flat"}
    for by_size in costs.values():
        assert set(by_size) == {"1", "20"} and all(usd > 0 for usd in by_size.values())  # smoke: 20 per request
    assert set(units) == {"tts", "loriot", "flat", "tts_decoded"}
    assert units["tts"] == units["tts_decoded"] == 1  # a 2.3 kB TTS uplink is one write unit once stored


def test_the_data_lake_figures_are_reported(results):
    lake = results["lake"]
    assert lake["tts"]["parquet_bytes_per_uplink"] > 0 and lake["flat"]["parquet_bytes_per_uplink"] > 0
    assert lake["query_local"]["result_rows"] > 0 and lake["query_local"]["peak_mb"] > 0
    assert set(lake["athena_10m"]) >= {"daily-stats", "silent-devices", "per-gateway", "device-range"}
