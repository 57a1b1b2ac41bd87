"""Messages that are not uplinks, through the real handler: a 2xx receipt that names their type, never an uplink
record; those that carry device state are kept as device events of known devices."""

from __future__ import annotations

import pytest
from inlet.adapters.devices import Device
from inlet.core.device_events import event_serial

from tests.helpers import http_event, invoke
from tests.unit.test_messages import EXPECTED, load_event

pytestmark = pytest.mark.integration


def device_of(name: str) -> str | None:
    """The canonical serial the fixture names (what the receipt shows and the event is stored under)."""
    from inlet.core.network_servers import classify_message

    item, query = load_event(name)
    return event_serial(classify_message(item, query), None)


def register(deps, serial: str | None) -> None:
    if serial:
        deps.devices.add(Device("demo", serial))


def test_every_non_uplink_gets_a_2xx_receipt_naming_its_type_and_no_uplink_record(seeded):
    for name in sorted(EXPECTED):  # one emulator for all fixtures: each names its own device
        kind, _network, keep, _serial, _source = EXPECTED[name]
        serial = device_of(name)
        register(seeded, serial)
        item, query = load_event(name)
        status, body, _ = invoke(http_event(item, query=query or None))
        assert status == 200, (name, body)
        [entry] = body["items"]
        assert (entry["status"], entry["reason"], body["accepted"], body["ignored"]) == ("ignored", kind, 0, 1), name
        if serial:
            assert seeded.records.latest("demo", serial, 10) == [], name  # never an uplink record
            kept = [e for e in seeded.records.latest("demo", serial, 10, events=True) if e["group"] == body["group"]]
            assert [e["event"] for e in kept] == ([kind] if keep else []), name
            expected = ("device_event", kept[0]["id"]) if keep else (None, None)
            assert (entry.get("stored_as"), entry.get("id")) == expected, name


def test_a_kept_event_of_an_unknown_device_is_answered_but_not_kept(seeded):
    item, query = load_event("chirpstack_status")
    status, body, _ = invoke(http_event(item, query=query))
    assert status == 200 and body["items"][0]["status"] == "ignored" and "stored_as" not in body["items"][0]
    assert seeded.records.latest("demo", device_of("chirpstack_status"), 10, events=True) == []


def test_a_batch_mixing_uplinks_and_events_stores_each_where_it_belongs(seeded):
    serial = device_of("chirpstack_status")
    register(seeded, serial)
    status_event, _ = load_event("chirpstack_status")
    uplink = {"deviceInfo": {"devEui": serial.lower()}, "fPort": 2, "data": "AQI=", "fCnt": 7}
    status, body, _ = invoke(http_event([uplink, status_event, {"serial": "AA-BB-01", "payload": "01"}]))
    assert status == 200 and (body["accepted"], body["rejected"], body["ignored"]) == (2, 0, 1)
    assert [r["payload"] for r in seeded.records.latest("demo", serial, 10)] == ["0102"]
    [event] = seeded.records.latest("demo", serial, 10, events=True)
    assert event["event"] == "status" and event["group"] == body["group"]
    assert any(v["variable"].startswith("battery") for v in event["variables"])


def test_a_retried_event_is_replayed_and_kept_once(seeded):
    serial = device_of("tts_location_solved")
    register(seeded, serial)
    item, _ = load_event("tts_location_solved")
    first, again = invoke(http_event(item)), invoke(http_event(item))
    assert first[1] == again[1] and again[2]["x-inlet-replayed"] == "true"
    assert len(seeded.records.latest("demo", serial, 10, events=True)) == 1


def test_a_join_without_a_known_device_is_still_a_2xx(seeded):
    item, query = load_event("tts_join_accept")
    status, body, _ = invoke(http_event(item, query=query or None))
    assert status == 200 and body["items"][0]["reason"] == "join_accept"
