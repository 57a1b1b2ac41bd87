"""Forwarding holds against what TagoIO documents and against every plausible answer where it is silent."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.tagoio_harness import SERIALS

pytestmark = pytest.mark.integration
ONE = {"serial": SERIALS[0], "payload": "0011aa", "port": 10}


def kept_reasons(stack) -> list[str]:
    answer = stack.sqs.receive_message(QueueUrl=stack.dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
    return [m["MessageAttributes"]["inlet_reason"]["StringValue"] for m in answer.get("Messages", [])]


# --- resolve: undocumented answers concern one serial ---------------------------------------------------------------
@pytest.mark.parametrize("status", [409, 410, 422, 200])
def test_an_odd_lookup_answer_for_one_serial_rejects_that_serial_only(stack, status):
    stack.tagoio.state.set(resolve_answers={SERIALS[1]: status})
    status_code, receipt = stack.send([{**ONE, "serial": s} for s in SERIALS])
    assert status_code == 200, receipt
    items = {item["serial"]: item for item in receipt["items"]}
    assert items[SERIALS[1]]["reason"] == "tagoio_lookup_failed"
    assert items[SERIALS[1]]["message"].startswith(f"TagoIO answered {status} to this serial's lookup")
    assert [items[s]["status"] for s in (SERIALS[0], SERIALS[2])] == ["accepted", "accepted"]
    stack.drain()
    assert stack.stored(SERIALS[1]) == [] and len(stack.stored(SERIALS[0])) == 2


@pytest.mark.parametrize("status", [404, 400])
def test_an_unknown_serial_is_device_not_found_whichever_status_tagoio_uses(stack, status):
    stack.tagoio.state.set(unknown_serial_status=status)
    _, receipt = stack.send([ONE, {**ONE, "serial": "FFFF000000000009"}])
    assert [i.get("reason") for i in receipt["items"]] == [None, "device_not_found"]


# --- error text: TagoIO may put it in result ---------------------------------------------------------------------
@pytest.mark.parametrize("field", ["message", "result"])
def test_tagoio_s_error_text_reaches_the_dead_letter_reason_wherever_tagoio_puts_it(stack, field):
    stack.tagoio.state.set(fail=1, fail_status=400, fail_route="POST /data", error_field=field)
    stack.send(ONE)
    stack.drain()
    assert kept_reasons(stack) == ["tagoio_400: Injected failure 400"]


# --- record times: a bad device clock ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("offset", "switches"),
    [(timedelta(days=3), {}), (timedelta(days=-40), {"retention_seconds": 31 * 86_400})],
)
def test_an_uplink_with_a_time_tagoio_refuses_is_delivered_with_its_time_in_metadata(stack, offset, switches):
    stack.tagoio.state.set(**switches)
    moment = (datetime.now(UTC) + offset).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    good = {**ONE, "serial": SERIALS[1]}
    status, receipt = stack.send([{**ONE, "time": moment}, good])
    assert status == 200 and receipt["items"][0]["warnings"][0].startswith("tagoio_time_moved")
    stack.drain()
    stored = stack.stored(SERIALS[0])
    assert len(stored) == 2 and {r["metadata"]["device_time"] for r in stored} == {moment}
    assert len(stack.stored(SERIALS[1])) == 2 and stack.waiting(stack.dlq_url) == 0


# --- the port, once ------------------------------------------------------------------------------------------------
def test_a_tts_uplink_stores_its_port_once_as_fport(stack):
    tts = {
        "end_device_ids": {"device_id": "d1", "dev_eui": SERIALS[0]},
        "uplink_message": {"f_port": 7, "frm_payload": "AQI="},
    }
    status, _ = stack.send(tts)
    assert status == 200
    stack.drain()
    ports = [(r["variable"], r["value"]) for r in stack.stored(SERIALS[0]) if "port" in r["variable"]]
    assert ports == [("fport", 7)]


# --- the local TagoIO follows the documented contract --------------------------------------------------------------
def post(stack, body, serial=SERIALS[0]):
    headers = {"Device-Token": stack.device_tokens[serial]}
    return requests.post(f"{stack.tagoio.url}/data", json=body, headers=headers, timeout=5)


def get(stack, query: str, serial=SERIALS[0]):
    headers = {"Device-Token": stack.device_tokens[serial]}
    return requests.get(f"{stack.tagoio.url}/data?{query}", headers=headers, timeout=5).json()["result"]


def test_the_local_tagoio_lower_cases_variable_names_as_tagoio_documents(stack):
    assert post(stack, {"variable": "Temperature", "value": 1}).status_code == 200
    assert [r["variable"] for r in stack.stored(SERIALS[0])] == ["temperature"]


def test_several_groups_are_asked_for_in_the_documented_indexed_form_and_commas_only_when_switched_on(stack):
    post(stack, [{"variable": "a", "value": 1, "group": "g1"}, {"variable": "b", "value": 2, "group": "g2"}])
    assert {r["group"] for r in get(stack, "groups%5B0%5D=g1&groups%5B1%5D=g2")} == {"g1", "g2"}
    assert get(stack, "groups=g1,g2") == []
    stack.tagoio.state.set(groups_commas=True)
    assert len(get(stack, "groups=g1,g2")) == 2


@pytest.mark.parametrize("status", [413, 400])
def test_an_oversized_body_answers_the_switched_status(stack, status):
    stack.tagoio.state.set(oversize_status=status)
    assert post(stack, [{"variable": "a", "value": "x" * 5_000}] * 45).status_code == status


def test_a_429_carries_its_delay_in_the_message_and_a_header_only_when_switched_on(stack):
    stack.tagoio.state.set(throttle=2)
    first = post(stack, {"variable": "a", "value": 1})
    assert first.status_code == 429 and "Retry-After" not in first.headers
    assert first.json()["message"] == "Too many requests (Retry-After: 7)"
    stack.tagoio.state.set(retry_after_header=True)
    assert post(stack, {"variable": "a", "value": 1}).headers["Retry-After"] == "7"


def test_a_202_with_data_stored_later_is_read_back_only_after_the_delay(stack):
    stack.tagoio.state.set(post_status=202, store_delay=0.5)
    assert post(stack, {"variable": "a", "value": 1, "group": "late"}).status_code == 202
    assert get(stack, "groups=late") == []
    time.sleep(0.6)
    assert len(get(stack, "groups=late")) == 1


def test_a_delivery_answered_202_is_done(stack):
    stack.tagoio.state.set(post_status=202)
    stack.send(ONE)
    stack.drain()
    assert stack.posts() == [202] and len(stack.stored(SERIALS[0])) == 2 and stack.waiting(stack.dlq_url) == 0
