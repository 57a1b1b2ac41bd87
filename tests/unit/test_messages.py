"""Messages that are not uplinks (fixtures in tests/fixtures/lns_events), and uplinks that must stay uplinks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inlet.core.network_servers import UPLINK, Message, classify_message
from inlet.core.network_servers.chirpstack import CHIRPSTACK_EVENTS
from inlet.core.network_servers.everynet import EVERYNET_TYPES
from inlet.core.network_servers.loriot import LORIOT_COMMANDS
from inlet.core.network_servers.thingpark import THINGPARK_MESSAGES
from inlet.core.network_servers.tts import TTS_MESSAGES
from inlet.core.request import item_query, parse_items
from inlet.errors import InletError
from inlet.service.events import request_from_event

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parents[1] / "fixtures"
EVENT_DIR = FIXTURES / "lns_events"
SAMPLE_EVENTS = Path(__file__).parents[2] / "events"

V4_EUI, V3_EUI, TTS_EUI, TP_EUI = "0080e1150500a3c7", "24e124136b320541", "70B3D57ED005A1B2", "20635F0106000324"
CS_V4 = "ChirpStack v4, chirpstack/chirpstack api/proto/integration/integration.proto ({}); ?event= from http.rs"
CS_V3 = "ChirpStack v3, brocaar/chirpstack-api protobuf/as/integration/integration.proto ({}); ?event= scheme"
TTS = "The Things Stack, lorawan-stack api/ttn/lorawan/v3/messages.proto ApplicationUp.{} + docs Data Formats"
TPX = "ThingPark, actility/tpx-iot-flow-doc docs/Message/{}"
EVERYNET = "Everynet, ns.docs.everynet.io data-api/messages-and-types{}"
MILESIGHT = "Milesight gateway embedded NS, milesight.com application-guide/notification ({})"
SIGFOX = "Sigfox, support.sigfox.com service callback {} (the body template uses Sigfox's variable names)"

# fixture -> (type, format id, keep, serial as found, where the shape comes from)
EXPECTED = {
    "chirpstack_join": ("join", "chirpstack_v4", False, V4_EUI, CS_V4.format("JoinEvent")),
    "chirpstack_status": ("status", "chirpstack_v4", True, V4_EUI, CS_V4.format("StatusEvent")),
    "chirpstack_ack": ("ack", "chirpstack_v4", False, V4_EUI, CS_V4.format("AckEvent")),
    "chirpstack_txack": ("txack", "chirpstack_v4", False, V4_EUI, CS_V4.format("TxAckEvent")),
    "chirpstack_log": ("log", "chirpstack_v4", False, V4_EUI, CS_V4.format("LogEvent")),
    "chirpstack_location": ("location", "chirpstack_v4", True, V4_EUI, CS_V4.format("LocationEvent, common.Location")),
    "chirpstack_integration": ("integration", "chirpstack_v4", True, V4_EUI, CS_V4.format("IntegrationEvent, < 4.15")),
    "chirpstack_v3_join": ("join", "chirpstack_v3", False, V3_EUI, CS_V3.format("JoinEvent")),
    "chirpstack_v3_ack": ("ack", "chirpstack_v3", False, V3_EUI, CS_V3.format("AckEvent")),
    "chirpstack_v3_error": ("error", "chirpstack_v3", False, V3_EUI, CS_V3.format("ErrorEvent")),
    "chirpstack_v3_status": (
        "status", "chirpstack_v3", True, "JOEkE2syBUE=", CS_V3.format("StatusEvent, JSON marshaler")
    ),
    "chirpstack_v3_location": ("location", "chirpstack_v3", True, V3_EUI, CS_V3.format("LocationEvent")),
    "chirpstack_v3_txack": ("txack", "chirpstack_v3", False, V3_EUI, CS_V3.format("TxAckEvent")),
    "chirpstack_v3_integration": ("integration", "chirpstack_v3", True, V3_EUI, CS_V3.format("IntegrationEvent")),
    "milesight_online": ("online", "milesight", True, "24e124126b176423", MILESIGHT.format("Online Notification")),
    "milesight_offline": ("offline", "milesight", True, "24e124126b176423", MILESIGHT.format("Offline Notification")),
    "milesight_ack": ("ack", "milesight", False, "24e124126b176423", MILESIGHT.format("ACK Notification")),
    "milesight_error": ("error", "milesight", False, "24e124126b176423", MILESIGHT.format("Error Notification")),
    "tts_join_accept": ("join_accept", "tts_v3", False, TTS_EUI, TTS.format("join_accept")),
    "tts_downlink_ack": ("downlink_ack", "tts_v3", False, TTS_EUI, TTS.format("downlink_ack")),
    "tts_downlink_nack": ("downlink_nack", "tts_v3", False, TTS_EUI, TTS.format("downlink_nack")),
    "tts_downlink_sent": ("downlink_sent", "tts_v3", False, TTS_EUI, TTS.format("downlink_sent")),
    "tts_downlink_queued": ("downlink_queued", "tts_v3", False, TTS_EUI, TTS.format("downlink_queued")),
    "tts_downlink_failed": (
        "downlink_failed", "tts_v3", False, None, TTS.format("downlink_failed (no dev_eui in ids)")
    ),
    "tts_downlink_queue_invalidated": (
        "downlink_queue_invalidated", "tts_v3", False, TTS_EUI, TTS.format("downlink_queue_invalidated")
    ),
    "tts_location_solved": ("location_solved", "tts_v3", True, TTS_EUI, TTS.format("location_solved")),
    "tts_service_data": ("service_data", "tts_v3", True, TTS_EUI, TTS.format("service_data")),
    # sent besides the uplink_message of the same uplink: it must never become a second copy of it
    "tts_uplink_normalized": ("uplink_normalized", "tts_v3", False, TTS_EUI, TTS.format("uplink_normalized")),
    "loriot_tx": ("tx", "loriot", False, "BE7A0000000014E2", "LORIOT, docs.loriot.io Downlink Data Message"),
    "loriot_txd": ("txd", "loriot", False, "BE7A0000000014E2", "LORIOT, the 'txd' message the same page refers to"),
    "helium_join": ("join", "helium", False, "6081F9D1C2A3B4E5", "Helium, helium/router send_join_to_channel"),
    "thingpark_location": ("location", "actility", True, TP_EUI, TPX.format("location-message.md")),
    "thingpark_notification": ("notification", "actility", True, TP_EUI, TPX.format("notification-message.md")),
    "thingpark_alarm": ("alarm", "actility", True, TP_EUI, TPX.format("alarm-message.md (Device Alarm)")),
    "thingpark_downlink_sent": ("downlink_sent", "actility", False, TP_EUI, TPX.format("downlink-message.md")),
    "thingpark_downlink_rejected": ("downlink_rejected", "actility", False, TP_EUI, TPX.format("downlink-message.md")),
    "thingpark_multicast_summary": (
        "multicast_summary", "actility", False, "20635F0100FF0001", TPX.format("multicast-summary-message.md")
    ),
    "thingpark_base_station_alarm": (
        "base_station_alarm", "actility", False, None, TPX.format("alarm-message.md (BaseStation Alarm)")
    ),
    "everynet_downlink": ("downlink", "everynet", False, "70b3d5e75e003c3f", EVERYNET.format("/downlink-message")),
    "everynet_downlink_request": ("downlink_request", "everynet", False, "70b3d5e75e003c3f", EVERYNET.format("")),
    "everynet_join_request": ("join_request", "everynet", False, "70b3d5e75e003c3f", EVERYNET.format("")),
    "everynet_status_response": (
        "status_response", "everynet", True, "70b3d5e75e003c3f", EVERYNET.format("/status-message")
    ),
    "everynet_status": ("status", "everynet", True, "70b3d5e75e003c3f", "Everynet, data-api/status-message (older)"),
    # error/warning/info: the envelope and type names are documented; their params here are illustrative
    "everynet_error": ("error", "everynet", False, "70b3d5e75e003c3f", EVERYNET.format(" (service messages)")),
    "everynet_warning": ("warning", "everynet", False, "70b3d5e75e003c3f", EVERYNET.format(" (service messages)")),
    "everynet_info": ("info", "everynet", False, "70b3d5e75e003c3f", EVERYNET.format(" (service messages)")),
    "kerlink_data_down_event": (
        "data_down_event", "kerlink_wanesy", False, "7276FF0039030D1A",
        "Kerlink WMC DataDownEventDto (Orange kerlink2lo)",
    ),
    "sigfox_status": ("status", "sigfox", True, "1A2B3C", SIGFOX.format("STATUS")),
    "sigfox_location": ("location", "sigfox", True, "1A2B3C", SIGFOX.format("GEOLOC")),
    "sigfox_error": ("error", "sigfox", True, "1A2B3C", SIGFOX.format("ERROR (its example says 'devices')")),
    "sigfox_ack": ("ack", "sigfox", False, "1A2B3C", SIGFOX.format("ACKNOWLEDGE")),
}  # fmt: skip
DOCUMENTED_TYPES = {
    "chirpstack_v4": set(CHIRPSTACK_EVENTS) | {"uplink"},
    "chirpstack_v3": set(CHIRPSTACK_EVENTS) | {"uplink"},
    "milesight": {"online", "offline", "ack", "error", "status", "log", "integration", "location", "join", "txack"},
    "tts_v3": set(TTS_MESSAGES) | {"uplink"},
    "loriot": set(LORIOT_COMMANDS) | {"uplink"},
    "helium": {"join"},
    "actility": {kind for kind, _ in THINGPARK_MESSAGES.values()} | {"uplink"},
    "everynet": set(EVERYNET_TYPES) | {"uplink"},
    "kerlink_wanesy": {"data_down_event"},
    "sigfox": {"status", "location", "error", "ack"},
    "": {"uplink"},
}


def load_event(name: str) -> tuple[dict, dict[str, str]]:
    data = json.loads((EVENT_DIR / f"{name}.json").read_text())
    return (data["body"], data["query"]) if set(data) == {"query", "body"} else (data, {})


def uplink_items() -> list[tuple[str, dict]]:
    return [(path.stem, json.loads(path.read_text())["item"]) for path in sorted((FIXTURES / "lns").glob("*.json"))]


def test_every_fixture_has_an_expectation_and_a_source():
    # Given the fixture files, Then each one is expected somewhere, with the place its shape comes from
    assert {path.stem for path in EVENT_DIR.glob("*.json")} == set(EXPECTED)
    assert all(source for *_, source in EXPECTED.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_classified_as_expected(name: str):
    # Given a network server's non-uplink message, When it is classified, Then type, format, keep and serial match
    body, query = load_event(name)
    kind, fmt, keep, serial, _ = EXPECTED[name]
    assert classify_message(body, query) == Message(kind, fmt, keep, serial)


@pytest.mark.parametrize("name", sorted(name for name in EXPECTED if name.startswith("chirpstack")))
def test_chirpstack_events_are_recognised_by_their_shape_without_the_query(name: str):
    # Given a ChirpStack event posted to a URL without ?event= (v3 per-event URLs), Then its shape alone tells it
    body, query = load_event(name)
    assert query, "ChirpStack fixtures carry the ?event= their integration adds"
    assert classify_message(body, {}) == classify_message(body, query)


@pytest.mark.parametrize(("name", "item"), uplink_items())
@pytest.mark.parametrize("query", [{}, {"event": "up"}, {"serial": "X", "LrnDevEui": "Y"}])
def test_every_uplink_fixture_stays_an_uplink(name: str, item: dict, query: dict):
    message = classify_message(item, query)
    assert message.is_uplink, name
    assert message.serial is None and not message.keep


def test_every_item_of_the_sample_events_is_an_uplink():
    # Given events/ (what make invoke and the integration tests replay), Then none of their items is a non-uplink
    checked = 0
    for path in sorted(SAMPLE_EVENTS.glob("*.json")):
        if path.name == "expected.json":
            continue
        request = request_from_event(json.loads(path.read_text()))
        try:
            items = parse_items(request, max_items=2000)
        except InletError:
            continue  # the error samples: refused before any item exists
        query = item_query(request)
        assert all(classify_message(item, query).is_uplink for item in items), path.name
        checked += len(items)
    assert checked >= 10


def test_chirpstack_up_event_is_an_uplink_of_chirpstack():
    item = dict(uplink_items())["chirpstack_v4"]
    assert classify_message(item, {"event": "up"}) == Message("uplink", "chirpstack_v4")


@pytest.mark.parametrize(
    ("item", "query"),
    [
        (load_event("chirpstack_status")[0], {"event": "relay"}),  # a ?event= ChirpStack does not document
        (dict(uplink_items())["tts_v3"], {"event": "join"}),  # ?event= meant for something else, on a TTS uplink
        ({**load_event("loriot_tx")[0], "cmd": "rxe"}, {}),  # a LORIOT cmd nobody documented
        ({**load_event("everynet_info")[0], "type": "telemetry"}, {}),  # an Everynet type nobody documented
        ({"type": "info", "meta": {"device": "A1"}, "params": {"t": 21}}, {}),  # a sender's own shape, not Everynet's
        ({"EUI": "A1", "cmd": ["tx"], "data": "00"}, {}),  # a cmd that is not even a string
        ({"serial": "AA-01", "margin": 3, "join_accept": {}, "deviceInfo": {"devEui": "x"}}, {"event": "join"}),
        ({"end_device_ids": {"dev_eui": "A1"}, "correlation_ids": ["x"]}, {}),  # a TTS message nobody documented
        ({"device": "1A2B", "data": "00ff", "batt": "3.1", "temp": "20"}, {}),  # a Sigfox DATA callback with extras
        ({"devEUI": "a1", "devAddr": "01020304", "temperature": 21}, {}),  # not a ChirpStack v3 event: no application
    ],
)
def test_what_no_vocabulary_names_stays_an_uplink(item: dict, query: dict):
    assert classify_message(item, query).is_uplink


def test_the_same_event_without_device_info_is_not_mistaken_for_chirpstack_v4():
    body = {**load_event("chirpstack_join")[0], "deviceInfo": "0080e1150500a3c7"}
    assert classify_message(body, {}) == UPLINK


keys = st.sampled_from(
    [*TTS_MESSAGES, "uplink_message", "end_device_ids", "deviceInfo", "devEUI", "applicationID", "gatewaySN", "EUI",
     "cmd", "meta", "type", "dev_eui", "app_eui", "dataDownId", "status", "event", "device", "devices", "data",
     *THINGPARK_MESSAGES, "DevEUI_uplink", "margin", "acknowledged", "description", "level", "location", "devAddr",
     "fCnt", "downlinkId", "queueItemId", "gatewayID", "txInfo", "error", "infoCode", "downlinkAck", "batt", "temp",
     "radius", "lat", "lng", "severity", "info", "devEui", "dev_eui", "network", "serial", "integrationName",
     "eventType"]
) | st.text(max_size=8)  # fmt: skip
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
words = st.sampled_from([*CHIRPSTACK_EVENTS, *EVERYNET_TYPES, "up", "rx", "gw", "tx", "txd", "join", "online"])
json_values = st.recursive(
    scalars | words, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4), max_leaves=12
)
queries = st.dictionaries(st.sampled_from(["event", "serial", "x"]), words | st.text(max_size=8), max_size=2)


@settings(max_examples=500, deadline=None)
@given(item=st.dictionaries(keys, json_values, max_size=8), query=queries)
def test_any_json_object_gets_a_message_and_never_raises(item: dict, query: dict):
    message = classify_message(item, query)
    assert isinstance(message, Message)
    assert message.type in DOCUMENTED_TYPES[message.format]
    assert not message.is_uplink or (message.serial is None and not message.keep)
    if "serial" in item:
        assert message.is_uplink  # the generic schema always wins
