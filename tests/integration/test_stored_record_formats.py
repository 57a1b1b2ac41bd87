"""Records written before compression (format 1) and after (format 2) live side by side in the table and read the
same through RecordStore and ``inlet records``."""

from __future__ import annotations

import json

import pytest
from inlet.adapters.aws import client
from inlet.adapters.record_items import COMPRESSED, DICTIONARY
from inlet_cli.local import env as local_env
from inlet_cli.main import main

from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

TABLE = local_env.TABLES["RecordsTable"]
OLD_SK = "2020-01-01T00:00:00.000Z#" + "cd" * 12 + "#00000"


def write_format_one_item():
    """An uplink stored as earlier versions stored it: the document as JSON text in ``record``."""
    document = {"time": "2020-01-01T00:00:00.000Z", "port": 7, "payload": "beef", "fields": {"rssi": -80}}
    client("dynamodb").put_item(
        TableName=TABLE,
        Item={"device": {"S": "demo#AA-BB-01"}, "sk": {"S": OLD_SK}, "record": {"S": json.dumps(document)}},
    )


def test_old_and_new_items_read_back_alike_newest_first(seeded, capsys):
    # Given an item of the old format, then an uplink stored now
    write_format_one_item()
    assert invoke(http_event({"serial": "AA-BB-01", "payload": "01", "port": 1, "rssi": -70}))[0] == 200
    # Then the new item is compressed and names its dictionary
    items = client("dynamodb").scan(TableName=TABLE)["Items"]
    new = next(i for i in items if i["sk"]["S"] != OLD_SK)
    assert COMPRESSED in new and DICTIONARY in new and "record" not in new
    # And both read back with their fields and variables, through the store and the CLI
    new_record, old_record = seeded.records.latest("demo", "AA-BB-01")
    assert (new_record["payload"], new_record["port"]) == ("01", 1)
    assert (old_record["payload"], old_record["port"], old_record["sk"]) == ("beef", 7, OLD_SK)
    assert {"variable": "rssi", "value": -80} in old_record["variables"]
    capsys.readouterr()
    assert main(["records", "AA-BB-01", "--tenant", "demo", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [r["payload"] for r in printed] == ["01", "beef"]
