"""The table of benchmarks (rich) and bench/results.json."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

TARGETS = {
    "cpu_ratio_tts": "<= 5",
    "cpu_ratio_loriot": "<= 5",
    "cpu_ratio_flat": "<= 5",
    "aws_calls": "(a) 1 SSM; (b) 1 SSM, <= 1 BatchGetItem, 40 BatchWriteItem, <= 2 dedup; (c) 0 SSM, 0 reads, 40, <= 2",
    "cold_start_ratio": "<= 1.0",
    "growth_ratio": "<= 1.3",
    "memory_ratio": "<= 8",
    "e2e": "reported, with the emulator's baseline",
    "decode_us_per_uplink_ts013": "<= 30 us added per uplink (aim)",
    "decode_us_per_uplink_tagoio": "<= 30 us added per uplink (aim)",
    "decode_cold_ms": "<= 50 ms (aim)",
    "cost_per_million": "TTS: <= $2.25 at 1 uplink per request, <= $0.70 at 1,000",
    "wru_per_record": "TTS: 1",
}
# (format, uplinks per request) -> the most a million uplinks may cost, in USD
COST_LIMITS = {("tts", "1"): 2.25, ("tts", "1000"): 0.70}
AIMS = {"decode_us_per_uplink_ts013": 30, "decode_us_per_uplink_tagoio": 30, "decode_cold_ms": 50}
LIMITS = {
    "cpu_ratio_tts": 5,
    "cpu_ratio_loriot": 5,
    "cpu_ratio_flat": 5,
    "cold_start_ratio": 1.0,
    "growth_ratio": 1.3,
    "memory_ratio": 8,
}
SCENARIOS = ("a_new_key", "b_cold", "c_warm", "d_warm_single")


def machine() -> dict:
    import boto3
    import botocore
    import orjson

    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "orjson": orjson.__version__,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")


def _verdict(ok: bool | None) -> str:
    return {True: "[green]PASS[/]", False: "[red]MISS[/]", None: "[yellow]n/a[/]"}[ok]


def _ratio_row(results: dict, key: str, label: str, detail: str = "") -> tuple[str, str, str, str]:
    value = results.get(key)
    ok = None if value is None else value <= LIMITS[key]
    shown = "error" if value is None else f"{value:.2f}x{detail}"
    return label, shown, TARGETS[key], _verdict(ok)


def rows(results: dict) -> list[tuple[str, str, str, str]]:
    cpu = results.get("cpu", {})
    per = {
        f: f" ({cpu[f]['handler_us_per_uplink']:.0f} us/uplink)" if f in cpu else "" for f in ("tts", "loriot", "flat")
    }
    table = [
        _ratio_row(results, "cpu_ratio_tts", "CPU per uplink, TTS v3", per["tts"]),
        _ratio_row(results, "cpu_ratio_loriot", "CPU per uplink, LORIOT gw", per["loriot"]),
        _ratio_row(results, "cpu_ratio_flat", "CPU per uplink, flat schema", per["flat"]),
    ]
    calls = results.get("aws_calls", {})
    for name in SCENARIOS:
        scenario = calls.get(name, {})
        shown = ", ".join(f"{op} {n}" for op, n in scenario.get("calls", {}).items()) or "error"
        table.append(
            (
                f"AWS calls per request, ({name[0]}) {name[2:].replace('_', ' ')}",
                shown,
                "budget",
                _verdict(scenario.get("meets_budget")),
            )
        )
    remote = calls.get("out_of_process", {})
    if "skipped" in remote:
        table.append(("AWS calls counted at a proxy", "skipped", "same counts", _verdict(None)))
    elif remote:
        same = all(remote.get(n, {}).get("matches_in_process") for n in SCENARIOS) and not remote.get("idle_calls")
        table.append(
            ("AWS calls counted at a proxy", "same counts, idle 0" if same else "differ", "same counts", _verdict(same))
        )
    ms = results.get("cold_start_ms")
    table.append(_ratio_row(results, "cold_start_ratio", "cold start", f" ({ms:.0f} ms)" if ms else ""))
    sizes = [p["uplinks"] for p in (results.get("growth") or {}).get("points", [])]
    table.append(_ratio_row(results, "growth_ratio", f"growth {min(sizes, default=0)}..{max(sizes, default=0)}"))
    table.append(_ratio_row(results, "memory_ratio", "peak memory (RSS / body)"))
    table.append(_e2e_row(results.get("e2e", {})))
    table += _decoding_rows(results)
    table += _cost_rows(results)
    table += _lake_rows(results.get("lake"))
    return table


def _lake_rows(lake: dict | None) -> list[tuple[str, str, str, str]]:
    """The data lake's figures (bench/lake.py): bytes per uplink in Parquet, the local query, Athena's cost."""
    if not lake:
        return [("data lake", "error", "", _verdict(None))]
    tts, flat, local = lake["tts"], lake["flat"], lake["query_local"]
    per_file = f"at {lake['file_uplinks']:,} a file"
    bytes_ok = tts["parquet_bytes_per_uplink"] <= 120
    query_ok = local["seconds"] <= 2 and local["peak_mb"] <= 500
    cost = lake["cost_per_million"]
    rows = [
        (f"lake Parquet bytes per uplink, TTS v3 {per_file}",
         f"{tts['parquet_bytes_per_uplink']} B (Records table item {tts['records_table_bytes_per_uplink']} B)",
         "<= 120 B", _verdict(bytes_ok)),
        (f"lake Parquet bytes per uplink, flat {per_file}",
         f"{flat['parquet_bytes_per_uplink']} B (item {flat['records_table_bytes_per_uplink']} B)", "reported", "n/a"),
        ("lake cost per million uplinks",
         f"Firehose ${cost['firehose_usd']}, SQS ${cost['sqs_usd']}, functions ${cost['lambda_usd']}, "
         f"S3 ${cost['s3_storage_usd_per_month']}/month", "reported", "n/a"),
        (f"inlet query --local, daily stats, {local['uplinks']:,} uplinks",
         f"{local['seconds']} s, peak {local['peak_mb']} MB", "<= 2 s, <= 500 MB", _verdict(query_ok)),
    ]  # fmt: skip
    for name, query in lake["athena_10m"].items():
        rows.append((f"Athena over 10 M uplinks, {name}", f"{query['bytes_scanned'] / 1e6:.1f} MB, ${query['usd']}",
                     "reported", "n/a"))  # fmt: skip
    return rows


def _cost_rows(results: dict) -> list[tuple[str, str, str, str]]:
    costs, units = results.get("cost_per_million") or {}, results.get("wru_per_record") or {}
    table = []
    for fmt, by_size in costs.items():
        shown = " / ".join(f"${usd:.2f} at {size}" for size, usd in by_size.items())
        limits = [(usd, COST_LIMITS.get((fmt, size))) for size, usd in by_size.items()]
        checked = [usd <= limit for usd, limit in limits if limit is not None]
        target = "<= $2.25 / <= $0.70" if checked else "reported"
        table.append((f"cost per million, {fmt}", shown, target, _verdict(all(checked) if checked else None)))
    shown = ", ".join(f"{fmt} {wru:g}" for fmt, wru in units.items()) or "error"
    table.append(("write units per record", shown, "TTS 1", _verdict(units.get("tts") == 1 if units else None)))
    return table


def _decoding_rows(results: dict) -> list[tuple[str, str, str, str]]:
    labels = {
        "decode_us_per_uplink_ts013": ("decoder cost, ts013 codec, TTS v3", "us/uplink"),
        "decode_us_per_uplink_tagoio": ("decoder cost, TagoIO parser, TTS v3", "us/uplink"),
        "decode_cold_ms": ("first decode, fresh process", "ms"),
    }
    table = []
    for key, (label, unit) in labels.items():
        value = results.get(key)
        shown = "error" if value is None else f"{value:.1f} {unit}"
        table.append((label, shown, TARGETS[key], _verdict(None if value is None else value <= AIMS[key])))
    details = results.get("decoding") or {}
    for kind, label in (("ts013", "ts013 codec"), ("tagoio", "TagoIO parser")):
        clean = details.get(f"{kind}_clean_schema") or {}
        if "us_per_uplink" in clean:  # the same decoder on the spec's clean schema: reported beside the aim
            value = clean["us_per_uplink"]
            row = (f"decoder cost, {label}, clean schema", f"{value:.1f} us/uplink", "reported", _verdict(None))
            table.append(row)
    return table


def _e2e_row(e2e: dict) -> tuple[str, str, str, str]:
    if "stack" not in e2e:
        return (
            "local stack end to end",
            e2e.get("skipped", e2e.get("error", "n/a"))[:60],
            TARGETS["e2e"],
            _verdict(None),
        )
    stack, base = e2e["stack"], e2e["emulator_put_item"]
    shown = (
        f"{stack['requests_per_s']:.0f} req/s p50 {stack['p50_ms']:.0f} p99 {stack['p99_ms']:.0f} ms; "
        f"moto PutItem {base['requests_per_s']:.0f} req/s p50 {base['p50_ms']:.0f} p99 {base['p99_ms']:.0f} ms"
    )
    return "local stack end to end", shown, "reported", "[cyan]INFO[/]"


def print_table(results: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Inlet benchmarks ({'smoke' if results.get('smoke') else 'full'} run, {results['time']})")
    for column in ("benchmark", "measured", "target", ""):
        table.add_column(column, overflow="fold")
    for row in rows(results):
        table.add_row(*row)
    Console(width=max(Console().width, 150)).print(table)


BEGIN, END = "<!-- results: begin (written by `make bench`) -->", "<!-- results: end -->"


def markdown(results: dict) -> str:
    """The table of ``print_table`` as Markdown, with the run's time and machine, for bench/README.md."""
    host = results.get("machine") or {}
    lines = [
        f"Last full run: {results.get('time', '?')}, {host.get('cpu_count', '?')} CPUs {host.get('processor', '')}, "
        f"Python {host.get('python', '?')}, load average {host.get('load_average', '?')} (`bench/results.json`).",
        "",
        "| benchmark | measured | target | |",
        "|---|---|---|---|",
    ]
    for row in rows(results):
        lines.append("| " + " | ".join(_plain(cell).replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


def write_readme(results: dict, path: Path) -> None:
    """Replace the figures between the markers of ``path`` (bench/README.md) with this run's; the prose stays."""
    text = path.read_text()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{BEGIN}\n{markdown(results)}\n{END}{tail}")


def _plain(cell: str) -> str:
    """A cell without rich's markup (``[green]PASS[/]`` -> ``PASS``)."""
    import re

    return re.sub(r"\[/?[a-z ]*\]", "", str(cell))
