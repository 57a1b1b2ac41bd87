"""Delivery claims in the dedup table (moto): one live lease per part, a dead worker's part taken over as possibly
stored, a finished part done for every later copy."""

from __future__ import annotations

import boto3
import pytest
from inlet.destinations.tagoio.claims import DONE, LEASE_SECONDS, POSTING, DeliveryClaims
from inlet_cli.local import env as local_env

pytestmark = pytest.mark.integration


@pytest.fixture
def claims(moto_aws):
    now = [1_000_000.0]
    store = DeliveryClaims(local_env.TABLES["DedupTable"], boto3.client("dynamodb", region_name=local_env.REGION),
                           clock=lambda: now[0])  # fmt: skip
    return store, now


def test_only_one_worker_holds_a_part_until_its_lease_runs_out(claims):
    store, now = claims
    assert store.claim("g:AA:0", "a").won and store.claim("g:AA:0", "a").won is False
    busy = store.claim("g:AA:0", "b")
    assert (busy.won, busy.previous, busy.busy_for) == (False, POSTING, LEASE_SECONDS)
    now[0] += LEASE_SECONDS + 1  # worker a died mid-post
    taken = store.claim("g:AA:0", "b")
    assert (taken.won, taken.previous) == (True, POSTING)  # b must treat the part as possibly stored


def test_a_worker_that_lost_its_part_cannot_settle_it_and_a_done_part_stays_done(claims):
    store, now = claims
    store.claim("g:AA:0", "a")
    now[0] += LEASE_SECONDS + 1
    store.claim("g:AA:0", "b")
    store.settle("g:AA:0", "a", DONE)  # a late answer of the dead worker: ignored
    assert store.claim("g:AA:0", "c").previous == POSTING
    store.settle("g:AA:0", "b", DONE)
    now[0] += 10 * LEASE_SECONDS
    later = store.claim("g:AA:0", "d")
    assert (later.won, later.previous) == (False, DONE)


def test_device_items_keep_their_fields_apart_from_the_parts(claims):
    store, _ = claims
    assert store.device("h", "AA") == {}
    store.set_device("h", "AA", probe_group="g1", probe_at=5)
    store.set_device("h", "AA", group_check="keeps")
    state = store.device("h", "AA")
    assert (state["probe_group"], state["probe_at"], state["group_check"]) == ("g1", "5", "keeps")
    assert store.claim("g1:AA:0", "a").previous is None
