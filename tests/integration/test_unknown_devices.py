"""Keys with ``--unknown-devices accept``: an uplink of a serial the tenant has no device for is answered 2xx with
the item ``ignored`` / ``device_not_found`` (a network server never sees a failure), counted, and listed with its
last sighting and count by ``inlet devices list --unknown``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inlet.core.keys import key_hash
from inlet.service.ingest import ingest
from inlet.service.wiring import dependencies
from inlet_cli.local import env as local_env
from inlet_cli.main import main

from tests.cli_runs import run_json
from tests.helpers import http_event, invoke, restart_container

pytestmark = pytest.mark.integration

ACCEPTING = "at" + "5" * 32
TTS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "lns" / "tts_v3.json").read_text())["item"]


@pytest.fixture
def accepting(seeded):
    local_env.put_key(seeded.keys, ACCEPTING, "demo", name="lns", unknown_devices="accept")
    return seeded


def unknown(capsys) -> dict[str, dict]:
    capsys.readouterr()  # the handler's log lines
    return {line["serial"]: line for line in run_json(capsys, "devices", "list", "--unknown", "--tenant", "demo")}


def test_a_batch_stores_the_known_and_ignores_the_unknown(accepting, capsys):
    batch = [{"serial": "AA-BB-01", "payload": "01"}, {"serial": "NEW-1", "payload": "02"}, {"serial": "new-1"}]
    status, body, _ = invoke(http_event(batch, key=ACCEPTING))
    assert status == 200 and (body["accepted"], body["rejected"], body["ignored"]) == (1, 0, 2)
    assert body["items"][1] == {"index": 1, "serial": "NEW-1", "status": "ignored", "reason": "device_not_found"}
    assert unknown(capsys)["NEW-1"]["uplinks"] == 2


def test_only_unknown_devices_is_a_200_and_the_sightings_add_up(accepting, capsys):
    for payload in ("01", "02", "03"):
        status, body, _ = invoke(http_event({"serial": "NEW-2", "payload": payload}, key=ACCEPTING))
        assert status == 200 and body["ignored"] == 1 and body["accepted"] == 0
    line = unknown(capsys)["NEW-2"]
    assert line["uplinks"] == 3 and line["key_id"] == key_hash(ACCEPTING)[:16] and line["last_seen"].endswith("Z")


def test_a_single_network_server_uplink_of_an_unknown_device_is_a_200(accepting, capsys):
    status, body, _ = invoke(http_event(TTS, key=ACCEPTING))
    assert status == 200 and body["items"][0]["reason"] == "device_not_found"
    serial = TTS["end_device_ids"]["dev_eui"].upper()
    assert unknown(capsys)[serial]["uplinks"] == 1


def test_a_retried_request_is_not_counted_twice(accepting, capsys):
    event = http_event([{"serial": "NEW-3", "payload": "01"}, {"serial": "AA-BB-01"}], key=ACCEPTING)
    first, again = invoke(event), invoke(event)
    assert again[2].get("x-inlet-replayed") == "true" and again[1] == first[1]
    assert unknown(capsys)["NEW-3"]["uplinks"] == 1


def test_the_outcome_counts_them_for_the_metric(accepting):
    request_event = http_event([{"serial": "NEW-4"}, {"serial": "NEW-5"}], key=ACCEPTING)
    from inlet.service.events import request_from_event

    outcome = ingest(request_from_event(request_event), dependencies())
    assert outcome.ignored_by_type == {"device_not_found": 2}  # the handler's metric Ignored_device_not_found


def test_a_registered_serial_leaves_the_list(accepting, capsys):
    invoke(http_event({"serial": "NEW-6", "payload": "01"}, key=ACCEPTING))
    assert "NEW-6" in unknown(capsys)
    assert main(["devices", "add", "NEW-6", "--tenant", "demo"]) == 0
    assert "NEW-6" not in unknown(capsys)
    restart_container()  # a warm function's miss cache would keep it unknown for DEVICE_MISS_CACHE_SECONDS
    status, body, _ = invoke(http_event({"serial": "NEW-6", "payload": "02"}, key=ACCEPTING))
    assert status == 200 and body["accepted"] == 1


def test_reject_stays_the_default(seeded, capsys):
    status, body, _ = invoke(http_event({"serial": "NEW-7"}))
    assert status == 404 and body["items"][0]["reason"] == "device_not_found"
    assert "NEW-7" not in unknown(capsys)  # only keys that accept them note unknown devices


def test_keys_create_recommends_accept_for_a_network_server_key(seeded, capsys):
    assert main(["keys", "create", "--tenant", "demo"]) == 0
    assert "--unknown-devices accept" in capsys.readouterr().err
    assert main(["keys", "create", "--tenant", "demo", "--unknown-devices", "accept"]) == 0
    assert "consider" not in capsys.readouterr().err
    assert main(["keys", "create", "--tenant", "demo", "--mapping", "serial=dev"]) == 0
    assert "consider" not in capsys.readouterr().err  # a device's own format: the choice is the user's
    created = run_json(capsys, "keys", "create", "--tenant", "demo", "--unknown-devices", "accept")
    assert created["unknown_devices"] == "accept"


def test_the_unknown_list_is_a_table_for_people(accepting, capsys):
    invoke(http_event({"serial": "NEW-8", "payload": "01"}, key=ACCEPTING))
    capsys.readouterr()
    assert main(["devices", "list", "--unknown", "--tenant", "demo"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split()[:3] == ["serial", "last", "seen"] and "NEW-8" in out
    assert "inlet devices add" in err


def test_the_inspector_sees_the_unknown_device_as_ignored_device_not_found(accepting):
    from dataclasses import replace

    from inlet.adapters.request_log import RequestLogStore

    from tests.helpers import restart_container

    config = accepting.keys.config_for_hash(key_hash(ACCEPTING))
    accepting.keys.put(replace(config, log_until=2**31), overwrite=True)  # what `inlet inspect` switches on
    restart_container()
    status, _, _ = invoke(http_event([{"serial": "AA-BB-01"}, {"serial": "NEW-9", "payload": "09"}], key=ACCEPTING))
    assert status == 200
    entry = RequestLogStore(local_env.TABLES["RecordsTable"]).after("demo")[-1]
    item = entry["items"][1]  # what the page renders: the badge `ignored`, the reason, the hint to register it
    assert (item["status"], item["reason"], item["serial"]) == ("ignored", "device_not_found", "NEW-9")
    assert entry["counts"] == {"accepted": 1, "rejected": 0, "ignored": 1}
