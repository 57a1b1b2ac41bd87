"""A TagoIO parser's result stored by its input's records: the list read back is the one the parser returned, and a
TTS uplink decoded by a parser stays within one DynamoDB write unit."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import orjson
import pytest
from inlet.adapters.aws import client
from inlet.adapters.connectors import ConnectorStore
from inlet.adapters.devices import Device
from inlet.adapters.record_items import document_of, item_size
from inlet.core.decoding.kept_input import RUNS_FIELD
from inlet_cli.local import env as local_env

from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

TTS = json.loads((Path(__file__).parents[1] / "fixtures" / "lns" / "tts_v3.json").read_text())["item"]
SERIAL = TTS["end_device_ids"]["dev_eui"]
TTS_HEX = base64.b64decode(TTS["uplink_message"]["frm_payload"]).hex()
# A parser as they are written: it keeps its input and adds a decoded value.
TYPICAL = """
const raw = payload.find((x) => x.variable === "payload");
payload = payload.concat([{variable: "first_byte", value: parseInt(raw.value.slice(0, 2), 16), unit: "b"}]);
"""
# The same, writing down the input exactly as it saw it.
WITNESS = TYPICAL.replace("}]);", "}, {variable: 'seen', value: JSON.stringify(payload)}]);")


def stored(deps, name: str, parser: str) -> dict:
    ConnectorStore(local_env.TABLES["ConnectorsTable"], dynamodb=client("dynamodb")).add(name, "tagoio", parser, "")
    deps.devices.add(Device("demo", SERIAL, connector=name))
    status, body, _ = invoke(http_event(TTS))
    assert status == 200 and body["accepted"] == 1, body
    [record] = deps.records.latest("demo", SERIAL, 1)
    return record


def stored_item(serial: str) -> dict:
    table = local_env.TABLES["RecordsTable"]
    items = client("dynamodb").scan(TableName=table)["Items"]
    return next(item for item in items if item["device"]["S"] == f"demo#{serial}")


def test_the_list_read_back_is_the_parsers_input_as_it_saw_it_and_its_records(seeded):
    parsed = stored(seeded, "witness", WITNESS)
    *kept, first_byte, seen = parsed["decoded"]
    assert kept == json.loads(seen["value"])  # the input is given again from the stored uplink, the same
    assert len(kept) > 40 and kept[0] == {"variable": "payload", "value": TTS_HEX, **group_and_time(parsed)}
    assert first_byte == {"variable": "first_byte", "value": int(TTS_HEX[:2], 16), "unit": "b"}
    assert parsed["variables"] == parsed["decoded"]  # a parser's list is the record's variables, as in TagoIO
    assert RUNS_FIELD not in parsed


def test_a_parsed_tts_uplink_is_one_write_unit_where_its_list_would_take_more(seeded):
    parsed = stored(seeded, "typical", TYPICAL)
    item = stored_item(SERIAL)
    document = document_of(item)
    runs = [item for item in document[RUNS_FIELD] if type(item) is list]
    assert sum(count for _, count in runs) > 40 and "decoded" not in document  # a location record is kept whole
    assert math.ceil(item_size(as_record(item, document)) / 1024) == 1
    whole = {k: v for k, v in document.items() if k != RUNS_FIELD} | {"decoded": parsed["decoded"]}
    assert math.ceil(item_size(as_record(item, whole)) / 1024) >= 2  # the list itself, stored


def as_record(item: dict, document: dict) -> dict:
    """What ``item_size`` measures: the item's key and TTL with this document."""
    return {
        "tenant": "demo",
        "serial": SERIAL,
        "sk": item["sk"]["S"],
        "document": orjson.dumps(document),
        "expires_at": int(item["expires_at"]["N"]) if "expires_at" in item else None,
    }


def group_and_time(record: dict) -> dict:
    return {"group": record["group"], "time": record["time"]}
