"""The uplink use case: authenticate, validate, deduplicate, resolve devices, store, answer."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from inlet.adapters.dedup import Claim, DedupStore
from inlet.core.edge_origin import require_edge_origin
from inlet.core.ingest_item import IngestItem
from inlet.core.keys import KeyConfig
from inlet.core.mapping import FieldMap
from inlet.core.records import new_group, request_fingerprint
from inlet.core.request import HttpRequest, authorization_key, check_size, item_query, parse_items
from inlet.core.retry_keys import retry_group, retry_key_time
from inlet.core.uplink import Uplink
from inlet.errors import BadRequest, InletError
from inlet.service.dependencies import Dependencies, DeviceDirectory, Outcome, Sink
from inlet.service.store_uplinks import store_uplinks

if TYPE_CHECKING:
    from inlet.service.request_log import RequestTrace

__all__ = ["Dependencies", "DeviceDirectory", "Outcome", "Sink", "ingest"]


def ingest(
    request: HttpRequest, deps: Dependencies, now_ms: int | None = None, trace: RequestTrace | None = None
) -> Outcome:
    """``trace``: filled in for the request log (the key, the mapped items, the records), when given."""
    settings = deps.settings
    require_edge_origin(request.headers, deps.edge_origin_values())
    key = authorization_key(request)
    check_size(request, settings.max_body_bytes)
    config = deps.keys.authenticate(key)
    if trace is not None:
        trace.authenticated(config)
    sent_items = parse_items(request, settings.max_items)
    query = item_query(request)
    mapping = config.field_map()
    items = [IngestItem.of(index, sent, query, mapping) for index, sent in enumerate(sent_items)]
    if trace is not None:
        trace.uplinks = [item.uplink for item in items]
    _require_serials([item.uplink for item in items if item.message.is_uplink])

    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    key_time = _retry_key_time(deps, config, mapping, items)
    if key_time:  # one uplink: its record's own conditional write deduplicates retries (one write in all)
        group = retry_group(request_fingerprint(config.key_hash, query, request.body))
        return store_uplinks(items, config, deps, group, now_ms, key_time=key_time, trace=trace)
    claim = _claim(deps, config, request, query, now_ms)
    if claim and claim.replay:
        return Outcome(200, claim.replay, replayed=True, key_id=config.id, tenant=config.tenant)
    group, received_ms = (claim.group, claim.received_ms) if claim else (new_group(), now_ms)
    with _settled(claim, deps.dedup) as settle:
        outcome = store_uplinks(items, config, deps, group, received_ms, trace=trace)
        settle(outcome.body)
    return outcome


@contextmanager
def _settled(claim: Claim | None, dedup: DedupStore) -> Iterator[Callable[[dict], None]]:
    """Whatever happens after the claim, it ends settled: completed with the answer, released after a 4xx (never
    replayed), or failed after anything else (a 503, a bug, an interrupt), so that the sender's retry resumes at
    once instead of meeting 409s until the lease runs out."""
    answer: list[dict] = []
    try:
        yield answer.append
    except InletError as error:
        if claim and error.status < 500:
            dedup.release(claim)
        elif claim:
            dedup.fail(claim)
        raise
    except BaseException:
        if claim:
            dedup.fail(claim)
        raise
    if claim and answer:
        dedup.complete(claim, answer[0])


def _require_serials(uplinks: list[Uplink]) -> None:
    missing = [u.index for u in uplinks if not u.serial]
    if not missing:
        return
    if len(uplinks) == 1:
        raise BadRequest("Missing serial", indexes=missing)
    shown = ", ".join(map(str, missing[:20])) + (", ..." if len(missing) > 20 else "")
    raise BadRequest(f"Missing serial at items {shown}; nothing was stored", indexes=missing)


def _retry_key_time(
    deps: Dependencies, config: KeyConfig, mapping: FieldMap | None, items: list[IngestItem]
) -> str | None:
    """The record key's time when the request needs no claim (``core.retry_keys``): deduplication on, and the
    records table the key's only sink (a claim also guards the deliveries to TagoIO)."""
    if deps.dedup.window <= 0 or deps.sinks(config) != [deps.records]:
        return None
    return retry_key_time(items, time_mapped=mapping is not None and mapping.time is not None)


def _claim(deps: Dependencies, config: KeyConfig, request: HttpRequest, query: dict, now_ms: int) -> Claim | None:
    if deps.dedup.window <= 0:
        return None
    fingerprint = request_fingerprint(config.key_hash, query, request.body)
    return deps.dedup.claim(fingerprint, new_group(), now_ms)
