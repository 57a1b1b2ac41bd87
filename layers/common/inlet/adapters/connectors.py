"""Connector versions in DynamoDB (HASH ``name``, RANGE ``version``): immutable, numbered 1, 2, ...

A version never changes once written, so a warm container keeps what it read; "the latest version" of a name is
re-read after ``latest_ttl`` seconds, so a device that follows its connector's latest version picks up a new one
within that time. Because warm containers keep versions by number, a number is never used twice: removing versions
(``inlet connectors remove``) records the highest removed in the name's item of version 0, which is no version, and
the next ``add`` numbers past it.
"""

from __future__ import annotations

import time

from inlet.adapters.aws import SDK_ERRORS, LazyClient, error_code
from inlet.core.decoding.references import Connector, ConnectorRef
from inlet.core.ttlcache import TtlCache

MAX_SOURCE_BYTES = 350 * 1024  # DynamoDB's item limit is 400 KB
NO_VERSION = 0  # the item that records a name's removed versions


class ConnectorExists(Exception):
    """Another writer took this version number first (retried by ``add``)."""


class ConnectorStore:
    dynamodb = LazyClient("dynamodb")

    def __init__(self, table: str, latest_ttl: int = 60, dynamodb=None, clock=time.monotonic) -> None:
        self._table = table
        self._dynamodb = dynamodb
        self._versions: dict[tuple[str, int], Connector] = {}
        self._latest = TtlCache(latest_ttl, latest_ttl, clock)

    def get(self, ref: ConnectorRef) -> Connector | None:
        """The version ``ref`` names (its latest when it names none); ``None`` when there is no such connector."""
        if ref.version is None:
            hit, version = self._latest.lookup(ref.name)
            if not hit:
                latest = self._query_latest(ref.name)
                version = latest.version if latest else None
                if latest:
                    self._remember(latest)
                self._latest.store(ref.name, version)
            return self._versions.get((ref.name, version)) if version else None
        key = (ref.name, ref.version)
        if key not in self._versions:
            answer = self.dynamodb.get_item(
                TableName=self._table, Key={"name": {"S": ref.name}, "version": {"N": str(ref.version)}}
            )
            if "Item" not in answer:
                return None
            self._remember(_from_item(answer["Item"]))
        return self._versions[key]

    def _remember(self, connector: Connector) -> None:
        if len(self._versions) > 1000:  # bounded: a warm container sees few connectors
            self._versions.clear()
        self._versions[(connector.name, connector.version)] = connector

    def _query_latest(self, name: str) -> Connector | None:
        answer = self.dynamodb.query(
            TableName=self._table,
            KeyConditionExpression="#n = :n AND version > :none",
            ExpressionAttributeNames={"#n": "name"},
            ExpressionAttributeValues={":n": {"S": name}, ":none": {"N": str(NO_VERSION)}},
            ScanIndexForward=False,
            Limit=1,
        )
        items = answer.get("Items") or []
        return _from_item(items[0]) if items else None

    # Administration (CLI).
    def add(self, name: str, kind: str, source: str, created_at: str, typescript: str = "") -> Connector:
        """Store a new version (the latest + 1); the versions before it stay as they are. ``typescript``: the script
        as added when ``source`` is the JavaScript it was transpiled to (both are kept)."""
        size = len(source.encode()) + len(typescript.encode())
        if size > MAX_SOURCE_BYTES:
            raise ValueError(f"the script is {size} bytes, the limit is {MAX_SOURCE_BYTES}")
        for _ in range(5):
            latest = self._query_latest(name)
            version = max(latest.version if latest else 0, self._highest_removed(name)) + 1
            connector = Connector(name, version, kind, source, created_at, typescript)
            try:
                self.dynamodb.put_item(
                    TableName=self._table, Item=_to_item(connector), ConditionExpression="attribute_not_exists(version)"
                )
                return connector
            except SDK_ERRORS as exc:
                if error_code(exc) != "ConditionalCheckFailedException":
                    raise
        raise ConnectorExists(f"could not store a new version of {name}: other versions are being added")

    def remove(self, name: str, versions: list[int]) -> None:
        """Delete these versions (administration: the caller has checked that no device names them); their numbers
        stay taken (the module's docstring says why)."""
        highest = max([self._highest_removed(name), *versions])
        marker = {"name": {"S": name}, "version": {"N": str(NO_VERSION)}, "removed_up_to": {"N": str(highest)}}
        self.dynamodb.put_item(TableName=self._table, Item=marker)
        for version in versions:
            self.dynamodb.delete_item(TableName=self._table, Key={"name": {"S": name}, "version": {"N": str(version)}})

    def _highest_removed(self, name: str) -> int:
        answer = self.dynamodb.get_item(
            TableName=self._table, Key={"name": {"S": name}, "version": {"N": str(NO_VERSION)}}, ConsistentRead=True
        )
        return int(answer.get("Item", {}).get("removed_up_to", {}).get("N", 0))

    def versions(self, name: str) -> list[Connector]:
        pages = self.dynamodb.get_paginator("query").paginate(
            TableName=self._table,
            KeyConditionExpression="#n = :n AND version > :none",
            ExpressionAttributeNames={"#n": "name"},
            ExpressionAttributeValues={":n": {"S": name}, ":none": {"N": str(NO_VERSION)}},
        )
        return [_from_item(item) for page in pages for item in page["Items"]]

    def latest_of_each(self) -> list[Connector]:
        latest: dict[str, Connector] = {}
        for page in self.dynamodb.get_paginator("scan").paginate(TableName=self._table):
            for item in page["Items"]:
                if int(item["version"]["N"]) == NO_VERSION:
                    continue  # the record of removed versions
                connector = _from_item(item)
                if connector.version > getattr(latest.get(connector.name), "version", 0):
                    latest[connector.name] = connector
        return sorted(latest.values(), key=lambda c: c.name)


def _to_item(connector: Connector) -> dict:
    item = {
        "name": {"S": connector.name},
        "version": {"N": str(connector.version)},
        "kind": {"S": connector.kind},
        "source": {"S": connector.source},
        "created_at": {"S": connector.created_at},
    }
    if connector.typescript:
        item["typescript"] = {"S": connector.typescript}
    return item


def _from_item(item: dict) -> Connector:
    return Connector(
        item["name"]["S"],
        int(item["version"]["N"]),
        item["kind"]["S"],
        item["source"]["S"],
        item.get("created_at", {}).get("S", ""),
        item.get("typescript", {}).get("S", ""),
    )
