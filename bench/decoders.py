"""The decoding figures: CPU added per uplink by a JavaScript connector, and its first decode in a fresh process.

``decode_us_per_uplink_<kind>``: 1,000 TTS v3 uplinks of one device type (the LHT65 of ``bench.codecs``) through
the real handler, warm, with the devices on the connector, minus the very same bodies sent with a key whose tenant's
devices are ``generic-sensor``; the two alternate and each keeps its fastest of 15 repeats (as the CPU-per-uplink
benchmark: the VM's neighbours slow a batch by up to half for seconds at a time), in three fresh processes, of which
the median is the figure (one process's figure moves by up to half from the next one's), each batch in its own
process (one measured after another batch pays for what that one left: up to ~10 µs an uplink). The details also hold
the same figure for the spec's clean schema (``workloads.clean_item``): a TagoIO parser's input is then 6 records
instead of a TTS uplink's ~70, which is what its cost follows.
``decode_cold_ms``: in a fresh process with the handler imported, the first ``decode_records`` of one uplink with
a connector version already read: importing the engine, creating the context, compiling the script and running it.
"""

from __future__ import annotations

import statistics
import sys

import orjson
from inlet.core.decoding.kept_input import decoded_of
from inlet.core.keys import key_hash

from bench import workloads
from bench.codecs import CONNECTORS
from bench.harness import Harness, event
from bench.paths import child_last_line, subprocess_env
from bench.timing import paired

PROCESSES = 3  # of a full run
GENERIC_KEY = "at" + "2c" * 16
KEYS = {kind: "at" + digits * 16 for kind, digits in (("ts013", "3d"), ("tagoio", "4e"))}


def figures(harness: Harness, uplinks: int = 1000, repeats: int = 15, cold_runs: int = 7, processes: int = 0) -> dict:
    """The three figures (top-level keys of results.json) and their details (``decoding``). ``processes``: measure
    each batch in that many fresh processes and keep each figure's median run (0: in this process, with
    ``harness``). A figure moves more from one process to the next than between the repeats of one process (28 µs
    against 17 µs for the same code, the same minute): the median of three is steadier than any one process."""
    if processes:  # one batch per process: a batch measured after another one pays for what that one left
        runs = [{name: _in_fresh_process(kind, fmt, uplinks, repeats) for name, (kind, fmt) in BATCHES.items()}
                for _ in range(processes)]  # fmt: skip
    else:
        runs = [{name: measure(harness, kind, uplinks, repeats, fmt) for name, (kind, fmt) in BATCHES.items()}]
    measured = {name: _median_run([run[name] for run in runs]) for name in BATCHES}
    first = cold(cold_runs)
    return {
        "decoding": {**measured, "cold": first},
        **{f"decode_us_per_uplink_{kind}": measured[kind]["us_per_uplink"] for kind in CONNECTORS},
        "decode_cold_ms": max(first[f"{kind}_ms"] for kind in CONNECTORS),
    }


# Each kind on TTS v3 uplinks, then on the spec's clean schema.
BATCHES = {
    **{kind: (kind, "tts") for kind in CONNECTORS},
    **{f"{kind}_clean_schema": (kind, "clean") for kind in CONNECTORS},
}


def _median_run(runs: list[dict]) -> dict:
    ordered = sorted(runs, key=lambda run: run["us_per_uplink"])
    return {**ordered[len(ordered) // 2], "runs_us_per_uplink": [run["us_per_uplink"] for run in runs]}


ONE_BATCH = """
import orjson
from bench import decoders
from bench.harness import Harness
print(orjson.dumps(decoders.measure(Harness(), {kind!r}, {uplinks}, {repeats}, {fmt!r})).decode())
"""


def _in_fresh_process(kind: str, fmt: str, uplinks: int, repeats: int) -> dict:
    code = ONE_BATCH.format(kind=kind, fmt=fmt, uplinks=uplinks, repeats=repeats)
    return orjson.loads(child_last_line(["-c", code], subprocess_env(), timeout=600))


def measure(harness: Harness, kind: str, uplinks: int = 1000, repeats: int = 7, fmt: str = "tts") -> dict:
    fake = harness.fake
    connector = CONNECTORS[kind]
    tenant = f"bench-{kind}"
    fake.tenants[key_hash(KEYS[kind])] = tenant
    fake.connectors[tenant] = connector.label
    fake.scripts[(connector.name, connector.version)] = connector
    bodies = workloads.bodies(fmt, uplinks, repeats + 1, first_seed=500)
    decoded = [event(body, key=KEYS[kind]) for body in bodies]
    generic = [event(body, key=GENERIC_KEY) for body in bodies]
    warm_up(harness, decoded[0], uplinks)
    harness.invoke(generic[0])
    decoded_times, generic_times = paired(harness.invoke, harness.invoke, decoded[1:], generic[1:])
    decoded_s, generic_s = min(decoded_times), min(generic_times)
    return {
        "kind": kind,
        "format": fmt,
        "connector": connector.label,
        "uplinks": uplinks,
        "repeats": repeats,
        "decoded_ms": round(decoded_s * 1000, 3),
        "generic_ms": round(generic_s * 1000, 3),
        "us_per_uplink": round((decoded_s - generic_s) * 1e6 / uplinks, 2),
    }


def warm_up(harness: Harness, evt: dict, uplinks: int) -> None:
    """Key, devices and connector read, engine imported, context made; and every record of it really decoded."""
    fake = harness.fake
    fake.keep_writes, fake.written = True, []
    try:
        harness.invoke(evt)
    finally:
        fake.keep_writes = False
    documents = [_document(w["PutRequest"]["Item"]) for body in fake.written for w in _writes(body)]
    decoded = [d for d in documents if decoded_of(d) is not None and "decode_failed" not in d.get("flags", [])]
    if len(decoded) != uplinks:
        failed = next((d.get("decoder") for d in documents if d not in decoded), None)
        raise RuntimeError(f"{len(decoded)} of {uplinks} warm-up records decoded; a failed one: {failed}")


def _writes(body: bytes) -> list[dict]:
    return [write for writes in orjson.loads(body)["RequestItems"].values() for write in writes]


def _document(item: dict) -> dict:
    """A written record's document, in whichever format the records adapter writes it."""
    if "record" in item:
        return orjson.loads(item["record"]["S"])
    from inlet.adapters.record_items import document_of  # compressed documents

    return document_of(item)


# A fresh process: the handler and the connector store already there (as after a first request), then one decode.
COLD = """
import time, app
from inlet.core.decoding.kept_input import decoded_of
from inlet.core.records import record_of
from inlet.service.decoding import decode_records
from bench.codecs import CONNECTORS
connector = CONNECTORS[{kind!r}]
record = {{"tenant": "bench", "serial": "S", "payload": "cbf60b0d0376010adc7fff", "port": 2, "flags": [],
          "fields": {{}}, "group": "6fb3c1453bf1d63cf14b97b2", "time": "2026-11-25T10:00:00.000Z"}}
class Device: connector = connector.label
class Store:
    def get(self, ref): return connector
started = time.perf_counter()
[decoding] = decode_records([record], {{"S": Device()}}, Store())
record = record_of(record, decoding)
print((time.perf_counter() - started) * 1000)
assert decoded_of(record) is not None and not record["decoder"]["errors"], record
"""


def cold(runs: int = 7) -> dict:
    """Median first decode of each kind over ``runs`` fresh processes."""
    env = subprocess_env()
    figures = {}
    for kind in CONNECTORS:
        times = [float(child_last_line(["-c", COLD.format(kind=kind)], env)) for _ in range(runs)]
        figures[f"{kind}_ms"] = round(statistics.median(times), 2)
    return {"runs": runs, **figures}


def main() -> int:
    """``python -m bench.decoders``: the decoding figures alone, merged into bench/results.json (with their time)."""
    import json

    from bench import report
    from bench.paths import ROOT

    out = ROOT / "bench" / "results.json"
    results = json.loads(out.read_text()) if out.exists() else {"targets": report.TARGETS}
    harness = Harness()
    try:
        measured = figures(harness, processes=PROCESSES)
    finally:
        harness.close()
    measured["decoding"].update(time=report.now_iso(), machine=report.machine())
    results.update(measured)
    results["targets"] = {**results.get("targets", {}), **report.TARGETS}
    report.write(results, out)
    from rich.console import Console

    for row in report.rows(results):
        if row[0].startswith(("decoder cost", "first decode")):  # the decoding rows, wherever the table puts them
            Console().print(" | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
