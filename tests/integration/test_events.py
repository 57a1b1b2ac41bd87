"""Every sample event in events/ through the real handler under moto: the answer events/expected.json promises.

These are the files ``make invoke EVENT=...`` and the docs use, so a change that breaks one of them fails here.
"""

from __future__ import annotations

import json

import pytest
from inlet_cli.template import ROOT

from tests.helpers import LambdaContext

pytestmark = pytest.mark.integration

EVENTS = ROOT / "events"
EXPECTED_FILE = EVENTS / "expected.json"
EXPECTED: dict[str, int] = json.loads(EXPECTED_FILE.read_text()) if EXPECTED_FILE.exists() else {}


def test_every_event_file_has_an_expected_answer():
    # Given the sample events, When expected.json is read, Then none of them is left untested
    files = {path.name for path in EVENTS.glob("*.json")} - {EXPECTED_FILE.name}
    assert files, "events/ holds no sample events"
    assert set(EXPECTED) == files


@pytest.mark.parametrize(("name", "status"), sorted(EXPECTED.items()))
def test_event_gets_its_expected_answer(seeded, name: str, status: int):
    import app

    # Given the demo tenant, keys and devices, When the event is invoked as API Gateway would
    event = json.loads((EVENTS / name).read_text())
    answer = app.handler(event, LambdaContext())

    # Then the status and the body's verdict are the expected ones
    assert answer["statusCode"] == status, answer["body"]
    body = json.loads(answer["body"])
    assert body["status"] is (status == 200)
    if status == 200:
        assert_records_stored(seeded.records, body)


def assert_records_stored(records, body: dict) -> None:
    """Each accepted item of the receipt can be read back, under its id, from the device's latest records."""
    accepted = [item for item in body["items"] if item["status"] == "accepted"]
    assert accepted, "a 200 accepts at least one item"
    for item in accepted:
        stored = records.latest("demo", item["serial"], limit=50)
        assert item["id"] in {record["id"] for record in stored}, item


def test_expected_answers_exist():
    # Guards the parametrised test above from silently running zero cases
    assert EXPECTED, f"{EXPECTED_FILE.relative_to(ROOT)} is missing or empty"
