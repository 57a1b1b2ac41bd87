"""``inlet local run --with-tagoio``: the local stack also forwards a demo key's uplinks to a local TagoIO.

``start_tagoio_forwarding`` starts the local TagoIO (its demo devices are the events' serials), creates the delivery
queues in the emulator, stores a network token in SSM under the local network-token path (``prepare_stack`` gives
the functions that path, as the template does), creates a TagoIO-sink demo key (written to a 0600 file, never
printed) and starts the in-process poller that stands in for the worker's SQS trigger. Call it after
``local.prepare_stack`` and before the first request (it sets the function's environment).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import boto3
from inlet.adapters.keys import KeyStore
from inlet.core.keys import generate_key, is_well_formed
from inlet.core.tagoio_settings import tagoio_settings

from inlet_cli.local import env as local_env
from inlet_cli.local.deliver import Poller, create_delivery_queues, load_deliver_handler
from inlet_cli.local_tagoio.server import LocalTagoIO

NETWORK_TOKEN_PARAM = f"{local_env.NETWORK_TOKEN_PATH}/local-network"
TAGOIO_KEY_FILE = "tagoio-demo-key"


@dataclass
class LocalForwarding:
    tagoio: LocalTagoIO
    poller: Poller
    queue_url: str
    dead_letter_queue_url: str
    key_file: Path

    def state(self) -> dict[str, str]:
        """Entries for the local state file (the CLI's --local finds the queues there, e.g. `inlet replay`)."""
        return {
            "delivery_queue_url": self.queue_url,
            "dead_letter_queue_url": self.dead_letter_queue_url,
            "tagoio_url": self.tagoio.url,
            "tagoio_key_file": str(self.key_file),
        }

    def describe(self) -> list[str]:
        return [
            f"  local TagoIO at {self.tagoio.url} (devices {', '.join(local_env.DEMO_DEVICES)})",
            f"  TagoIO demo key in {self.key_file} (sink tagoio; its uplinks are forwarded there)",
            f"  see them: curl -s '{self.tagoio.url}/_admin/data?serial=AA-BB-01'",
        ]

    def stop(self) -> None:
        self.poller.stop()
        self.tagoio.stop()


def start_tagoio_forwarding(keys: KeyStore, directory: Path, port: int = 0) -> LocalForwarding:
    tagoio = LocalTagoIO(port=port).start()
    sqs = boto3.client("sqs")
    queue_url, dlq_url = create_delivery_queues(sqs)
    os.environ.update(DELIVERY_QUEUE_URL=queue_url, DEAD_LETTER_QUEUE_URL=dlq_url)
    boto3.client("ssm").put_parameter(
        Name=NETWORK_TOKEN_PARAM, Value=tagoio.state.add_network_token(), Type="SecureString", Overwrite=True
    )
    authorization = "at" + secrets.token_hex(16)
    for serial in local_env.DEMO_DEVICES:
        tagoio.state.add_device(authorization, serial)
    key = _kept_key(directory / TAGOIO_KEY_FILE)
    # the local TagoIO starts empty on every run (new URL, token and authorization): the key keeps its value (the
    # stack's data is kept) and gets this run's settings, instead of one more key per run
    settings = tagoio_settings(NETWORK_TOKEN_PARAM, authorization, api_url=tagoio.url)
    local_env.put_key(keys, key, local_env.EVENTS_TENANT, name="local TagoIO demo key", sink="tagoio", tagoio=settings)
    key_file = directory / TAGOIO_KEY_FILE
    _write_private(key_file, key + "\n")
    poller = Poller(sqs, queue_url, load_deliver_handler())
    poller.start()
    return LocalForwarding(tagoio, poller, queue_url, dlq_url, key_file)


def _kept_key(path: Path) -> str:
    """The TagoIO demo key of the previous run, else a new one."""
    try:
        kept = path.read_text().strip()
    except OSError:
        kept = ""
    return kept if is_well_formed(kept) else generate_key()


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
