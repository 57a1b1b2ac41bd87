"""Where a re-decoding got to, so that the same command run again goes on from there (``.inlet/redecode/``).

A checkpoint is named by what the command was asked (tenant, devices, connector, --since and --until as typed) and
keeps the times those resolved to at the first run, when the first run started (the run's ``redecoded_at``: a
resumed run marks and delivers its records as the same run), the devices finished and the last record written of the
device under way. It is saved after every page written and deleted when the run ends.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from inlet_cli.local import env as local_env

KEPT = ("since", "until", "done", "serial", "after_sk", "started")


@dataclass
class Checkpoint:
    since: str
    until: str
    done: list[str] = field(default_factory=list)  # serials finished
    serial: str = ""  # the device under way
    after_sk: str = ""  # its last record written
    started: str = ""  # when the first run of this command started
    path: Path | None = None

    @classmethod
    def load_or_new(cls, asked: dict, since: str, until: str, restart: bool = False, now: str = "") -> Checkpoint:
        name = hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()[:16]
        path = local_env.state_dir() / "redecode" / f"{name}.json"
        if path.exists() and not restart:
            saved = json.loads(path.read_text())
            return cls(**{k: v for k, v in saved.items() if k in KEPT}, path=path)
        return cls(since, until, started=now, path=path)

    @property
    def resumed(self) -> bool:
        return bool(self.done or self.after_sk)

    def after(self, serial: str) -> str:
        return self.after_sk if serial == self.serial else ""

    def wrote(self, serial: str, sk: str) -> None:
        self.serial, self.after_sk = serial, sk
        self._save()

    def finished(self, serial: str) -> None:
        self.done.append(serial)
        self.serial, self.after_sk = "", ""
        self._save()

    def close(self) -> None:
        if self.path and self.path.exists():
            self.path.unlink()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        state = {k: v for k, v in asdict(self).items() if k != "path"}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state))
        temporary.replace(self.path)
