"""POST /uplink: wiring only. Powertools logs and metrics around one call to the ingest use case."""

from __future__ import annotations

import gc

# Importing Powertools, boto3 and the package creates ~30,000 long-lived containers, enough to set off ~80 cyclic
# collections (measured) that walk the young modules again and again. Nothing imported is garbage: the collector
# waits until the imports are done, and then leaves what they made out of every later collection (gc.freeze), or
# its first collection would walk all 30,000 at once. (The first invocation's setup runs under paused_gc too.)
gc.disable()
try:
    from aws_lambda_powertools import Logger, Metrics
    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.metrics import MetricUnit
    from inlet.errors import InletError
    from inlet.service.answers import error_answer, http_answer, unexpected_answer
    from inlet.service.events import request_from_event
    from inlet.service.ingest import Outcome, ingest
    from inlet.service.request_log import Logged, RequestTrace, log_request
    from inlet.service.runtime import paused_gc, within_time_limit
    from inlet.service.wiring import dependencies
finally:
    gc.freeze()
    gc.enable()

logger = Logger()  # never logs the event: its query string may hold the key
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, log_event=False)
def handler(event: dict, context: object) -> dict:
    trace = RequestTrace()
    with within_time_limit(context):
        answer = _answer(event, trace)
        # after the answer is decided, with the invocation's time budget: a log write never changes the answer
        if trace.logging and log_request(trace, answer, dependencies().request_log) is Logged.FAILED:
            metrics.add_metric(name="RequestLogFailures", unit=MetricUnit.Count, value=1)
    return answer


def _answer(event: dict, trace: RequestTrace) -> dict:
    try:
        with paused_gc():
            trace.request = request_from_event(event)
            outcome = ingest(trace.request, dependencies(), trace=trace)
    except InletError as error:
        logger.info("uplink refused", status=error.status, reason=error.message)
        metrics.add_metric(name=f"Refused{error.status}", unit=MetricUnit.Count, value=1)
        return error_answer(error)
    except Exception:
        logger.exception("uplink failed unexpectedly")
        metrics.add_metric(name="Unexpected", unit=MetricUnit.Count, value=1)
        return unexpected_answer()
    _record(outcome)
    return http_answer(outcome.status, outcome.body, {"x-inlet-replayed": "true"} if outcome.replayed else None)


def _record(outcome: Outcome) -> None:
    logger.info(
        "uplink stored" if not outcome.replayed else "uplink replayed",
        key_id=outcome.key_id,
        tenant=outcome.tenant,
        accepted=outcome.body["accepted"],
        rejected=outcome.body["rejected"],
    )
    if outcome.replayed:
        metrics.add_metric(name="Replayed", unit=MetricUnit.Count, value=1)
        return
    metrics.add_metric(name="Accepted", unit=MetricUnit.Count, value=outcome.body["accepted"])
    for reason, count in outcome.rejected_by_reason.items():
        metrics.add_metric(name=f"Rejected_{reason}", unit=MetricUnit.Count, value=count)
    for kind, count in outcome.ignored_by_type.items():
        metrics.add_metric(name=f"Ignored_{kind}", unit=MetricUnit.Count, value=count)
    deps = dependencies()
    metrics.add_metric(name="KeyCacheHits", unit=MetricUnit.Count, value=deps.keys.take_cache_hits())
    metrics.add_metric(name="DeviceCacheHits", unit=MetricUnit.Count, value=deps.devices.take_cache_hits())
