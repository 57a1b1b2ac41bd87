"""One item of a request as it travels through ingest: what was sent, what it is (an uplink, or another message of
its network server), what it maps to, how it decoded, and what became of it (accepted with its record, rejected with
the reason, or ignored with the type it was ignored as). Each step reads and fills in the same object, in place of
lists kept side by side and joined by index; the receipt is read from the items at the end. The record itself is
made once, from the built record and the decoding (``records.record_of``), and not changed afterwards."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from inlet.core.decoding.outcome import Decoding
from inlet.core.mapping import FieldMap
from inlet.core.network_servers import Message, classify_message
from inlet.core.records import Rejection, receipt
from inlet.core.uplink import Uplink, map_item


@dataclass(slots=True)
class IngestItem:
    index: int
    sent: dict  # the item as sent
    message: Message  # an uplink, or another message of its network server
    uplink: Uplink  # its mapped fields: serial, payload, port, time, location, the other fields
    decoding: Decoding | None = None  # its decode by its device's connector (None: nothing to decode)
    record: dict | None = None  # its record, made once from the built record and the decoding (records.record_of)
    accepted: bool = False  # its record is stored (or is being stored: the answer waits for the write)
    rejection: Rejection | None = None  # why it was not stored
    ignored_as: str | None = None  # answered `ignored`: the message type, or why an uplink was not stored

    @classmethod
    def of(cls, index: int, sent: dict, query: dict[str, str], mapping: FieldMap | None) -> IngestItem:
        return cls(index, sent, classify_message(sent, query), map_item(index, sent, query, mapping))

    @property
    def serial(self) -> str | None:
        return self.uplink.serial


def receipt_of(items: list[IngestItem], group: str, kept: dict[int, str]) -> dict:
    """The per-item answer (``core.records.receipt``) of what became of each item; ``kept``: index -> the id of the
    device event kept for it."""
    return receipt(
        group,
        [item.uplink for item in items],
        {item.index: item.record["id"] for item in items if item.accepted and item.record},
        {item.index: item.rejection for item in items if item.rejection},
        {item.index: item.ignored_as for item in items if item.ignored_as},
        kept,
    )


def rejected_by_reason(items: list[IngestItem]) -> dict[str, int]:
    return dict(Counter(item.rejection.reason for item in items if item.rejection))


def ignored_by_type(items: list[IngestItem]) -> dict[str, int]:
    return dict(Counter(item.ignored_as for item in items if item.ignored_as))
