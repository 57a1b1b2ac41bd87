"""Forged keys cost no SSM call: the key tag secret is read once per container, with the first key looked up.

Counted on the handler's own SSM client (botocore ``before-call`` events), through the real handler under moto.
"""

from __future__ import annotations

import pytest
from inlet.adapters.aws import client
from inlet.adapters.keys import KeyStore
from inlet.core.key_tags import tag_secret_name
from inlet.core.keys import generate_key
from inlet_cli.local import env as local_env

from tests.helpers import http_event, invoke, restart_container

pytestmark = pytest.mark.integration

ONE = {"serial": "AA-BB-01", "payload": "01", "port": 1}
FLOOD = 300


class SsmCalls:
    """Counts the SSM operations the handler makes (by name) from the moment it is installed."""

    def __init__(self) -> None:
        self.names: list[str] = []
        client("ssm").meta.events.register("before-call.ssm", self._count)

    def _count(self, model, **_) -> None:
        self.names.append(model.name)


def _admin_store() -> KeyStore:
    """What `inlet keys create` uses: its own client, no cache shared with the function."""
    import boto3

    return KeyStore(local_env.KEYS_PATH, ssm=boto3.client("ssm", region_name=local_env.REGION))


def _issue(store: KeyStore, tenant: str = local_env.EVENTS_TENANT) -> str:
    key = store.new_key()
    local_env.put_key(store, key, tenant, name="issued by the CLI")
    return key


def _flood(count: int = FLOOD) -> list[int]:
    return [invoke(http_event({**ONE, "n": i}, key=generate_key()))[0] for i in range(count)]


def test_distinct_forged_keys_cost_no_ssm_call_on_a_warm_container(seeded):
    # Given a stack whose keys are tagged, and a container that has served one request
    key = _issue(_admin_store())
    assert invoke(http_event(ONE, key=key))[0] == 200
    calls = SsmCalls()
    # When 300 requests arrive with 300 distinct well-formed keys nobody issued
    statuses = _flood()
    # Then every one is refused, and SSM was not asked once
    assert set(statuses) == {401}
    assert calls.names == []


def test_a_cold_container_reads_the_secret_and_its_first_key_in_one_call(seeded):
    _issue(_admin_store())
    restart_container()
    calls = SsmCalls()
    statuses = _flood()
    assert set(statuses) == {401}
    assert calls.names == ["GetParameters"]  # the first forged key's lookup brought the secret along


def test_keys_issued_before_the_secret_keep_working_and_new_ones_are_tagged(seeded):
    # Given the demo keys (seeded untagged), when the first `inlet keys create` makes the secret
    store = _admin_store()
    new = _issue(store)
    restart_container()
    # Then the old keys and the new one are accepted; a key put untagged afterwards is not
    assert invoke(http_event(ONE))[0] == 200
    assert invoke(http_event({"devaddr": "AA-BB-01", "payload_raw": "01"}, key=local_env.EVENTS_MAPPED_KEY))[0] == 200
    assert invoke(http_event({**ONE, "n": 2}, key=new))[0] == 200
    late = generate_key()
    local_env.put_key(store, late, local_env.EVENTS_TENANT)
    assert invoke(http_event({**ONE, "n": 3}, key=late))[0] == 401


def test_a_revoked_tagged_key_is_still_refused(seeded):
    from dataclasses import replace

    from inlet.core.keys import key_hash

    store = _admin_store()
    key = _issue(store)
    config = store.config_for_hash(key_hash(key))
    store.put(replace(config, revoked_at=local_env.now_iso()), overwrite=True)
    assert invoke(http_event(ONE, key=key))[0] == 401


def test_without_a_secret_every_well_formed_key_is_looked_up_as_before(seeded):
    # A stack upgraded but never given a secret (no `inlet keys create` since): nothing breaks, nothing is saved
    invoke(http_event(ONE))
    calls = SsmCalls()
    statuses = _flood(20)
    assert set(statuses) == {401} and len(calls.names) == 20


def test_a_secret_created_while_a_container_runs_does_not_refuse_the_keys_it_issues(seeded):
    assert invoke(http_event(ONE))[0] == 200  # the container now knows "no secret yet"
    key = _issue(_admin_store())
    assert invoke(http_event({**ONE, "n": 2}, key=key))[0] == 200


def test_a_malformed_secret_is_a_503_and_is_not_remembered(seeded, moto_aws):
    name = tag_secret_name(local_env.KEYS_PATH)
    moto_aws["ssm"].put_parameter(Name=name, Value="{not json", Type="SecureString")
    status, body, headers = invoke(http_event(ONE))
    assert (status, body["message"]) == (503, "Key store unavailable, retry later") and headers["retry-after"]
    moto_aws["ssm"].delete_parameter(Name=name)
    assert invoke(http_event({**ONE, "n": 2}))[0] == 200


def test_two_first_key_creations_share_one_secret(seeded, moto_aws):
    # Given another `inlet keys create` that writes the secret between our read and our write
    other, ours = _admin_store(), _admin_store()
    winner: dict[str, str] = {}

    def the_other_one_wins(params, **_):
        if params.get("Name") == tag_secret_name(local_env.KEYS_PATH) and not winner:
            winner["key"] = _issue(other)

    ours.ssm.meta.events.register("before-parameter-build.ssm.PutParameter", the_other_one_wins)
    # When ours finishes, Then both keys are tagged with the same secret: both work
    key = _issue(ours)
    assert invoke(http_event(ONE, key=key))[0] == 200
    assert invoke(http_event({**ONE, "n": 2}, key=winner["key"]))[0] == 200


def test_inlet_keys_create_issues_a_tagged_key_that_works_beside_the_old_ones(seeded, capsys):
    import json

    from inlet.core.key_tags import KeyGate
    from inlet.core.keys import key_hash
    from inlet_cli.main import main

    # Given a stack whose keys predate tags, When `inlet keys create` runs for the first time
    assert main(["keys", "create", "--tenant", local_env.EVENTS_TENANT, "--json"]) == 0
    key = json.loads(capsys.readouterr().out)["key"]
    # Then the key is tagged with the secret it created, and the keys that existed are listed in it
    value = _admin_store().ssm.get_parameter(Name=tag_secret_name(local_env.KEYS_PATH), WithDecryption=True)
    gate = KeyGate.from_value(value["Parameter"]["Value"])
    assert gate.admits(key, key_hash(key)) and key_hash(key)[:16] not in gate.untagged
    assert key_hash(local_env.EVENTS_KEY)[:16] in gate.untagged
    restart_container()
    assert invoke(http_event(ONE, key=key))[0] == 200
    assert invoke(http_event({**ONE, "n": 2}))[0] == 200
