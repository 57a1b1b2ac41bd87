"""One delivery attempt: find the key's TagoIO settings, claim the part, the device token, check for a stored copy,
post.

The outcome says what the queue must do with the message: nothing more (delivered, or already stored), show it again
after ``delay`` seconds (429, 5xx, timeouts, AWS trouble, another worker holding the part), or keep it in the
dead-letter queue (refused for good, or ``tagoio_unconfirmed``: possibly stored on a device whose groups cannot say).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from inlet.destinations.tagoio.api import TagoApi, TagoRejected, TagoThrottled, TagoUnavailable
from inlet.destinations.tagoio.claims import KEEPS, UNCONFIRMED
from inlet.destinations.tagoio.delivery import SENTINEL_VARIABLE, Delivery, backoff_seconds, is_stored
from inlet.destinations.tagoio.group_checks import current_verdict, device_verdict, remember_probe
from inlet.destinations.tagoio.run import Run
from inlet.errors import ServiceUnavailable

DELIVERED, ALREADY_STORED, RETRY, REFUSED = "delivered", "already_stored", "retry", "refused"
NOT_CONFIRMED = (
    "tagoio_unconfirmed: an earlier post's answer was lost and this device's payload parser does not keep Inlet's "
    "group (or no post of it was confirmed yet): TagoIO may have stored it. Check the device's data; "
    "`inlet replay run` posts it"
)


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str = ""
    delay: int = 0  # seconds before the message may be tried again (RETRY only)
    delivery: Delivery | None = None
    group_check: str = ""  # the device's verdict (keeps / regroups) when this attempt reached it


class Throttle:
    """TagoIO's rate limit is per profile and route: after a 429, hold the profile's other deliveries of the batch."""

    def __init__(self, clock=time.monotonic) -> None:
        self._until: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def hold(self, scope: tuple[str, str], seconds: int) -> None:
        with self._lock:
            self._until[scope] = max(self._until.get(scope, 0.0), self._clock() + seconds)

    def remaining(self, scope: tuple[str, str]) -> int:
        with self._lock:
            return max(0, round(self._until.get(scope, 0.0) - self._clock()))


def attempt(body: str, receive_count: int, deps, throttle: Throttle, replayed: bool = False) -> Outcome:
    try:
        delivery = Delivery.from_body(body)
    except ValueError as exc:
        return Outcome(REFUSED, str(exc))
    try:
        return _deliver(delivery, deps, throttle, replayed)
    except TagoUnavailable as down:
        return Outcome(
            RETRY, f"tagoio_unavailable: {down.cause}", _backoff(deps, receive_count, down.ambiguous), delivery
        )
    except TagoRejected as refused:
        return Outcome(REFUSED, f"tagoio_{refused.status}: {refused.message}", delivery=delivery)
    except ServiceUnavailable as error:
        return Outcome(RETRY, error.message, _backoff(deps, receive_count, False), delivery)


def _deliver(delivery: Delivery, deps, throttle: Throttle, replayed: bool) -> Outcome:
    config = deps.keys.config_for_hash(delivery.key_hash)
    settings = (config.tagoio if config else None) or {}
    if not settings.get("api_url"):
        return Outcome(REFUSED, "key_not_found" if config is None else "key_has_no_tagoio_settings", delivery=delivery)
    api, authorization = deps.api(settings["api_url"]), settings["authorization"]
    scope = (api.base_url, authorization)
    if held := throttle.remaining(scope):
        return Outcome(RETRY, "tagoio_429: held after another delivery's 429", held, delivery)
    run = Run(deps.claims, delivery)
    if busy := run.begin():
        status, reason, delay = busy
        return Outcome(ALREADY_STORED if status == "done" else RETRY, reason, delay, delivery)

    def token() -> str | None:
        return deps.tokens.get(
            api, lambda: deps.network_tokens.get(settings["network_token_param"]), authorization, delivery.serial
        )

    try:
        outcome = _with_current_token(api, deps, authorization, delivery.serial, token, run, replayed)
    except TagoThrottled as throttled:
        throttle.hold(scope, throttled.retry_after)
        outcome = Outcome(RETRY, "tagoio_429", throttled.retry_after, delivery)
    except BaseException:
        run.end()
        raise
    run.end(done=outcome.status in (DELIVERED, ALREADY_STORED), unconfirmed=outcome.reason == NOT_CONFIRMED)
    return outcome


def _with_current_token(api: TagoApi, deps, authorization: str, serial: str, token, run, replayed) -> Outcome:
    try:
        return _check_and_post(api, token(), run, replayed)
    except TagoRejected as refused:
        if refused.status not in (401, 403):
            raise
        stale = token()  # the cached token was refused: the device's token may have changed in TagoIO
        deps.tokens.forget(api, authorization, serial)
        fresh = token()
        if fresh == stale:
            raise
        return _check_and_post(api, fresh, run, replayed)


def _check_and_post(api: TagoApi, token: str | None, run: Run, replayed: bool) -> Outcome:
    """Post the part unless TagoIO already has it (an earlier attempt's answer lost, a duplicate, a replay)."""
    delivery = run.delivery
    if token is None:
        return Outcome(REFUSED, "device_not_found: TagoIO has no device with this serial", delivery=delivery)
    verdict, reached, state = device_verdict(run.claims, api, token, delivery) if run.claims else (KEEPS, False, {})
    note = verdict if reached else ""
    if run.maybe_stored:
        if is_stored(delivery, _look_up(api, token, delivery)):
            return Outcome(ALREADY_STORED, delivery=delivery, group_check=note)
        if run.claims and verdict == KEEPS:
            verdict = current_verdict(run.claims, api, token, delivery, state)  # not older than the last post
            if isinstance(verdict, int):
                return Outcome(
                    RETRY, "tagoio_settling: the device's last post may not be stored yet", verdict, delivery
                )
        if verdict != KEEPS and not (replayed and run.previous == UNCONFIRMED):
            return Outcome(REFUSED, NOT_CONFIRMED, delivery=delivery, group_check=note)
    run.post(lambda: api.post_data(token, delivery.post_body()))
    if run.claims:
        remember_probe(run.claims, delivery, state)
    return Outcome(DELIVERED, delivery=delivery, group_check=note)


def _look_up(api: TagoApi, token: str, delivery: Delivery) -> list[dict]:
    if delivery.parts == 1:
        return api.find_data(token, group=delivery.group, qty=1)
    return api.find_data(token, group=delivery.group, variable=SENTINEL_VARIABLE, qty=delivery.parts)


def _backoff(deps, receive_count: int, ambiguous: bool) -> int:
    return backoff_seconds(receive_count, ambiguous, deps.settings.max_backoff_seconds, deps.jitter())
