"""The request log's entries, built without I/O: no secret in them, bounded in size, kept for a day."""

from __future__ import annotations

import json

import pytest
from inlet.adapters.request_log import from_item, to_item
from inlet.core.keys import KeyConfig, key_hash
from inlet.core.request_log import (
    MAX_ENTRY_BYTES,
    MAX_ITEMS,
    MAX_LINES,
    MAX_TEXT,
    TTL_SECONDS,
    build_entry,
    partition,
    sort_key,
    sort_key_before,
)

pytestmark = pytest.mark.unit

KEY = "at0123456789abcdef0123456789abcdef"
NOW_MS = 1_796_168_267_823


def entry_of(request=None, body=None, details=None, status=200):
    answer = {"status": status, "body": body or {"status": True, "accepted": 1, "rejected": 0}, "replayed": False}
    return build_entry(request or {}, "0123456789abcdef", answer, details or {}, NOW_MS - 12, NOW_MS)


def test_an_entry_holds_no_key_in_any_place_a_request_may_carry_one():
    # Given a key in the Authorization header, in ?authorization= (any case), in another query value and in the
    # user agent, and the key's hash beside it
    request = {
        "headers": {
            "authorization": f"Bearer {KEY}",
            "user-agent": f"lns/1.0 {KEY}",
            "content-type": "application/json",
        },
        "query": {"Authorization": KEY, "authorization": KEY, "event": "up", "token": KEY.upper()},
        "body_bytes": 42,
        "source_ip": "203.0.113.9",
    }
    details = {0: {"serial": "AA-BB-01", "payload": KEY, "decoded": {"note": KEY}, "console": [f"key {KEY}"]}}
    # When the entry is built and stored
    entry = entry_of(request, details=details)
    text = json.dumps(from_item(to_item("demo", entry)))
    # Then neither the key, in any case, nor its hash appears; what is not secret is kept
    assert KEY not in text.lower() and key_hash(KEY) not in text
    assert entry["request"]["query"] == {"event": "up", "token": "at" + "*" * 32}
    assert entry["request"]["source_ip"] == "203.0.113.9" and entry["request"]["body_bytes"] == 42
    assert "authorization" not in json.dumps(entry["request"]).lower()


def test_items_past_the_cap_are_counted_not_kept_and_long_values_are_cut():
    receipts = [
        {"index": i, "serial": f"S-{i}", "status": "rejected", "reason": "device_not_found"} for i in range(150)
    ]
    details = {
        i: {"serial": f"S-{i}", "payload": "ab" * 5000, "console": [f"line {n}" for n in range(50)]} for i in range(150)
    }
    entry = entry_of(
        body={"status": False, "message": "Device not found", "items": receipts}, details=details, status=404
    )
    assert (entry["item_count"], len(entry["items"]), entry["items_omitted"]) == (150, MAX_ITEMS, 50)
    first = entry["items"][0]
    assert (first["reason"], first["serial"]) == ("device_not_found", "S-0")
    assert len(first["payload"]) == MAX_TEXT and first["payload"].endswith("…")
    assert len(first["console"]) == MAX_LINES + 1 and first["console"][-1] == f"… {50 - MAX_LINES} more"


def test_an_entry_of_incompressible_items_still_fits_one_dynamodb_item():
    # Given 100 items whose every kept text is at its cap and random (compression cannot help)
    import secrets

    noise = [secrets.token_hex(MAX_TEXT // 2) for _ in range(MAX_LINES)]
    detail = {"serial": "S", "console": noise, "decoder": {"connector": "x@1", "errors": noise, "warnings": noise}}
    entry = entry_of(details={i: dict(detail) for i in range(MAX_ITEMS)})
    item = to_item("demo", entry)
    stored = len(item.get("entry_zstd", {}).get("B", b"")) or len(item["entry"]["S"])
    # Then items were dropped, counted, until the entry fits
    assert len(json.dumps(entry)) <= MAX_ENTRY_BYTES * 1.01 and stored < 400 * 1024
    assert 0 < len(entry["items"]) < MAX_ITEMS and entry["items_omitted"] == MAX_ITEMS - len(entry["items"])


def test_decoded_values_too_large_are_kept_as_cut_text():
    entry = entry_of(details={0: {"serial": "S", "decoded": {"values": list(range(5000))}}})
    decoded = entry["items"][0]["decoded"]
    assert isinstance(decoded, str) and len(decoded) == 4096 and decoded.startswith('{"values":[0,1,2')


def test_an_entry_lives_a_day_in_its_tenants_partition_and_reads_back_whole():
    entry = entry_of(details={0: {"serial": "AA-BB-01", "port": 10, "payload": "0011aa", "decoded": {"t": 21.5}}})
    item = to_item("demo", entry)
    assert item["device"]["S"] == partition("demo") == "demo#requests"
    assert int(item["expires_at"]["N"]) == NOW_MS // 1000 + TTL_SECONDS == NOW_MS // 1000 + 86400
    assert item["sk"]["S"].startswith(f"{NOW_MS:013d}#")
    assert {k: v for k, v in from_item(item).items() if k != "sk"} == entry
    assert entry["duration_ms"] == 12 and entry["items"][0]["decoded"] == {"t": 21.5}


def test_a_large_entry_is_stored_compressed_and_reads_back_the_same():
    details = {i: {"serial": f"AA-BB-{i:02d}", "port": 10, "payload": "0011aa" * 20} for i in range(40)}
    entry = entry_of(details=details)
    item = to_item("demo", entry)
    assert "entry_zstd" in item and "entry" not in item
    assert len(item["entry_zstd"]["B"]) < len(json.dumps(entry)) / 3
    assert {k: v for k, v in from_item(item).items() if k != "sk"} == entry


def test_sort_keys_order_by_time_and_a_look_back_reaches_earlier_ones():
    earlier, later = sort_key(NOW_MS - 4000), sort_key(NOW_MS)
    assert earlier < later and sort_key(NOW_MS) != sort_key(NOW_MS)
    assert sort_key_before(later, 5) < earlier < later
    assert not sort_key_before(later, 3) < earlier


@pytest.mark.parametrize(("log_until", "logs"), [(0, False), (NOW_MS // 1000 - 1, False), (NOW_MS // 1000 + 60, True),
                                                 ("soon", False), (True, False), (None, False)])  # fmt: skip
def test_a_key_logs_only_while_its_log_until_is_a_time_in_the_future(log_until, logs):
    config = KeyConfig.from_dict({"tenant": "demo", "key_hash": key_hash(KEY), "log_until": log_until})
    assert config.logs_requests(NOW_MS / 1000) is logs
