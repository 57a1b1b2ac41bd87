"""The lake's table schema, version 1: the one place its columns are named and typed.

The Glue table in template.yaml (which Firehose converts JSON to Parquet with), the local Parquet writer (DuckDB)
and the documentation (docs/lake.md) all follow this list; a test holds the template to it.

Evolution rules (so that old partitions keep working): a new version only *adds* columns, at the end; a column is
never renamed, retyped or reused. Athena reads Parquet columns by name, and the local engine reads the files with
``union_by_name``: a file written before a column existed reads that column as NULL. Each row says which version
wrote it (``schema_version``).
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    glue: str  # the Glue / Hive type (Athena, Firehose's conversion)
    duckdb: str  # the same type in DuckDB (the local writer and engine)
    about: str


COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "VARCHAR", "the record's id (group-index), as in the Records table and the receipt"),
    Column("serial", "string", "VARCHAR", "the device's serial"),
    Column("time", "timestamp", "TIMESTAMP", "when the device sent it (the network server's time), UTC"),
    Column("received_at", "timestamp", "TIMESTAMP", "when Inlet received it (server time), UTC"),
    Column("port", "int", "INTEGER", "the LoRaWAN FPort (or the port sent)"),
    Column("payload", "string", "VARCHAR", "the raw payload, hex"),
    Column("network", "string", "VARCHAR", "the network server's format (tts_v3, chirpstack_v4, generic...)"),
    Column("rssi", "double", "DOUBLE", "the best reception's RSSI, dBm"),
    Column("snr", "double", "DOUBLE", "that same reception's SNR, dB"),
    Column("gateways", "array<string>", "VARCHAR[]", "the ids of the gateways that received it"),
    Column("frame_counter", "bigint", "BIGINT", "the uplink frame counter (FCnt, or the network's sequence number)"),
    Column("key_id", "string", "VARCHAR", "the public id of the key that sent it (`inlet keys list`)"),
    Column("decoded", "map<string,double>", "MAP(VARCHAR, DOUBLE)", "the decoded numeric values by name"),
    Column("decoded_json", "string", "VARCHAR", "the decoded values as the decoder returned them, JSON text"),
    Column("decoder", "string", "VARCHAR", "who decoded it: NAME@VERSION, network:FORMAT or fields (docs/lake.md)"),
    Column("decode_failed", "boolean", "BOOLEAN", "true when the decoder failed (the payload is kept)"),
    Column("decode_error", "string", "VARCHAR", "why the decode failed (its errors, joined by '; ')"),
    Column("flags", "array<string>", "VARCHAR[]", "the record's flags (decode_failed, payload_not_hex...)"),
    Column("latitude", "double", "DOUBLE", "the uplink's location, when it has one"),
    Column("longitude", "double", "DOUBLE", "the uplink's location, when it has one"),
    Column("event", "string", "VARCHAR", "device events only: the event's type (status, location, join...)"),
    Column("event_json", "string", "VARCHAR", "device events only: the event's fields, flattened, JSON text"),
    Column("schema_version", "int", "INTEGER", "the version of this schema that wrote the row"),
)
# Partition columns: in the path (tenant=T/day=D/), not in the files.
PARTITIONS: tuple[Column, ...] = (
    Column("tenant", "string", "VARCHAR", "the tenant (partition)"),
    Column("day", "string", "VARCHAR", "the UTC day of received_at, YYYY-MM-DD (partition)"),
)
# The two tables: uplinks, and device events in the same columns under their own prefix.
TABLES = {"uplinks": "uplinks", "device_events": "device_events"}  # table name -> its S3 / local prefix
