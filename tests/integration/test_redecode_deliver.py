"""``inlet records redecode --deliver`` on moto: the re-decoded uplinks reach the tenant's webhook through the
Destinations queue and the delivery function, marked ``redecoded``, each with a delivery id new to the receiver (the
Standard Webhooks ``webhook-id`` its idempotency keys on) and the same on every retry; a run stopped and run again
delivers no uplink twice."""

from __future__ import annotations

import json

import pytest
from inlet.destinations.body import delivery_id, record_body
from inlet.destinations.messages import MAX_INLINE_BYTES, to_message
from inlet_cli.main import main
from inlet_cli.redecode import run as redecode_run
from inlet_cli.redecode import stored

from tests.cli_runs import error_of, run_json
from tests.destinations_harness import DestinationsStack, Receiver, bodies
from tests.integration.test_cli_redecode import BUGGY, FIXED, PAYLOADS, stored_uplinks  # noqa: F401 (a fixture)
from tests.integration.test_destinations_webhook import add_webhook

pytestmark = pytest.mark.integration

REDECODE = ["records", "redecode", "RED-1", "--tenant", "demo", "--since", "1h", "--connector", "redecode-thermo@2"]
assert BUGGY and FIXED


@pytest.fixture
def delivered_once(seeded, monkeypatch, request):
    """A webhook destination of tenant demo (its first answer a 500: retried), then the five uplinks stored and
    delivered once as new ones."""
    stack = DestinationsStack(monkeypatch)
    receiver = Receiver(["500"]).start()
    request.addfinalizer(receiver.stop)
    add_webhook("backend", receiver.url)
    request.getfixturevalue("stored_uplinks")
    stack.pump()
    assert len(bodies(receiver.arrived())) == len(PAYLOADS)
    return stack, receiver


def redecoded_bodies(receiver) -> list[tuple[dict, str]]:
    return [(json.loads(r.body), r.headers["webhook-id"]) for r in receiver.arrived() if b'"redecoded"' in r.body]


def test_redecoded_uplinks_reach_the_webhook_marked_with_new_delivery_ids(delivered_once, capsys):
    stack, receiver = delivered_once
    first = {body["id"]: body for body in bodies(receiver.arrived())}
    receiver.script.append("500")  # the first re-decoded delivery is retried: same id again
    done = run_json(capsys, *REDECODE, "--deliver")
    assert (done["written"], done["deliveries_queued"]) == (5, 5)
    stack.pump()
    again = redecoded_bodies(receiver)
    assert sorted(b["id"] for b, _ in again) == sorted(first)  # each uplink once more, none twice
    celsius = {b["id"]: b["decoded"]["celsius"] for b, _ in again}
    assert sorted(celsius.values()) == [-10.0, -1.0, 1.0, 25.0, 25.6]  # the new decoding
    for body, header in again:
        assert body["redecoded"] is True and body["redecoded_at"] == body["decoder"]["redecoded_at"]
        assert header == body["delivery_id"] != first[body["id"]]["delivery_id"]
        assert body["version"] == first[body["id"]]["version"] == 1
    from openapi_schema_validator import OAS30Validator

    from tests.openapi_document import DOCUMENT, resolved

    schema = OAS30Validator(resolved(DOCUMENT["components"]["schemas"]["DestinationBody"]))
    for body, _ in again:
        schema.validate(body)
    retried = [r for r in receiver.requests if r.mode == "500" and b'"redecoded"' in r.body]
    assert json.loads(retried[0].body)["delivery_id"] in {b["delivery_id"] for b, _ in again}


def test_a_resumed_run_delivers_no_uplink_twice(delivered_once, capsys, monkeypatch):
    stack, receiver = delivered_once
    monkeypatch.setattr(stored, "PAGE_ITEMS", 2)  # a checkpoint every two records
    written = []
    real_write = redecode_run.Run.write

    def write_then_stop(self, item, record):
        if len(written) == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the second page
        written.append(record["id"])
        real_write(self, item, record)

    monkeypatch.setattr(redecode_run.Run, "write", write_then_stop)
    assert main([*REDECODE, "--deliver"]) == 130
    monkeypatch.setattr(redecode_run.Run, "write", real_write)
    capsys.readouterr()
    resumed = run_json(capsys, *REDECODE, "--deliver")
    assert (resumed["resumed"], resumed["records"], resumed["deliveries_queued"]) == (True, 3, 3)
    stack.pump()
    again = redecoded_bodies(receiver)
    assert len(again) == len(PAYLOADS) == len({b["id"] for b, _ in again})
    assert len({b["redecoded_at"] for b, _ in again}) == 1  # one run, resumed: one redecoded_at


def test_deliver_refuses_a_dry_run(seeded, capsys):
    assert "--dry-run" in error_of(capsys, *REDECODE, "--deliver", "--dry-run")


def test_the_redecoded_delivery_id_differs_per_run_and_an_oversized_body_keeps_its_mark():
    original = delivery_id("demo", "backend", "demo#A", "t#g#0")
    first, second = (delivery_id("demo", "backend", "demo#A", "t#g#0", at) for at in ("2026-01-01", "2026-01-02"))
    assert len({original, first, second}) == 3
    assert first == delivery_id("demo", "backend", "demo#A", "t#g#0", "2026-01-01")
    body = record_body({"id": "g-0", "payload": "00" * MAX_INLINE_BYTES}, "backend", first, "2026-01-01")
    message = json.loads(to_message("demo", "backend", first, body, {"device": {"S": "demo#A"}, "sk": {"S": "t#g#0"}}))
    assert "body" not in message and message["item"]["redecoded_at"] == "2026-01-01"
