"""The files ``inlet local run`` leaves in the state directory (``$INLET_STATE_DIR`` or ``.inlet``): ``local.json``,
through which the CLI's ``--local`` finds the running stack, and the demo key (mode 0600, never printed).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from inlet.adapters.keys import KeyStore
from inlet.core.keys import generate_key, is_well_formed, key_hash

from inlet_cli.local import env as local_env
from inlet_cli.local.stack import LocalAws


def create_demo_key(keys: KeyStore, directory: Path) -> Path:
    """The demo key of the previous run when the stack still holds it (its data was kept), else a fresh random key
    for tenant demo, written to a 0600 file (never printed)."""
    path = directory / local_env.DEMO_KEY_FILE
    try:
        kept = path.read_text().strip()
    except OSError:
        kept = ""
    config = keys.config_for_hash(key_hash(kept)) if is_well_formed(kept) else None
    if config is not None and not config.revoked_at:
        return path
    key = generate_key()
    local_env.put_key(keys, key, local_env.EVENTS_TENANT, name="local demo key")
    path = directory / local_env.DEMO_KEY_FILE
    write_private(path, key + "\n")
    return path


def write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file would keep its old mode
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def write_state(directory: Path, aws: LocalAws, uplink_url: str, key_file: Path, extra: dict | None = None) -> Path:
    """What ``--local`` needs (see ``targets.from_local_state``); ``extra`` adds entries (e.g. TagoIO queues)."""
    state = {
        "endpoint_url": aws.endpoint_url,
        "region": aws.region,
        "keys_path": local_env.KEYS_PATH,
        "network_token_path": local_env.NETWORK_TOKEN_PATH,
        "devices_table": local_env.TABLES["DevicesTable"],
        "records_table": local_env.TABLES["RecordsTable"],
        "dedup_table": local_env.TABLES["DedupTable"],
        "uplink_url": uplink_url,
        "demo_key_file": str(key_file),
        "emulator": aws.emulator,
        "pid": os.getpid(),
        **(extra or {}),
    }
    path = directory / local_env.STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(json.dumps(state, indent=2) + "\n")
    return path


def remove_state(path: Path) -> None:
    """Forget a stack whose emulator died with this process (unless another run has taken the file over)."""
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass
