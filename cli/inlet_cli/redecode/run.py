"""One re-decoding run: device by device, page by page, each record decoded, compared and (unless a dry run)
written back on its item, the writes paced and the place saved after every page."""

from __future__ import annotations

from collections import Counter

from inlet.adapters.aws import SDK_ERRORS, error_code

from inlet_cli.local.env import now_iso
from inlet_cli.redecode.sources import decoded_pages, device_connector
from inlet_cli.redecode.stored import decoded_view, item_with, redecoded

MAX_ITEM_BYTES = 400 * 1024
EXAMPLES = 3


class Run:
    def __init__(self, target, tenant: str, connector, span: tuple[str, str], checkpoint, pacer, redelivery=None):
        from inlet_cli.commands.decode import script_engine

        self.target, self.tenant, self.connector, self.span = target, tenant, connector, span
        self.checkpoint, self.pacer = checkpoint, pacer  # pacer None: a dry run
        self.redelivery = redelivery  # --deliver: the records written are sent to the destinations (deliver.py)
        self.stamp = checkpoint.started or now_iso()  # the run's redecoded_at, kept by a resumed run
        self.engine = script_engine()
        self.counts: Counter = Counter()
        self.skipped: list[dict] = []  # devices not re-decoded, and why
        self.examples: list[dict] = []  # the first records whose decoding changed
        self._dynamodb = target.client("dynamodb")
        self._table = target.require("records_table")

    def device(self, serial: str, advanced) -> None:
        device = self.target.device_store().get(self.tenant, serial)
        connector = self.connector or device_connector(self.target, device)
        if connector is None:
            why = "no such device" if device is None else f"its connector {device.connector} does not decode"
            self.skipped.append({"serial": serial, "reason": f"{why}: give --connector"})
            return
        after = self.checkpoint.after(serial) if self.pacer else ""
        for page in decoded_pages(self.target, self.tenant, serial, device, connector, self.span, after, self.engine):
            for item, uplink, decoding in page:
                self.record(item, uplink, redecoded(uplink, decoding, self.stamp))
            if self.redelivery:
                self.redelivery.flush()
            if self.pacer:
                self.checkpoint.wrote(serial, page[-1][0]["sk"]["S"])
            advanced(len(page))
        if self.pacer:
            self.checkpoint.finished(serial)
        self.counts["devices"] += 1

    def record(self, item: dict, before: dict, after: dict) -> None:
        self.counts["records"] += 1
        old, new = decoded_view(before), decoded_view(after)
        changed = old != new or before.get("normalized") != after.get("normalized")
        self.counts["changed" if changed else "unchanged"] += 1
        was_failed, is_failed = (
            isinstance(old, dict) and "decode_failed" in old,
            "decode_failed" in (after.get("flags") or []),
        )
        self.counts["fixed"] += was_failed and not is_failed
        self.counts["now_failed"] += is_failed and not was_failed
        if changed and len(self.examples) < EXAMPLES:
            self.examples.append({"id": after["id"], "serial": after["serial"], "before": old, "after": new})
        if self.pacer is not None:
            self.write(item, after)

    def write(self, item: dict, record: dict) -> None:
        new_item = item_with(item, record)
        size = sum(len(k) + len(v.get("B") or v.get("S") or v.get("N") or b"") for k, v in new_item.items())
        if size > MAX_ITEM_BYTES:
            self.counts["too_large"] += 1
            return
        self.pacer.take(-(-size // 1024))
        try:
            self._dynamodb.put_item(TableName=self._table, Item=new_item, ConditionExpression="attribute_exists(sk)")
        except SDK_ERRORS as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            self.counts["gone"] += 1  # expired and deleted while the run went: not written again
            return
        self.counts["written"] += 1
        if self.redelivery:
            self.redelivery.add(new_item, record)
