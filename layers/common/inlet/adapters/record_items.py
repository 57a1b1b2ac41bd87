"""The stored form of a record, an item of the Records table (versioned), and the one way back from any such item.

Every item has ``device`` (S: ``tenant#SERIAL``, device events ``tenant#SERIAL#events``), ``sk`` (S:
``time#group#index``: the server time ``received_at``, or for a single uplink deduplicated by its own write the
network server's time, ``inlet.core.retry_keys``, and then ``received_at`` is in the document) and, with
retention on, ``expires_at`` (N, the TTL). The record's other fields are one JSON document
(``inlet.core.records.encode_document``), stored in one of two formats:

- format 1, ``record`` (S): the document as JSON text. Written by earlier versions, read forever.
- format 2, ``record_zstd`` (B) and ``dictionary`` (N): the document as one zstd frame (level 3, content size in
  the frame header, no checksum) compressed with the dictionary ``dictionary`` names, shipped in
  ``inlet/adapters/record_dictionaries/records-<id>.zdict`` (its id is in the frame header too). Written now.

Why compressed: DynamoDB bills a write unit per started KB of an item, and a TTS uplink's 1.5 kB document (2.3 kB
item, 3 units) becomes ~450 bytes (1 unit) with a dictionary of what records look like; plain zstd leaves it at
~970 bytes, zlib at ~1.1 kB. Compressing and reading back a record costs a few microseconds.

Outside Inlet, ``from_item`` reads any item (boto3's bytes, or the base64 text of DynamoDB Streams, exports and
the console); or by hand: ``base64 -d | zstd -d -D records-1.zdict``.
"""

from __future__ import annotations

import base64
import threading

import orjson

from inlet.adapters.record_dictionaries import CURRENT, load
from inlet.core.decoding.kept_input import RUNS_FIELD, decoded_of
from inlet.core.device_events import EVENTS_SUFFIX
from inlet.core.records import encode_document, record_variables

PLAIN, COMPRESSED, DICTIONARY = "record", "record_zstd", "dictionary"  # attribute names (formats 1 and 2)
LEVEL = 3
_OPTIONAL_FIELDS = ("event", "decoded", "decoder", "normalized")  # only some records have them (events, decodes)
_local = threading.local()  # zstd compressors and decompressors are not thread-safe: one set per thread
_preparing = threading.Lock()
_prepared: set[int] = set()  # dictionaries whose compression tables are built


def device_key(tenant: str, serial: str, suffix: str = "") -> str:
    """The partition of a device's uplinks (``suffix`` "": ``tenant#serial``) or of its events (``#events``)."""
    return f"{tenant}#{serial}{suffix}"


def _compressor():
    compressor = getattr(_local, "compressor", None)
    if compressor is None:
        import zstandard

        compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=_prepared_dictionary(), write_checksum=False)
        _local.compressor = compressor
    return compressor


def _prepared_dictionary():
    """The current dictionary with its compression tables built once per process (without them, every record
    would load the whole dictionary again: ~1.5 times slower)."""
    with _preparing:  # the first requests of a container may compress in several threads at once
        dictionary = load(CURRENT)
        if CURRENT not in _prepared:
            dictionary.precompute_compress(level=LEVEL)
            _prepared.add(CURRENT)
    return dictionary


def _decompressor(dict_id: int):
    cached = getattr(_local, "decompressors", None)
    if cached is None:
        cached = _local.decompressors = {}
    if dict_id not in cached:
        import zstandard

        cached[dict_id] = zstandard.ZstdDecompressor(dict_data=load(dict_id))
    return cached[dict_id]


def stored_document(record: dict) -> bytes:
    """The record's document as stored (format 2), compressed once and kept on the record (``record["stored"]``):
    the item's size is checked on it before the first write, and the write sends the same bytes."""
    stored = record.get("stored")
    if stored is None:
        stored = record["stored"] = _compressor().compress(record.get("document") or encode_document(record))
        del record["document"]  # only the stored bytes are written: a 2,000-uplink request holds 3 MB less
    return stored


def _partition(record: dict) -> str:
    return device_key(record["tenant"], record["serial"], record.get("partition_suffix", ""))


def to_item(record: dict) -> dict:
    """A record as a DynamoDB item (format 2): the key, the compressed document, its dictionary, the TTL."""
    item = {
        "device": {"S": _partition(record)},
        "sk": {"S": record["sk"]},
        COMPRESSED: {"B": stored_document(record)},
        DICTIONARY: {"N": str(CURRENT)},
    }
    if record.get("expires_at"):
        item["expires_at"] = {"N": str(record["expires_at"])}
    return item


def rewritten(item: dict, document: bytes) -> dict:
    """A stored item with another document (re-decoding): the same key and expiry, the document in format 2."""
    kept = {name: value for name, value in item.items() if name not in (PLAIN, COMPRESSED, DICTIONARY)}
    return {**kept, COMPRESSED: {"B": _compressor().compress(document)}, DICTIONARY: {"N": str(CURRENT)}}


def item_size(record: dict) -> int:
    """The size DynamoDB counts for the record's item: names and values (UTF-8 text, binary, numbers' digits)."""
    size = len("device") + len(_partition(record).encode()) + len("sk") + len(record["sk"])
    size += len(COMPRESSED) + len(stored_document(record)) + len(DICTIONARY) + len(str(CURRENT))
    if record.get("expires_at"):
        size += len("expires_at") + len(str(record["expires_at"]))
    return size


def document_of(item: dict) -> dict:
    """The JSON document of a stored item, whichever format it was written in."""
    if PLAIN in item:
        return orjson.loads(item[PLAIN]["S"])
    frame = item[COMPRESSED]["B"]
    frame = base64.b64decode(frame) if isinstance(frame, str) else bytes(getattr(frame, "value", frame))
    return orjson.loads(_decompressor(int(item[DICTIONARY]["N"])).decompress(frame))


def from_item(item: dict) -> dict:
    """Any stored item (low-level DynamoDB attribute values, any format) as a record, variables in TagoIO's form."""
    document = document_of(item)
    tenant, serial = item["device"]["S"].removesuffix(EVENTS_SUFFIX).split("#", 1)
    key_time, group, index = item["sk"]["S"].split("#")
    received_at = document.get("received_at", key_time)  # in the document when the key starts with another time
    if RUNS_FIELD in document:  # a TagoIO result kept by its input's records: the list, with the uplink's group
        document["decoded"] = decoded_of({**document, "group": group, "time": document.get("time", received_at)})
        del document[RUNS_FIELD]
    return {
        "id": f"{group}-{int(index)}",
        "tenant": tenant,
        "serial": serial,
        "group": group,
        "received_at": received_at,
        "time": document.get("time", received_at),
        "port": document.get("port"),
        "payload": document.get("payload"),
        "variables": record_variables(document),
        "flags": document.get("flags", []),
        "format": document.get("format", ""),
        "sk": item["sk"]["S"],
        **{name: document[name] for name in _OPTIONAL_FIELDS if name in document},
    }
