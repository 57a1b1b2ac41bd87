"""SQS -> TagoIO: wiring only. Delivers a batch of queued deliveries and reports the ones to try again.

The event source mapping must have ``FunctionResponseTypes: [ReportBatchItemFailures]``. Tokens never reach the
logs: outcomes name the key by its public id, the device by its serial, the request by its group.
"""

from __future__ import annotations

import gc

gc.disable()  # as in the uplink function: the imports' long-lived objects are no garbage, never worth collecting
try:
    from aws_lambda_powertools import Logger, Metrics
    from aws_lambda_powertools.metrics import MetricUnit
    from inlet.destinations.tagoio.worker import Report, deliver_batch
    from inlet.destinations.tagoio.worker_wiring import delivery_dependencies
finally:
    gc.freeze()
    gc.enable()

logger = Logger()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)  # no keys carried over between batches
def handler(event: dict, context: object) -> dict:
    report = deliver_batch(event.get("Records") or [], delivery_dependencies())
    _record(report)
    return report.response()


def _record(report: Report) -> None:
    counts: dict[str, int] = {}
    for message, outcome in report.settled:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        delivery = outcome.delivery
        logger.info(
            f"delivery {outcome.status}",
            message_id=message.id,
            receive_count=message.receive_count,
            key_id=delivery.key_hash[:16] if delivery else None,
            serial=delivery.serial if delivery else None,
            group=delivery.group if delivery else None,
            records=len(delivery.records) if delivery else None,
            reason=outcome.reason or None,
            retry_in=outcome.delay or None,
        )
        if outcome.reason.startswith("tagoio_unconfirmed"):
            metrics.add_metric(name="Delivery_unconfirmed", unit=MetricUnit.Count, value=1)
        if outcome.group_check:
            _group_check(outcome.group_check, delivery)
    for status, count in counts.items():
        metrics.add_metric(name=f"Delivery_{status}", unit=MetricUnit.Count, value=count)


def _group_check(verdict: str, delivery) -> None:
    """A device whose payload parser replaces Inlet's group: its duplicate check cannot work (README, Forwarding)."""
    if verdict == "regroups":
        logger.warning("tagoio device regroups", key_id=delivery.key_hash[:16], serial=delivery.serial)
    else:
        logger.info("tagoio device keeps groups", key_id=delivery.key_hash[:16], serial=delivery.serial)
    metrics.add_metric(name=f"TagoDevice_{verdict}", unit=MetricUnit.Count, value=1)
