"""Forwarding to TagoIO: the uplink handler queues, the delivery worker posts to a real local TagoIO, exactly once."""

from __future__ import annotations

import json
import logging

import pytest
import requests

from tests.tagoio_harness import KEY, SERIALS, TAGO_AUTHORIZATION, TagoStack

pytestmark = pytest.mark.integration


def batch(per_device: int = 2) -> list[dict]:
    return [
        {"serial": s, "payload": f"{i:02x}ff", "port": 10 + i, "battery": 3.6}
        for s in SERIALS
        for i in range(per_device)
    ]


def test_a_batch_across_three_devices_arrives_once_in_tagoio_grouped(stack):
    status, receipt = stack.send(batch())
    assert status == 200 and receipt["accepted"] == 6
    assert stack.waiting() == 3  # one delivery per device of the request

    stack.drain()

    assert stack.waiting() == 0 and stack.posts() == [200, 200, 200]
    for serial in SERIALS:
        stored = stack.stored(serial)
        assert len(stored) == 2 * 3  # payload, port, battery for each of the device's two uplinks
        assert {r["group"] for r in stored} == {receipt["group"]}
        assert sorted(r["value"] for r in stored if r["variable"] == "payload") == ["00ff", "01ff"]
        assert sorted(r["value"] for r in stored if r["variable"] == "port") == [10, 11]


def test_an_unknown_serial_is_reported_and_resolved_once_per_request(stack):
    body = [{"serial": SERIALS[0], "payload": "01"}] + [{"serial": "FFFF000000000001", "payload": "02"}] * 3
    status, receipt = stack.send(body)
    assert status == 200
    assert [item["status"] for item in receipt["items"]] == ["accepted", "rejected", "rejected", "rejected"]
    assert receipt["items"][1]["reason"] == "device_not_found"
    resolves = [c for c in stack.tagoio.state.calls if "FFFF000000000001" in c[1]]
    assert len(resolves) == 1

    status, receipt = stack.send({"serial": "FFFF000000000002", "payload": "02"})
    assert status == 404 and receipt["items"][0]["reason"] == "device_not_found"


def test_a_record_tagoio_would_reject_is_caught_before_sending_and_reported(stack):
    status, receipt = stack.send({"serial": SERIALS[0], "payload": "01", "blob": "x" * 7_000, "rssi": -70})
    assert status == 200 and receipt["items"][0]["status"] == "accepted"
    assert receipt["items"][0]["warnings"][0].startswith("tagoio_left_out: blob: value is 7000 bytes")
    stack.drain()
    assert stack.posts() == [200]  # TagoIO never had to refuse anything
    assert {r["variable"] for r in stack.stored(SERIALS[0])} == {"payload", "rssi"}
    # ... and the local TagoIO does refuse that record, as TagoIO documents:
    token = stack.device_tokens[SERIALS[0]]
    answer = requests.post(
        f"{stack.tagoio.url}/data",
        json={"variable": "blob", "value": "x" * 7_000},
        headers={"Device-Token": token},
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json()["status"] is False


def test_a_tagoio_outage_when_the_uplink_arrives_answers_503_and_stores_nothing(stack):
    stack.tagoio.state.set(down=True)
    status, _ = stack.send(batch(1))
    assert status == 503 and stack.waiting() == 0
    stack.tagoio.state.set(down=False)
    status, _ = stack.send(batch(1))  # the sender's retry
    assert status == 200 and stack.waiting() == 3


def test_sink_both_stores_in_dynamodb_and_forwards_to_tagoio(moto_aws, tagoio, monkeypatch):
    stack = TagoStack(tagoio, moto_aws, monkeypatch, sink="both")
    status, _ = stack.send(batch(1))
    assert status == 200
    stack.drain()
    from inlet.service.wiring import dependencies

    assert len(dependencies().records.latest("demo", SERIALS[0], 10)) == 1
    assert len(stack.stored(SERIALS[0])) == 3


def test_a_tagoio_keys_devices_are_decoded_in_tagoio_and_stored_undecoded(moto_aws, tagoio, monkeypatch):
    """Their connector and payload parser are TagoIO's: the stored record is neither decoded nor a failed decode."""
    from inlet.service.wiring import dependencies

    stack = TagoStack(tagoio, moto_aws, monkeypatch, sink="both")
    status, _ = stack.send({"serial": SERIALS[0], "payload": "0a6f", "port": 2, "rssi": -80})
    assert status == 200
    stack.drain()
    [record] = dependencies().records.latest("demo", SERIALS[0], 1)
    assert "decoder" not in record and "decode_failed" not in record["flags"]
    assert {r["variable"]: r["value"] for r in stack.stored(SERIALS[0])} == {"payload": "0a6f", "port": 2, "rssi": -80}


def test_the_network_token_and_device_tokens_never_reach_the_logs(stack, capfd):
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(str(record.__dict__))

    collector = Collect()
    logging.getLogger("inlet").addHandler(collector)
    try:
        stack.tagoio.state.set(throttle=1)
        stack.send(batch(1))
        stack.deliver_once()  # a 429, the profile's other deliveries held
        stack.tagoio.state.set(down=True)
        stack.deliver_once()  # 503s
        stack.tagoio.state.set(down=False, drop=1)
        stack.drain()  # one answer lost, then found stored
    finally:
        logging.getLogger("inlet").removeHandler(collector)
    captured = capfd.readouterr()
    logs = "\n".join(seen) + captured.out + captured.err
    assert "delivery delivered" in logs or "delivery already_stored" in logs  # the logs were captured
    for secret in (stack.network_token, TAGO_AUTHORIZATION, KEY, *stack.device_tokens.values()):
        assert secret not in logs


def test_keys_create_stores_the_tagoio_settings_and_refuses_plain_http(moto_aws, capsys):
    from inlet.adapters.keys import KeyStore
    from inlet_cli.local import env as local_env
    from inlet_cli.main import main

    options = ["--network-token-param", "my-network", "--tagoio-authorization", TAGO_AUTHORIZATION, "--json"]
    assert main(["keys", "create", "--tenant", "demo", "--sink", "both", "--tagoio-region", "eu-w1", *options]) == 0
    created = json.loads(capsys.readouterr().out)
    config = KeyStore(local_env.KEYS_PATH, ssm=moto_aws["ssm"]).find(created["id"])
    assert config.sink == "both"
    assert config.tagoio == {
        "region": "eu-w1",
        "api_url": "https://api.eu-w1.tago.io",
        "network_token_param": "/inlet/local/tagoio/my-network",
        "authorization": TAGO_AUTHORIZATION,
    }
    plain = ["keys", "create", "--tenant", "demo", "--sink", "tagoio", "--tagoio-api-url", "http://tago.example.com"]
    assert main([*plain, *options]) == 1
    assert "https" in capsys.readouterr().err
