"""`inlet destinations` on moto: a webhook's secret shown once and stored encrypted only, health in `list`, rotation
with both secrets valid, replay from the stored records with the same delivery ids, dead letters moved back, the
keys' flag kept in step, TagoIO keys listed as destinations."""

from __future__ import annotations

import json

import boto3
import pytest
from inlet.adapters.keys import KeyStore
from inlet_cli.local import env as local_env
from inlet_cli.main import main
from standardwebhooks import Webhook

from tests.cli_runs import error_of, run_json
from tests.destinations_harness import DestinationsStack, Receiver, bodies
from tests.helpers import restart_container
from tests.integration.test_cli import write_local_state
from tests.integration.test_destinations_webhook import send_uplinks

TENANT = local_env.EVENTS_TENANT


@pytest.fixture
def stack(seeded, monkeypatch, tmp_path):
    """The destinations' functions on moto, and a local state file naming them: ``--local`` acts on this stack."""
    made = DestinationsStack(monkeypatch)
    extra = {
        "destinations_path": local_env.DESTINATIONS_PATH,
        "destinations_queue_url": made.queue_url,
        "destinations_dlq_url": made.dlq_url,
    }
    write_local_state(monkeypatch, tmp_path, **extra)
    return made


def cli(capsys, *argv: str):
    return run_json(capsys, *argv, "--local")


@pytest.fixture
def receiver():
    made = Receiver().start()
    yield made
    made.stop()


def add_local_webhook(capsys, monkeypatch, name: str, url: str, *extra: str) -> dict:
    """On the local stack, a receiver on this machine (http://127.0.0.1) is allowed."""
    added = cli(capsys, "destinations", "add", name, "--tenant", TENANT, "--kind", "webhook", "--url", url, *extra)
    restart_container()
    return added


def test_add_shows_the_secret_once_and_stores_it_encrypted_only(stack, receiver, capsys, monkeypatch):
    added = add_local_webhook(capsys, monkeypatch, "backend", receiver.url, "--header", "Authorization:Bearer s3cr3t")
    secret = added["secret"]
    assert secret.startswith("whsec_") and added["settings"]["headers"] == {"Authorization": "(hidden)"}
    listed = cli(capsys, "destinations", "list", "--tenant", TENANT)
    shown = cli(capsys, "destinations", "show", "backend", "--tenant", TENANT)
    assert secret not in json.dumps(listed) + json.dumps(shown) and "s3cr3t" not in json.dumps(shown)
    ssm = boto3.client("ssm", region_name=local_env.REGION)
    parameter = ssm.get_parameter(Name=f"{local_env.DESTINATIONS_PATH}/{TENANT}/backend")["Parameter"]
    assert parameter["Type"] == "SecureString"
    dynamodb = boto3.client("dynamodb", region_name=local_env.REGION)
    for table in local_env.TABLES.values():  # never in a table, whatever was delivered
        assert secret not in json.dumps(dynamodb.scan(TableName=table)["Items"], default=str)
    assert all(KeyStore(local_env.KEYS_PATH).list()[i].destinations for i in range(2))  # the tenant's keys flagged


def test_http_and_private_urls_are_refused_on_a_deployed_stack(stack, capsys):
    for url in ("http://hooks.example.com/x", "http://127.0.0.1:9/x"):
        err = error_of(capsys, "destinations", "add", "x", "--tenant", TENANT, "--kind", "webhook", "--url", url)
        assert "only https://" in err


def test_list_shows_health_after_failures_and_successes(stack, receiver, capsys, monkeypatch):
    add_local_webhook(capsys, monkeypatch, "backend", receiver.url)
    receiver.script.extend(["500", "500"])
    send_uplinks(3)
    stack.pump()
    [row] = cli(capsys, "destinations", "list", "--tenant", TENANT)
    health = row["health"]
    assert health["delivered_24h"] == 3 and health["failed_24h"] >= 1
    assert health["last_failure"].startswith("webhook_500") and health["last_success_at"]
    assert health["oldest_undelivered_s"] is None  # all delivered since
    receiver.script.extend(["500"] * 20)
    send_uplinks(1)
    stack.pump(rounds=2)
    [row] = cli(capsys, "destinations", "list", "--tenant", TENANT)
    assert row["health"]["oldest_undelivered_s"] is not None  # one waits


def test_a_rotated_secret_and_the_one_before_both_verify(stack, receiver, capsys, monkeypatch):
    old = add_local_webhook(capsys, monkeypatch, "backend", receiver.url)["secret"]
    new = cli(capsys, "destinations", "rotate-secret", "backend", "--tenant", TENANT)["secret"]
    from inlet.destinations import wiring

    wiring.delivery_dependencies.cache_clear()
    stack.deps = wiring.delivery_dependencies()
    send_uplinks(1)
    stack.pump()
    [request] = receiver.requests
    for secret in (old, new):
        Webhook(secret).verify(request.body, request.headers)
    shown = cli(capsys, "destinations", "show", "backend", "--tenant", TENANT)
    assert shown["secrets"][0] == "current" and shown["secrets"][1].startswith("previous, valid until")


def test_replay_resends_the_stored_uplinks_with_the_same_delivery_ids(stack, receiver, capsys, monkeypatch):
    add_local_webhook(capsys, monkeypatch, "backend", receiver.url)
    accepted = send_uplinks(5)
    stack.pump()
    first = {b["id"]: b["delivery_id"] for b in bodies(receiver.arrived())}
    replayed = cli(capsys, "destinations", "replay", "backend", "--tenant", TENANT, "--since", "1h")
    assert replayed["queued"] == 5
    stack.pump()
    again = bodies(receiver.arrived())[5:]
    assert sorted(b["id"] for b in again) == sorted(accepted)
    assert all(first[b["id"]] == b["delivery_id"] for b in again)


def test_dead_letters_of_a_destination_move_back_to_the_queue(stack, receiver, capsys, monkeypatch):
    add_local_webhook(capsys, monkeypatch, "backend", receiver.url)
    original = receiver.server.RequestHandlerClass.do_POST

    def gone(handler):
        handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        handler.send_response(404)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    receiver.server.RequestHandlerClass.do_POST = gone
    accepted = send_uplinks(2)
    stack.pump()
    receiver.server.RequestHandlerClass.do_POST = original
    assert len(stack.dead_letters()) == 2
    moved = cli(capsys, "destinations", "replay", "backend", "--tenant", TENANT, "--dead-letters")
    assert moved["queued"] == 2
    stack.pump()
    assert sorted(b["id"] for b in bodies(receiver.arrived())) == sorted(accepted)


def test_remove_clears_the_keys_flag_and_new_keys_follow_the_tenants_destinations(stack, receiver, capsys, monkeypatch):
    add_local_webhook(capsys, monkeypatch, "backend", receiver.url)
    created = cli(capsys, "keys", "create", "--tenant", TENANT)
    keys = KeyStore(local_env.KEYS_PATH)
    assert keys.find(created["id"]).destinations  # a tenant-wide destination takes the new key's uplinks too
    cli(capsys, "destinations", "remove", "backend", "--tenant", TENANT)
    assert not any(c.destinations for c in keys.list())
    assert cli(capsys, "destinations", "list", "--tenant", TENANT) == []


def test_a_key_forwarding_to_tagoio_is_listed_as_a_tagoio_destination(stack, capsys, monkeypatch):
    from dataclasses import replace

    keys = KeyStore(local_env.KEYS_PATH)
    config = keys.list()[0]
    tagoio = {"region": "", "api_url": "https://api.us-e1.tago.io", "network_token_param": "/inlet/local/tagoio/n",
              "authorization": "at" + "ab" * 16}  # fmt: skip
    keys.put(replace(config, sink="both", tagoio=tagoio), overwrite=True)
    [row] = cli(capsys, "destinations", "list", "--tenant", TENANT)
    assert (row["name"], row["kind"], row["keys"]) == (f"tagoio-key-{config.id}", "tagoio", [config.id])
    assert "authorization" not in row["settings"]


def test_test_sends_one_sample_and_prints_the_answer(stack, receiver, capsys, monkeypatch):
    add_local_webhook(capsys, monkeypatch, "backend", receiver.url)
    answer = cli(capsys, "destinations", "test", "backend", "--tenant", TENANT)
    assert answer["status"] == "delivered" and answer["response"].startswith("HTTP 200")
    assert json.loads(receiver.requests[0].body)["type"] == "test"
    assert main(["destinations", "test", "nope", "--tenant", TENANT, "--local"]) == 1
