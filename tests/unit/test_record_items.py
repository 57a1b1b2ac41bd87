"""The stored item format of records: format 2 (zstd with a shipped dictionary) written, every format read back."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import orjson
import pytest
import zstandard
from inlet.adapters.record_dictionaries import CURRENT, UnknownDictionary, dictionary_path
from inlet.adapters.record_items import COMPRESSED, DICTIONARY, PLAIN, from_item, item_size, to_item
from inlet.core.records import build_record, encode_document
from inlet.core.uplink import map_item

from bench.fakeaws import item_size as dynamodb_item_size

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lns"
GROUP, RECEIVED_AT = "ab" * 12, "2026-12-01T10:00:00.000Z"


def record_of(fixture: str, expires_at: int | None = None) -> dict:
    uplink = map_item(0, json.loads((FIXTURES / f"{fixture}.json").read_text())["item"], {}, None)
    return build_record(uplink, "demo", GROUP, RECEIVED_AT, uplink.payload_encoding, expires_at)


def format_one_item(record: dict) -> dict:
    """An item as versions before compression wrote it: the document as JSON text in ``record``."""
    return {
        "device": {"S": f"demo#{record['serial']}"},
        "sk": {"S": record["sk"]},
        PLAIN: {"S": encode_document(record).decode()},
    }


@pytest.mark.parametrize("fixture", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_every_format_reads_back_as_the_record_it_was_and_old_items_read_the_same(fixture):
    # Given a record of each network server's uplink, stored in format 2 and (as older versions did) format 1
    record = record_of(fixture, expires_at=1_900_000_000)
    new, old = to_item(record), format_one_item(record_of(fixture))
    # Then both read back to the same record, whose fields are the record's own
    assert from_item(new) == from_item(old)
    read = from_item(new)
    assert (read["payload"], read["port"], read["time"], read["format"]) == (
        record["payload"], record["port"], record["time"], record["format"],
    )  # fmt: skip
    assert read["id"] == record["id"] and read["variables"]


def test_a_new_item_names_its_dictionary_and_is_a_plain_zstd_frame_of_the_json_document():
    record = record_of("tts_v3")
    item = to_item(record)
    assert set(item) == {"device", "sk", COMPRESSED, DICTIONARY} and item[DICTIONARY] == {"N": str(CURRENT)}
    frame = item[COMPRESSED]["B"]
    assert zstandard.get_frame_parameters(frame).dict_id == CURRENT  # the frame names it too
    shipped = zstandard.ZstdCompressionDict(dictionary_path(CURRENT).read_bytes())
    assert orjson.loads(zstandard.ZstdDecompressor(dict_data=shipped).decompress(frame)) == orjson.loads(
        encode_document(record)
    )  # what `zstd -d -D records-1.zdict` gives anyone reading the table without Inlet


def test_the_binary_attribute_as_base64_text_reads_too():
    # DynamoDB Streams events, exports and the console show binary values as base64 text
    item = to_item(record_of("loriot"))
    as_text = {**item, COMPRESSED: {"B": base64.b64encode(item[COMPRESSED]["B"]).decode()}}
    assert from_item(as_text) == from_item(item)


def test_an_item_of_a_dictionary_this_version_does_not_ship_says_so():
    item = {**to_item(record_of("loriot")), DICTIONARY: {"N": "9999"}}
    with pytest.raises(UnknownDictionary, match="9999"):
        from_item(item)


def test_the_size_checked_before_writing_is_the_stored_items_size():
    record = record_of("tts_v3", expires_at=1_900_000_000)
    assert item_size(record) == dynamodb_item_size(to_item(record))


def test_a_tts_uplink_is_stored_in_one_write_unit_a_third_of_its_json():
    record = record_of("tts_v3")
    assert item_size(record) <= 1024 < len(encode_document(record)) + 100
    assert len(record["stored"]) * 2.5 < len(record["document"])


def test_the_shipped_dictionary_file_is_the_current_id():
    assert zstandard.ZstdCompressionDict(dictionary_path(CURRENT).read_bytes()).dict_id() == CURRENT


def test_items_of_an_earlier_dictionary_stay_readable_once_a_new_one_ships(tmp_path, monkeypatch):
    import threading

    from inlet.adapters import record_dictionaries, record_items

    from bench.dictionary import samples

    # Given an item written with dictionary 1
    old_record = record_of("tts_v3")
    old = to_item(old_record)
    # When a release ships dictionary 2 beside it and writes new items with it
    (tmp_path / "records-1.zdict").write_bytes(dictionary_path(1).read_bytes())
    documents = [d for docs in samples(variants=20, seed=3).values() for d in docs]
    second = zstandard.train_dictionary(4096, documents, dict_id=2, level=3, k=200, d=8)
    (tmp_path / "records-2.zdict").write_bytes(second.as_bytes())
    monkeypatch.setattr(record_dictionaries, "dictionary_path", lambda i: tmp_path / f"records-{i}.zdict")
    monkeypatch.setattr(record_items, "CURRENT", 2)
    monkeypatch.setattr(record_items, "_local", threading.local())
    monkeypatch.setattr(record_items, "_prepared", set())
    record_dictionaries.load.cache_clear()
    try:
        new = to_item(record_of("tts_v3"))
        # Then the new item names dictionary 2, and both read back as the same record
        assert new[DICTIONARY] == {"N": "2"} and zstandard.get_frame_parameters(new[COMPRESSED]["B"]).dict_id == 2
        assert from_item(old) == from_item(new) and from_item(old)["payload"] == old_record["payload"]
    finally:
        record_dictionaries.load.cache_clear()
