"""The request log's entries: what one request of a key with logging switched on did, with no secret in it.

A key logs its requests while its configuration's ``log_until`` (epoch seconds) is in the future: `inlet inspect`
and `inlet keys log` set it for a limited time. Each logged request becomes ONE entry, written after its answer
is decided, in its tenant's partition of the Records table (``TENANT#requests``: serials are upper-cased, so no
device partition can be named so), kept ``TTL_SECONDS``. An entry holds the time, the key's public id, the answer
(status, message, counts) and, per item, what Inlet made of it: index, status, reason, serial, port, payload,
decoded values, flags, warnings, decoder errors and console lines. Never the key, the ``Authorization`` header,
the key's hash or the raw body; the query string without ``authorization``, and anything shaped like a key
masked. Items past ``MAX_ITEMS`` are counted, not kept, and long values are cut, so an entry stays far below
DynamoDB's 400 KB item limit.
"""

from __future__ import annotations

import secrets

import orjson

from inlet.core.decoding.kept_input import RUNS_FIELD, decoded_of
from inlet.core.keys import KEY_SHAPED

PARTITION_SUFFIX = "#requests"
TTL_SECONDS = 24 * 3600
MAX_LOG_SECONDS = 24 * 3600  # the longest `inlet inspect --for` / `inlet keys log --for`
MAX_ITEMS = 100
MAX_TEXT = 512  # characters of a payload, message, header or query value
MAX_DECODED = 4096  # characters of the decoded values' JSON; longer ones are kept as cut text
MAX_LINES = 20  # console lines, errors or warnings of one item
MAX_PARSED = 50  # a TagoIO parser's own records shown as a table
MAX_ENTRY_BYTES = 300 * 1024  # of JSON: with the item's key and TTL, well within DynamoDB's 400 KB
MASK = "at" + "*" * 32
_ITEM_DETAILS = ("id", "message", "stored_as", "warnings")


def partition(tenant: str) -> str:
    return f"{tenant}{PARTITION_SUFFIX}"


def sort_key(now_ms: int, token: str | None = None) -> str:
    """``<13-digit ms>#<random>``: entries sort by the time they were written, and two never share a key."""
    return f"{now_ms:013d}#{token or secrets.token_hex(4)}"


def sort_key_before(sk: str, seconds: float) -> str:
    """The smallest sort key of ``seconds`` before ``sk`` (a reader's look-back for writes that landed late)."""
    ms = int(sk.split("#", 1)[0]) - int(seconds * 1000)
    return f"{max(ms, 0):013d}"


def masked(text: object, limit: int = MAX_TEXT) -> str:
    """``text`` as a string, cut to ``limit`` characters, anything shaped like a key replaced by asterisks."""
    value = KEY_SHAPED.sub(MASK, str(text))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def build_entry(
    request: dict, key_id: str, answer: dict, details: dict[int, dict], received_ms: int, now_ms: int,
    item_count: int = 0,
) -> dict:  # fmt: skip
    """The entry of one answered request.

    ``request``: ``headers`` (lower-case names), ``query``, ``body_bytes``, ``source_ip``; ``answer``: the HTTP
    answer (``status``, ``body`` parsed, ``replayed``); ``details``: index -> what the use case knows of that item
    (``uplink_item`` builds it); ``item_count``: the request's items, when more than ``details`` and the answer
    name.
    """
    body = answer.get("body") if isinstance(answer.get("body"), dict) else {}
    receipts = body.get("items") if isinstance(body.get("items"), list) else []
    indexes = sorted({*details, *(r.get("index") for r in receipts if isinstance(r, dict))} - {None})
    by_index = {r.get("index"): r for r in receipts if isinstance(r, dict)}
    items = [_item(i, by_index.get(i), details.get(i, {})) for i in indexes[:MAX_ITEMS]]
    entry = {
        "time_ms": now_ms,
        "duration_ms": max(now_ms - received_ms, 0),
        "key_id": key_id,
        "status": answer.get("status"),
        "replayed": bool(answer.get("replayed")),
        "message": masked(body.get("message", "")) if body.get("message") else None,
        "counts": {name: body[name] for name in ("accepted", "rejected", "ignored") if isinstance(body.get(name), int)},
        "group": body.get("group"),
        "indexes": body.get("indexes", [])[:MAX_ITEMS] if isinstance(body.get("indexes"), list) else [],
        "request": _request_summary(request),
        "item_count": max(len(indexes), item_count),
        "items": items,
        "items_omitted": max(len(indexes), item_count) - len(items),
    }
    optional = ("message", "counts", "group", "indexes")  # left out when empty: most entries are small
    return _within_size({k: v for k, v in entry.items() if k not in optional or v})


def _within_size(entry: dict) -> dict:
    """Halve the kept items until the entry fits ``MAX_ENTRY_BYTES`` (the others are counted as omitted)."""
    while entry["items"] and len(orjson.dumps(entry)) > MAX_ENTRY_BYTES:
        entry["items"] = entry["items"][: len(entry["items"]) // 2]
        entry["items_omitted"] = entry["item_count"] - len(entry["items"])
    return entry


def uplink_item(uplink: object, record: dict | None, console: list[str] | None) -> dict:
    """What the entry shows of one mapped item: the record's view when one was built (hex payload, decoded values),
    else the mapped uplink's (payload as sent)."""
    source = record if record is not None else {}
    detail = {
        "serial": getattr(uplink, "serial", None),
        "format": getattr(uplink, "format", None),
        "port": source.get("port", getattr(uplink, "port", None)),
        "payload": source.get("payload", getattr(uplink, "payload", None)),
        "flags": source.get("flags", getattr(uplink, "flags", [])),
    }
    decoded = decoded_of(record) if record is not None else None
    if decoded is not None:
        detail["decoded"] = decoded
    own = parser_records(record) if record is not None else None
    if own is not None:
        detail["parsed"] = own
    if record is not None and record.get("normalized") is not None:
        detail["normalized"] = record["normalized"]
    decoder = (record or {}).get("decoder") or {}
    if decoder:
        detail["decoder"] = {
            "connector": decoder.get("connector"),
            "errors": decoder.get("errors", []),
            "warnings": decoder.get("warnings", []),
        }
    if console:
        detail["console"] = console
    return detail


def parser_records(record: dict) -> list | None:
    """A TagoIO parser's own records: those it made, not taken from its input (``None`` for any other decoder).
    A result kept by its input's records (``decoded_runs``) holds them as its items that are records."""
    if RUNS_FIELD in record:
        return [item for item in record[RUNS_FIELD] if type(item) is dict]
    decoded = record.get("decoded")
    return decoded if isinstance(decoded, list) else None


def _parsed_rows(records: list) -> list[dict]:
    """The parser's records as the inspector's table shows them: variable, value, unit (values cut when long)."""
    rows = []
    for record in records[:MAX_PARSED]:
        value = record.get("value")
        shown = value if isinstance(value, (int, float, bool)) or value is None else masked(value)
        row = {"variable": masked(record.get("variable"), 128), "value": shown}
        if record.get("unit") not in (None, ""):
            row["unit"] = masked(record["unit"], 32)
        rows.append(row)
    return rows


def _item(index: int, receipt: dict | None, detail: dict) -> dict:
    receipt = receipt or {}
    item = {"index": index, "status": receipt.get("status", "not_stored"), "reason": receipt.get("reason")}
    item["serial"] = receipt.get("serial", detail.get("serial"))
    for name in _ITEM_DETAILS:
        if receipt.get(name):
            item[name] = receipt[name]
    for name in ("format", "port", "payload", "flags"):
        if detail.get(name) not in (None, [], ""):
            item[name] = detail[name]
    if "decoded" in detail:
        item["decoded"] = _capped_value(detail["decoded"])
    if "parsed" in detail:
        item["parsed"] = _parsed_rows(detail["parsed"])
        item["parsed_count"] = len(detail["parsed"])
    if "normalized" in detail:
        item["normalized"] = _capped_value(detail["normalized"])
    if "decoder" in detail:
        item["decoder"] = {**detail["decoder"], **_capped_lists(detail["decoder"], ("errors", "warnings"))}
    if detail.get("console"):
        item["console"] = _lines(detail["console"])
    return _capped_texts({k: v for k, v in item.items() if v is not None})


def _capped_texts(item: dict) -> dict:
    for name in ("payload", "message", "serial", "reason"):
        if name in item and not isinstance(item[name], (int, float, bool)):
            item[name] = masked(item[name])
    if "warnings" in item:
        item["warnings"] = _lines(item["warnings"])
    return item


def _capped_lists(source: dict, names: tuple[str, ...]) -> dict:
    return {name: _lines(source.get(name) or []) for name in names}


def _lines(lines: object) -> list[str]:
    values = lines if isinstance(lines, list) else [lines]
    kept = [masked(line) for line in values[:MAX_LINES]]
    if len(values) > MAX_LINES:
        kept.append(f"… {len(values) - MAX_LINES} more")
    return kept


def _capped_value(value: object) -> object:
    """Decoded values as they are, or (past ``MAX_DECODED`` characters of JSON, or with a key-shaped text inside)
    as cut, masked JSON text."""
    try:
        text = orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return masked(repr(value), MAX_DECODED)
    if len(text) <= MAX_DECODED and not KEY_SHAPED.search(text):
        return value
    return masked(text, MAX_DECODED)


def _request_summary(request: dict) -> dict:
    headers = request.get("headers") or {}
    query = request.get("query") or {}
    summary = {
        "body_bytes": request.get("body_bytes", 0),
        "content_type": headers.get("content-type"),
        "user_agent": headers.get("user-agent"),
        "source_ip": request.get("source_ip") or None,
        "query": {masked(k, 64): masked(v) for k, v in list(query.items())[:20] if k.lower() != "authorization"},
    }
    return {k: masked(v) if isinstance(v, str) else v for k, v in summary.items() if v not in (None, {})}
