"""``python -m bench.dictionary train|evaluate``: the zstd dictionary of stored records, and how well it does.

``train`` writes the dictionary the Records table is compressed with (``inlet/adapters/record_dictionaries``),
trained on stored documents of every network-server format in ``tests/fixtures/lns/``: each fixture uplink varied
a few hundred times (new identifiers, counters, times, radio figures and payloads of the same shapes), then taken
through the ingest path's own mapping and encoding, so the samples are exactly what the table stores. A third of
them also carry decoded values, as records of devices with a connector do. ``evaluate`` prints the stored sizes per
format, and for each format those of a dictionary trained without it (how it does on a format it has never seen).
The samples are seeded: the same sources give the same dictionary.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import statistics
import sys
from datetime import UTC, datetime, timedelta

from bench.paths import ROOT, add_source_dirs

add_source_dirs()

FIXTURES = ROOT / "tests/fixtures/lns"
VARIANTS = 300  # per fixture: ~5,700 samples, ~4 MB
DICTIONARY_BYTES = 16 * 1024
LEVEL = 3
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
_HEX = re.compile(r"^[0-9a-fA-F]{6,}$")
_B64 = re.compile(r"^[A-Za-z0-9+/]{8,}={0,2}$")
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def _vary_text(text: str, rng: random.Random) -> str:
    iso = _ISO.match(text)
    if iso:
        when = _EPOCH + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        fraction = "".join(rng.choice("0123456789") for _ in iso.group(1) or "")[1:]
        return when.strftime("%Y-%m-%dT%H:%M:%S") + ("." + fraction if fraction else "") + (iso.group(2) or "")
    if _HEX.match(text) and len(text) % 2 == 0:
        fresh = rng.randbytes(len(text) // 2).hex()
        return fresh.upper() if text.isupper() else fresh
    if _B64.match(text) and len(text) % 4 == 0:
        return base64.b64encode(rng.randbytes(len(text) * 3 // 4)).decode()[: len(text)]
    return "".join(rng.choice("0123456789") if c.isdigit() else c for c in text)  # ids keep their shape


def vary(value, rng: random.Random):
    """The same JSON shape with other values: what another device, another moment, another gateway would send."""
    if isinstance(value, dict):
        return {name: vary(child, rng) for name, child in value.items()}
    if isinstance(value, list):
        return [vary(child, rng) for child in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return rng.randrange(-abs(value) * 2, abs(value) * 2 + 2) if value < 0 else rng.randrange(abs(value) * 2 + 2)
    if isinstance(value, float):
        decimals = len(repr(value).split(".")[-1]) if "." in repr(value) else 2
        return round(value * rng.uniform(0.5, 1.5), min(decimals, 6))
    return _vary_text(value, rng)


def stored_document(item: dict, decoded: dict | None = None) -> bytes:
    """The JSON document the Records table stores for ``item`` (the ingest path's own mapping and encoding)."""
    from inlet.core.records import build_record, encode_document
    from inlet.core.uplink import map_item

    uplink = map_item(0, item, {}, None)
    record = build_record(uplink, "t", "0" * 24, "2026-01-01T00:00:00.000Z", uplink.payload_encoding, None)
    if decoded:
        record["decoded"] = decoded
        record["decoder"] = {"connector": "sensor-decoder@3", "errors": [], "warnings": []}
    return encode_document(record)


def _decoded_values(rng: random.Random) -> dict:
    names = rng.sample(["temperature", "humidity", "battery", "co2", "light", "pressure", "voltage", "state"], 4)
    return {name: round(rng.uniform(0, 1000), rng.randrange(3)) for name in names}


def samples(variants: int = VARIANTS, seed: int = 1) -> dict[str, list[bytes]]:
    """format -> stored documents of varied uplinks of that format's fixtures."""
    rng = random.Random(seed)
    out: dict[str, list[bytes]] = {}
    for path in sorted(FIXTURES.glob("*.json")):
        item = json.loads(path.read_text())["item"]
        docs = out.setdefault(path.stem, [])
        for n in range(variants):
            docs.append(stored_document(vary(item, rng), _decoded_values(rng) if n % 3 == 0 else None))
    return out


def train(training: list[bytes], dict_id: int):
    import zstandard

    rng = random.Random(dict_id)
    rng.shuffle(training)
    return zstandard.train_dictionary(DICTIONARY_BYTES, training, dict_id=dict_id, level=LEVEL, k=200, d=8)


def _compressed_sizes(documents: list[bytes], dictionary) -> float:
    import zstandard

    compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=dictionary, write_checksum=False)
    return statistics.mean(len(compressor.compress(d)) for d in documents)


def evaluate(training: dict[str, list[bytes]], shipped) -> list[dict]:
    """Per format, on fresh samples (another seed, none of them trained on): mean JSON size, zstd without a
    dictionary, with the shipped one, and with one trained on the other formats only."""
    rows = []
    for name, documents in samples(variants=60, seed=2).items():
        others = [d for other, docs in training.items() if other != name for d in docs]
        rows.append(
            {
                "format": name,
                "json": round(statistics.mean(map(len, documents))),
                "zstd": round(_compressed_sizes(documents, None)),
                "dictionary": round(_compressed_sizes(documents, shipped)),
                "never_seen": round(_compressed_sizes(documents, train(others, 999))),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    from inlet.adapters.record_dictionaries import CURRENT, dictionary_path, load

    parser = argparse.ArgumentParser(prog="python -m bench.dictionary", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["train", "evaluate"])
    args = parser.parse_args(argv)
    by_format = samples()
    if args.action == "train":
        trained = train([d for docs in by_format.values() for d in docs], CURRENT)
        dictionary_path(CURRENT).write_bytes(trained.as_bytes())
        print(f"wrote {dictionary_path(CURRENT)} ({len(trained.as_bytes())} bytes, id {CURRENT})")
        return 0
    print(f"{'format':<20}{'json':>7}{'zstd':>7}{'dict':>7}{'unseen':>8}  (mean bytes of a stored document)")
    for row in evaluate(by_format, load(CURRENT)):
        print(f"{row['format']:<20}{row['json']:>7}{row['zstd']:>7}{row['dictionary']:>7}{row['never_seen']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
