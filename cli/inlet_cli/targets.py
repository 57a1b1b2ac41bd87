"""Where a command acts: the local stack (``--local``), a deployed stack (``--stack NAME``) or names from the env.

Whatever the source, ``AWS_ENDPOINT_URL`` and the usual AWS variables are honoured by boto3 itself; only the local
stack brings its own endpoint and dummy credentials (its emulator accepts any).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from inlet.adapters.connectors import ConnectorStore
from inlet.adapters.devices import DeviceStore
from inlet.adapters.keys import KeyStore
from inlet.adapters.records import RecordStore
from inlet.adapters.request_log import RequestLogStore

from inlet_cli import settings
from inlet_cli.errors import CliError
from inlet_cli.local import env as local_env

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=10)
_LOCAL_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ENV_NAMES = {
    "keys_path": "KEYS_PATH",
    "devices_table": "DEVICES_TABLE",
    "records_table": "RECORDS_TABLE",
    "dedup_table": "DEDUP_TABLE",
    "connectors_table": "CONNECTORS_TABLE",
    "network_token_path": "NETWORK_TOKEN_PATH",
    "delivery_queue_url": "DELIVERY_QUEUE_URL",
    "dead_letter_queue_url": "DEAD_LETTER_QUEUE_URL",
    "destinations_path": "DESTINATIONS_PATH",
    "destinations_queue_url": "DESTINATIONS_QUEUE_URL",
    "destinations_dlq_url": "DESTINATIONS_DLQ_URL",
    "event_bus": "EVENT_BUS_NAME",
    "lake_database": "LAKE_DATABASE",
    "lake_workgroup": "LAKE_WORKGROUP",
    "lake_bucket": "LAKE_BUCKET",
}
STACK_OUTPUTS = {
    "keys_path": "KeysPath",
    "devices_table": "DevicesTableName",
    "records_table": "RecordsTableName",
    "dedup_table": "DedupTableName",
    "connectors_table": "ConnectorsTableName",
    "uplink_url": "UplinkEndpoint",
    "network_token_path": "NetworkTokenPath",
    "delivery_queue_url": "DeliveryQueueUrl",
    "dead_letter_queue_url": "DeliveryDLQUrl",
    "destinations_path": "DestinationsPath",
    "destinations_queue_url": "DestinationsQueueUrl",
    "destinations_dlq_url": "DestinationsDLQUrl",
    "event_bus": "EventBusName",
    "lake_database": "LakeDatabaseName",
    "lake_workgroup": "LakeWorkGroupName",
    "lake_bucket": "LakeBucketName",
    "uplink_function": "UplinkFunctionName",
    "deliver_function": "DeliverFunctionName",
    "edge_origin_secret_arn": "EdgeOriginSecretArn",
    "alarm_topic_arn": "AlarmTopicArn",
    "metrics_namespace": "MetricsNamespace",
}


@dataclass(frozen=True)
class Target:
    source: str  # "--local", "--stack NAME" or "the environment": named in error messages
    keys_path: str = ""
    devices_table: str = ""
    records_table: str = ""
    dedup_table: str = ""
    connectors_table: str = ""  # versions of JavaScript connectors (`inlet connectors`)
    network_token_path: str = ""  # where the functions read TagoIO network tokens (NETWORK_TOKEN_PATH)
    uplink_url: str = ""
    delivery_queue_url: str = ""  # TagoIO deliveries and their dead-letter queue (`inlet replay`)
    dead_letter_queue_url: str = ""
    destinations_path: str = ""  # `inlet destinations`: one SecureString per destination, its queue and DLQ
    destinations_queue_url: str = ""
    destinations_dlq_url: str = ""
    event_bus: str = ""  # the stack's own event bus (eventbridge destinations' default)
    lake_database: str = ""  # the data lake (template parameter DataLake): Glue database, Athena workgroup, bucket
    lake_workgroup: str = ""
    lake_bucket: str = ""
    uplink_function: str = ""  # the deployed functions (`inlet check`); the local stack has none
    deliver_function: str = ""
    edge_origin_secret_arn: str = ""  # with the edge front: the secret CloudFront sends (`inlet edge rotate`)
    alarm_topic_arn: str = ""  # with AlarmEmail: what the per-destination alarms notify
    metrics_namespace: str = ""  # the functions' metrics (the per-destination alarms watch them)
    stack_name: str = ""  # names the per-destination alarms
    endpoint_url: str | None = None
    region: str | None = None
    local: bool = False

    def require(self, name: str) -> str:
        value = getattr(self, name)
        if value:
            return value
        if name in ENV_NAMES and self.source == "the environment":
            raise CliError(
                f"{ENV_NAMES[name]} is not set: pass --local or --stack NAME, set INLET_TARGET (local, stack:NAME), "
                f"`inlet config set target ...`, or set {ENV_NAMES[name]}"
            )
        if name in STACK_OUTPUTS and self.source.startswith("stack"):
            raise CliError(f"{self.source} has no output {STACK_OUTPUTS[name]}")
        raise CliError(f"{self.source} does not name the {name.replace('_', ' ')}")

    def client(self, service: str):
        session = boto3.session.Session(region_name=self.region, **(_LOCAL_CREDENTIALS if self.local else {}))
        return session.client(service, endpoint_url=self.endpoint_url or None, config=_CONFIG)

    def key_store(self) -> KeyStore:
        return KeyStore(self.require("keys_path"), ssm=self.client("ssm"))

    def device_store(self) -> DeviceStore:
        return DeviceStore(self.require("devices_table"), dynamodb=self.client("dynamodb"))

    def record_store(self) -> RecordStore:
        return RecordStore(self.require("records_table"), dynamodb=self.client("dynamodb"))

    def request_log_store(self) -> RequestLogStore:
        return RequestLogStore(self.require("records_table"), dynamodb=self.client("dynamodb"))

    def connector_store(self) -> ConnectorStore:
        return ConnectorStore(self.require("connectors_table"), dynamodb=self.client("dynamodb"))


def resolve(local: bool = False, stack: str | None = None) -> Target:
    """``--local`` or ``--stack NAME``; without either, the configured target (``settings``: INLET_TARGET, the
    profile, the config file), else the environment's table names, else the local stack when one runs here."""
    if local:
        return from_local_state()
    if stack:
        return from_stack(stack)
    kind, name = settings.parse_target(settings.setting("target").value or "env")
    if kind == "local":
        return from_local_state()
    if kind == "stack":
        return from_stack(name or "")
    return Target("the environment", **{name: os.environ.get(env, "") for name, env in ENV_NAMES.items()})


def from_local_state() -> Target:
    path = local_env.state_dir() / local_env.STATE_FILE
    try:
        state = json.loads(path.read_text())
    except FileNotFoundError:
        raise CliError(f"no local stack: {path} not found; start one with `inlet local run` (or `make run`)") from None
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from None
    pid = state.get("pid")
    if state.get("emulator") == "moto" and pid and not settings.process_alive(int(pid)):
        raise CliError(f"the local stack (pid {pid}) is no longer running: start it with `inlet local run`")
    known = {f.name for f in fields(Target)} - {"source", "local"}
    # the local stack creates every table of the template under local.env's names, named in local.json or not
    state.setdefault("connectors_table", local_env.TABLES["ConnectorsTable"])
    return Target("--local", local=True, **{k: v for k, v in state.items() if k in known})


def from_stack(name: str) -> Target:
    cloudformation = boto3.session.Session().client("cloudformation", config=_CONFIG)
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ValidationError":
            raise CliError(f"stack {name!r} not found in {cloudformation.meta.region_name}") from None
        raise
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    values = {field: outputs.get(output, "") for field, output in STACK_OUTPUTS.items()}
    return Target(f"stack {name!r}", region=cloudformation.meta.region_name, stack_name=name, **values)
