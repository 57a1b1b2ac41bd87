"""AWS answered inside the process: a botocore ``before-send`` hook on the adapters' own boto3 clients.

Everything up to the wire is real (parameter handling, serialising, SigV4 signing, retries, response parsing); only
the HTTP round trip is replaced by a canned answer. Every call is counted by operation name. With ``inspect`` on,
the written items are also measured (records per BatchWriteItem, DynamoDB item sizes for write units); that parses
the request bodies, so the CPU figures leave it off.

Every key belongs to ``tenant`` unless ``tenants`` names another for its hash; a tenant's devices use the connector
``connectors`` names for it (``generic-sensor`` otherwise), and ``scripts`` holds the stored connector versions.
"""

from __future__ import annotations

import base64
import math
from collections import Counter

import orjson
from botocore.awsrequest import AWSResponse
from inlet.core.decoding.references import Connector
from inlet.core.key_tags import TAG_SECRET_LEAF
from inlet.core.keys import KeyConfig

HOOK_ID = "inlet-bench-fakeaws"
KB = 1024


class _RawBody:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: object):
        yield self._data


def operation_of(request) -> str:
    target = request.headers.get("X-Amz-Target", b"")
    target = target.decode() if isinstance(target, bytes) else target
    return target.rsplit(".", 1)[-1] or f"{request.method} {request.url}"


def item_size(item: dict) -> int:
    """DynamoDB's item size: attribute names plus values (strings and binaries by length, numbers ~ digits)."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        kind, data = next(iter(value.items()))
        if kind == "B":  # bytes from boto3, base64 text in a request body
            size += len(data) if isinstance(data, bytes) else len(base64.b64decode(data))
        else:
            size += len(str(data).encode())
    return size


class FakeAws:
    def __init__(self, tenant: str = "bench", inspect: bool = False) -> None:
        self.tenant = tenant
        self.inspect = inspect
        self.calls: Counter[str] = Counter()
        self.batch_write_sizes: list[int] = []  # records per BatchWriteItem call
        self.write_units: Counter[str] = Counter()  # by operation, from the written item sizes
        self.item_bytes: list[int] = []  # sizes of the record items written
        self.table_write_units: Counter[str] = Counter()  # by table
        self.tenants: dict[str, str] = {}  # key hash -> tenant (others: ``tenant``)
        self.with_destinations: set[str] = set()  # key hashes whose configuration says they have destinations
        self.connectors: dict[str, str] = {}  # tenant -> the connector its devices name
        self.scripts: dict[tuple[str, int], Connector] = {}  # stored connector versions by (name, version)
        self.keep_writes = False  # keep the BatchWriteItem bodies in ``written`` (to check what was stored)
        self.written: list[bytes] = []

    def install(self, *clients) -> FakeAws:
        for client in clients:
            client.meta.events.register("before-send", self.answer, unique_id=HOOK_ID)
        return self

    @staticmethod
    def uninstall(*clients) -> None:
        for client in clients:
            client.meta.events.unregister("before-send", unique_id=HOOK_ID)

    def reset(self) -> None:
        self.calls.clear()
        self.batch_write_sizes.clear()
        self.write_units.clear()
        self.item_bytes.clear()
        self.table_write_units.clear()

    def answer(self, request, **_: object) -> AWSResponse:
        operation = operation_of(request)
        self.calls[operation] += 1
        if self.keep_writes and operation == "BatchWriteItem":
            self.written.append(request.body)
        if self.inspect:
            self._measure(operation, orjson.loads(request.body or b"{}"))
        status, body = self._body(operation, request)
        return AWSResponse(request.url, status, {"x-amzn-requestid": "bench"}, _RawBody(body))

    def _body(self, operation: str, request) -> tuple[int, bytes]:
        if operation == "BatchWriteItem":
            return 200, b'{"UnprocessedItems":{}}'
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            return 200, b"{}"
        if operation == "BatchGetItem":
            return 200, self._devices(orjson.loads(request.body))
        if operation == "GetItem":
            return 200, self._script(orjson.loads(request.body))
        if operation == "GetParameter":
            return 200, self._parameter(orjson.loads(request.body))
        if operation == "GetParameters":
            return 200, self._parameters(orjson.loads(request.body))
        return 400, orjson.dumps({"__type": "UnknownOperationException", "message": f"fake AWS: {operation}"})

    def _devices(self, request: dict) -> bytes:
        """Every requested key exists, as a device with its tenant's connector."""
        responses = {
            table: [{**key, "connector": {"S": self._connector_of(key)}} for key in spec["Keys"]]
            for table, spec in request["RequestItems"].items()
        }
        return orjson.dumps({"Responses": responses, "UnprocessedKeys": {}})

    def _connector_of(self, key: dict) -> str:
        return self.connectors.get(key.get("tenant", {}).get("S", ""), "generic-sensor")

    def _script(self, request: dict) -> bytes:
        """A connector version (the only GetItem of the uplink function)."""
        key = request["Key"]
        connector = self.scripts.get((key["name"]["S"], int(key["version"]["N"])))
        if connector is None:
            return b"{}"
        item = {
            "name": {"S": connector.name},
            "version": {"N": str(connector.version)},
            "kind": {"S": connector.kind},
            "source": {"S": connector.source},
        }
        return orjson.dumps({"Item": item})

    def _parameter(self, request: dict) -> bytes:
        """Every well-formed key exists: its parameter is named by its hash, which the answer echoes."""
        name = request["Name"]
        digest = name.rsplit("/", 1)[-1]
        config = KeyConfig(
            tenant=self.tenants.get(digest, self.tenant), key_hash=digest, name="bench key",
            destinations=digest in self.with_destinations,
        )  # fmt: skip
        parameter = {"Name": name, "Type": "SecureString", "Value": orjson.dumps(config.to_dict()).decode()}
        return orjson.dumps({"Parameter": parameter})

    def _parameters(self, request: dict) -> bytes:
        """A cold container's first read: the key (it exists) and the key tag secret (none: the bench keys are
        untagged, as keys issued before the secret are)."""
        names = request["Names"]
        missing = [name for name in names if name.endswith("/" + TAG_SECRET_LEAF)]
        found = [orjson.loads(self._parameter({"Name": name}))["Parameter"] for name in names if name not in missing]
        return orjson.dumps({"Parameters": found, "InvalidParameters": missing})

    def _measure(self, operation: str, request: dict) -> None:
        if operation == "BatchWriteItem":
            for table, writes in request["RequestItems"].items():
                self.batch_write_sizes.append(len(writes))
                for write in writes:
                    self._count(operation, table, item_size(write["PutRequest"]["Item"]))
        elif operation == "PutItem":
            self._count(operation, request["TableName"], item_size(request["Item"]))
        elif operation == "UpdateItem":
            # The updated item is about its key plus the values set (the dedup claim's other fields are < 100 B).
            values = request.get("ExpressionAttributeValues", {})
            self._count(operation, request["TableName"], item_size(request["Key"]) + item_size(values) + 100)

    def _count(self, operation: str, table: str, size: int) -> None:
        units = math.ceil(size / KB)
        self.write_units[operation] += units
        self.table_write_units[table] += units
        if "record" in table:  # the records table (its name says so in every stage)
            self.item_bytes.append(size)
