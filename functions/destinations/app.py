"""The destinations' two functions, wiring only (one code package, two handlers):

- ``fan_out``: Records table stream -> one Destinations queue message per (record, destination);
- ``deliver``: Destinations queue -> each destination's kind; partial batch response for the ones to retry.

The event source mappings must report batch item failures. Secrets never reach the logs: outcomes name the tenant,
the destination and the delivery id only.
"""

from __future__ import annotations

import os
import time

from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from inlet.destinations.figures import DIMENSION, FAILED_METRIC, per_destination
from inlet.destinations.wiring import delivery_dependencies, fan_out_dependencies
from inlet.service.destination_delivery import deliver_destinations
from inlet.service.fan_out import fan_out as fan_out_records

logger = Logger()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def fan_out(event: dict, context: object) -> dict:
    queued = fan_out_records(event.get("Records") or [], fan_out_dependencies())
    metrics.add_metric(name="Destination_queued", unit=MetricUnit.Count, value=sum(queued.values()))
    return {"batchItemFailures": []}


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def deliver(event: dict, context: object) -> dict:
    settled = deliver_destinations(event.get("Records") or [], delivery_dependencies())
    _count_by_kind(settled)
    _count_by_destination(settled)
    failed = []
    for item in settled:
        logger.info(
            f"destination {item.answer.status}",
            tenant=item.tenant,
            destination=item.destination,
            message_id=item.message.id,
            attempt=item.message.attempt,
            reason=item.answer.reason or None,
            retry_in=item.delay or None,
        )
        metrics.add_metric(name=f"Destination_{item.answer.status}", unit=MetricUnit.Count, value=1)
        if item.answer.status == "retry":
            failed.append({"itemIdentifier": item.message.id})
    return {"batchItemFailures": failed}


def _count_by_kind(settled) -> None:
    """``DestinationDelivered`` / ``DestinationFailed`` per kind (dimensions service, kind): the per-kind alarms.
    ``single_metric`` prints at once, whatever POWERTOOLS_METRICS_DISABLED says: honoured here (the local stack)."""
    if os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() == "true":
        return
    counts: dict[tuple[str, str], int] = {}
    for item in settled:
        name = "DestinationDelivered" if item.answer.status == "delivered" else "DestinationFailed"
        counts[(item.kind or "unknown", name)] = counts.get((item.kind or "unknown", name), 0) + 1
    for (kind, name), value in counts.items():
        with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=metrics.namespace) as metric:
            metric.add_dimension(name="service", value="inlet")
            metric.add_dimension(name="kind", value=kind)


def _count_by_destination(settled) -> None:
    """One EMF line per destination of the batch (dimensions service, destination=<tenant>/<name>): deliveries,
    failures, dead letters and the oldest uplink still waiting; each destination is a few custom metrics (cost in
    docs/destinations.md), the ones ``inlet destinations add`` alarms on."""
    if os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() == "true":
        return
    for destination, figures in per_destination(settled, time.time()).items():
        emf = EphemeralMetrics(namespace=metrics.namespace, service="inlet")
        emf.add_dimension(name=DIMENSION, value=destination)
        emf.add_metric(name="DestinationDelivered", unit=MetricUnit.Count, value=figures.delivered)
        emf.add_metric(name=FAILED_METRIC, unit=MetricUnit.Count, value=figures.failed)
        emf.add_metric(name="DestinationDeadLettered", unit=MetricUnit.Count, value=figures.dead_lettered)
        if figures.oldest_undelivered_s is not None:
            age = round(figures.oldest_undelivered_s, 3)
            emf.add_metric(name="DestinationOldestUndeliveredAge", unit=MetricUnit.Seconds, value=age)
        emf.flush_metrics()
