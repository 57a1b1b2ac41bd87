"""TagoIO's payload in columns: the same records as the list, and the same results, whatever the parser does."""

from __future__ import annotations

import orjson
import pytest
from inlet.adapters.javascript.engine import Job, ScriptEngine
from inlet.core.decoding.contracts import MAX_DECODED_BYTES, tagoio_input
from inlet.core.decoding.kept_input import decoded_of, expanded
from inlet.core.decoding.references import Connector
from inlet.core.decoding.tagoio_columns import TagoioColumns, columns_of_records, parser_input, tagoio_columns_of
from inlet.core.records import encode_document, record_of, record_variables

pytestmark = pytest.mark.unit

TIME = "2026-03-04T05:06:07.000Z"
FIELDS = {
    "rssi": -80,
    "snr": 7.5,
    "confirmed": True,
    "gateway": {"id": "gw-1", "location": {"latitude": 52.3, "longitude": 4.8}},
    "nothing": None,
    "tags": ["a", "b"],
}
RECORDS = [
    {"payload": "0a6f", "port": 2, "group": "g1", "time": TIME, "fields": FIELDS, "flags": []},
    {"payload": "0a6f", "port": None, "group": "g1", "fields": FIELDS, "flags": []},  # no time
    {"payload": 12, "port": 3, "fields": {"text": "é\n\u2028"}, "flags": []},  # no group, a payload that is not text
    {"payload": "01", "port": 1, "group": "g2", "time": TIME, "fields": FIELDS, "location": {"lat": 1.5, "lng": 2.5}},
    {"group": "g3", "time": TIME, "fields": {"port": 9, "payload": "ff", "location": "x", "": 1, "a" * 120: 2}},
]


@pytest.mark.parametrize("record", RECORDS)
def test_columns_hold_the_records_a_parser_gets(record):
    assert tagoio_columns_of(record).records() == parser_input(record)
    assert columns_of_records(parser_input(record)).records() == parser_input(record)


def whole(records: list[dict]) -> TagoioColumns:
    """The records all sent whole: parsed and stringified by the engine, none by index (the reference)."""
    return TagoioColumns(names=[None] * len(records), values=[None] * len(records), extras=list(enumerate(records)))


def decode_both(connector: Connector, record: dict):
    engine = ScriptEngine()
    by_index = engine.decode_many(connector, "acme", [Job("dev1", tagoio_columns_of(record), {})])[0]
    reference = engine.decode_many(connector, "other", [Job("dev1", whole(parser_input(record)), {})])[0]
    return by_index, reference


PARSERS = {
    "identity": "",
    "concat": "payload = payload.concat([{variable: 'extra', value: payload.length}]);",
    "filter": "payload = payload.filter((x) => x.variable !== 'port');",
    "in place": "payload.forEach((x) => { if (x.variable === 'rssi') { x.value = x.value * 2; x.unit = 'dBm'; } });",
    "renamed": "payload[0].variable = 'raw';",
    "deleted key": "delete payload[1].group;",
    "added key": "payload[2].unit = 'dB';",
    "added hidden key": "Object.defineProperty(payload[1], 'hidden', {value: 1});",
    "reversed": "payload.reverse();",
    "twice": "payload = payload.concat(payload);",
    "new list": "payload = payload.map((x) => ({variable: x.variable, value: x.value}));",
    "one record": "payload = payload[0];",
    "to json": "Object.prototype.toJSON = function () { return {variable: 'j', value: 1}; };",
    "prototype": "Object.setPrototypeOf(payload[2], {extra: 1});",
    "getter": "Object.defineProperty(payload[1], 'value', {get() { return 'read'; }, enumerable: true});",
}


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
@pytest.mark.parametrize("record", RECORDS[:1] + RECORDS[2:])
def test_a_parser_gives_the_same_result_as_with_every_record_parsed_and_stringified(parser, record):
    by_index, reference = decode_both(Connector("p", 1, "tagoio", parser), record)
    assert not reference.failed
    assert by_index.decoded == reference.decoded
    assert orjson.dumps(by_index.decoded) == orjson.dumps(reference.decoded)  # types too: 7.5 stays a float


@pytest.mark.parametrize("tail", ["undefined", "null", "5", "[]"])
def test_a_result_with_something_else_than_a_record_fails_the_same_way(tail):
    by_index, reference = decode_both(Connector("p", 1, "tagoio", f"payload = payload.concat([{tail}]);"), RECORDS[0])
    assert reference.failed and by_index.errors == reference.errors
    assert f"payload item {len(parser_input(RECORDS[0]))} " in by_index.errors[0]


def test_records_sent_back_by_index_are_new_dictionaries():
    columns = tagoio_columns_of(RECORDS[0])
    decoding = ScriptEngine().decode_many(
        Connector("p", 1, "tagoio", "payload = payload.concat(payload);"), "a", [Job("dev1", columns, {})]
    )[0]
    first, second = decoding.decoded[0], decoding.decoded[len(columns.names)]
    assert first == second and first is not second


@pytest.mark.parametrize("around", [False, True])
def test_the_output_limit_counts_records_sent_by_index(around):
    long_names = [{"variable": f"v{i:04d}_" + "n" * 60, "value": "é" * 8} for i in range(1500)]
    records = tagoio_input("0a6f", 1, long_names, group="g", time=TIME)
    source = "payload = [{variable: 'first', value: 1}].concat(payload, [{variable: 'last', value: 'é'}]);"
    decoding = ScriptEngine().decode(Connector("p", 1, "tagoio", source if around else ""), "a", "d", records, {})
    result = [{"variable": "first", "value": 1}, *records, {"variable": "last", "value": "é"}] if around else records
    size = len(orjson.dumps(result).decode())  # JSON text as the engine counts it: characters
    assert decoding.failed
    assert decoding.errors == [f"wrong output: the decoded output is {size} bytes, the limit is {MAX_DECODED_BYTES}"]


def test_a_parser_that_reads_its_input_copy_gets_the_records_before_its_changes():
    source = "payload[0].value = 'changed'; payload = [{variable: 'was', value: raw_payload[0].value}];"
    decoding = ScriptEngine().decode(Connector("p", 1, "tagoio", source), "a", "d", tagoio_input("0a6f", 1), {})
    assert decoding.decoded == [{"variable": "was", "value": "0a6f"}]


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
@pytest.mark.parametrize("record", RECORDS[:1] + RECORDS[3:4])
def test_a_record_keeps_a_result_by_its_input_and_gives_back_the_same_list(parser, record):
    connector, engine = Connector("p", 1, "tagoio", parser), ScriptEngine()
    [listed] = engine.decode_many(connector, "acme", [Job("dev1", tagoio_columns_of(record), {})])
    [kept] = engine.decode_many(connector, "acme", [Job("dev1", tagoio_columns_of(record), {})], keep_input=True)
    ingested = record_of(record, kept)
    assert decoded_of(ingested) == listed.decoded
    assert record_variables(ingested) == listed.decoded  # what TagoIO is sent
    document = orjson.loads(encode_document(ingested))
    read_back = decoded_of({**document, "group": record["group"]})  # the group is in the storage key
    assert orjson.dumps(read_back) == orjson.dumps(listed.decoded)


def test_a_run_beyond_the_input_gives_the_records_the_input_has():
    columns = tagoio_columns_of(RECORDS[0])
    count = len(columns.names)
    items = [[count - 1, 5], {"variable": "mine", "value": 1}, [count + 3, 2], "junk", [1, "x"]]
    assert expanded(items, columns) == [columns.records()[-1], {"variable": "mine", "value": 1}, "junk"]
