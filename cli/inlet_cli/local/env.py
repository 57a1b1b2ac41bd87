"""The local stack's resource names and the demo data seeded into it (and into the tests' moto)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from inlet.adapters.devices import Device, DeviceStore
from inlet.adapters.keys import KeyStore
from inlet.core.keys import KeyConfig, key_hash

STAGE = "local"
REGION = "us-east-1"
TABLES = {
    "DevicesTable": "inlet-local-devices",
    "RecordsTable": "inlet-local-records",
    "DedupTable": "inlet-local-dedup",
    "ConnectorsTable": "inlet-local-connectors",
}
KEYS_PATH = f"/inlet/{STAGE}/keys"
NETWORK_TOKEN_PATH = f"/inlet/{STAGE}/tagoio"  # as template.yaml: /inlet/<stage>/tagoio, beside the keys
DESTINATIONS_PATH = f"/inlet/{STAGE}/destinations"  # as template.yaml: one SecureString per destination
EVENT_BUS = f"inlet-{STAGE}"  # the stack's own event bus (eventbridge destinations' default)

# Keys used by the sample events in events/: local-only, public by design, never valid on a deployed stack
# (a deployed stack only knows the keys created there with `inlet keys create`).
EVENTS_TENANT = "demo"
EVENTS_KEY = "at0123456789abcdef0123456789abcdef"
EVENTS_MAPPED_KEY = "atfedcba9876543210fedcba9876543210"
EVENTS_MAPPING = "serial=devaddr;payload=payload_raw;port=fport"
DEMO_DEVICES = ("70B3D57ED0000001", "70B3D57ED0000002", "A84041000181C2F1", "AA-BB-01", "AA-BB-02")

# Where `inlet local run` leaves what the CLI's --local needs (endpoint, names) and the demo key it generated.
STATE_DIR_ENV = "INLET_STATE_DIR"
STATE_FILE = "local.json"
DEMO_KEY_FILE = "demo-key"


def state_dir() -> Path:
    """``$INLET_STATE_DIR`` or ``.inlet`` in the working directory (the tests point it at a temporary folder)."""
    return Path(os.environ.get(STATE_DIR_ENV) or ".inlet")


def function_environment(**overrides: str) -> dict[str, str]:
    """The environment the uplink function gets from template.yaml, with the local names."""
    env = {
        "KEYS_PATH": KEYS_PATH,
        "DEVICES_TABLE": TABLES["DevicesTable"],
        "RECORDS_TABLE": TABLES["RecordsTable"],
        "DEDUP_TABLE": TABLES["DedupTable"],
        "CONNECTORS_TABLE": TABLES["ConnectorsTable"],
        "NETWORK_TOKEN_PATH": NETWORK_TOKEN_PATH,
        "DEDUP_WINDOW_SECONDS": "600",
        "POWERTOOLS_SERVICE_NAME": "inlet",
        "POWERTOOLS_METRICS_NAMESPACE": "Inlet",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "AWS_DEFAULT_REGION": REGION,
    }
    env.update(overrides)
    return env


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def put_key(keys: KeyStore, key: str, tenant: str, **settings: str) -> KeyConfig:
    config = KeyConfig(tenant=tenant, key_hash=key_hash(key), created_at=now_iso(), **settings)
    keys.put(config, overwrite=True)
    return config


def seed_events_data(keys: KeyStore, devices: DeviceStore) -> None:
    """What the files in events/ expect: the demo tenant, its two keys and its devices."""
    put_key(keys, EVENTS_KEY, EVENTS_TENANT, name="events demo key")
    put_key(keys, EVENTS_MAPPED_KEY, EVENTS_TENANT, name="events mapped key", mapping=EVENTS_MAPPING)
    for serial in DEMO_DEVICES:
        devices.add(Device(EVENTS_TENANT, serial, name=f"demo {serial}", created_at=now_iso()))
