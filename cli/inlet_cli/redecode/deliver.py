"""``inlet records redecode --deliver``: the re-decoded uplinks sent on to the tenant's destinations, as the fan-out
queues new ones (``inlet.service.fan_out.deliveries``: the same matching, body and message), marked ``redecoded``.

Every delivery of one run carries the run's own delivery id (``redecoded_at``: when the run started, kept in its
checkpoint), new to the receiver, so its idempotency does not drop it as the uplink it already has. A page's
deliveries are queued after its records are written and before the checkpoint moves past it: a run stopped and run
again queues a page at most twice, with the same ids (the receiver keeps one), and never a page it had finished.
"""

from __future__ import annotations

from datetime import UTC, datetime

from inlet.adapters.deliveries import DeliveryQueue
from inlet.adapters.record_items import DELIVER
from inlet.destinations.health import Health, hour_of
from inlet.service.fan_out import deliveries

NO_KEY = "-"  # a record written before the key id was kept: destinations limited to some keys do not take it


class Redelivery:
    def __init__(self, target, tenant: str, redecoded_at: str) -> None:
        from inlet_cli.commands.destinations import stores

        self.tenant, self.redecoded_at = tenant, redecoded_at
        self._destinations = stores(target)[1]
        self._queue = DeliveryQueue(target.require("destinations_queue_url"), sqs=target.client("sqs"))
        self._health = Health(target.dedup_table, dynamodb=target.client("dynamodb")) if target.dedup_table else None
        self._pending: list[tuple[str, str]] = []
        self.queued = 0

    def add(self, item: dict, record: dict) -> None:
        """A record written with its new decoding (``item``: as written) is delivered with the page."""
        key_id = item.get(DELIVER, {}).get("S") or record.get("key_id") or NO_KEY
        for _, name, message in deliveries(item, key_id, self._destinations, self.redecoded_at):
            self._pending.append((name, message))

    def flush(self) -> None:
        """Queue the page's deliveries (returns once SQS holds them all) and count them in each one's health."""
        if not self._pending:
            return
        self._queue.send([message for _, message in self._pending])
        self.queued += len(self._pending)
        if self._health:
            hour = hour_of(datetime.now(UTC).timestamp())
            for name in {name for name, _ in self._pending}:
                count = sum(1 for n, _ in self._pending if n == name)
                self._health.count(self.tenant, name, hour, queued=count)
        self._pending = []
