"""Where a lake's partitions are: the local stack's directory, or the stack's S3 bucket (for the backfill, which
reads the other files of a partition and writes its own file there)."""

from __future__ import annotations

import shutil
from pathlib import Path

from inlet_cli.lake.backfill import BACKFILL_FILE


class LocalPlace:
    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def others(self, prefix: str, scratch: Path) -> list[Path]:
        """The partition's files other than the backfill's (what the live path wrote)."""
        return sorted(p for p in (self.root / prefix).glob("*.parquet") if p.name != BACKFILL_FILE)

    def earlier(self, prefix: str, scratch: Path) -> Path | None:
        path = self.root / prefix / BACKFILL_FILE
        return path if path.exists() else None

    def put(self, prefix: str, written: Path) -> None:
        destination = self.root / prefix / BACKFILL_FILE
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(written, destination)


class S3Place:
    """The bucket's objects ``<prefix>/...``; the others are downloaded to ``scratch`` one partition at a time."""

    def __init__(self, s3, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def describe(self) -> str:
        return f"s3://{self.bucket}"

    def others(self, prefix: str, scratch: Path) -> list[Path]:
        paths = []
        for key in self._keys(prefix):
            if key.rsplit("/", 1)[-1] == BACKFILL_FILE:
                continue
            path = scratch / f"other-{len(paths)}.parquet"
            self.s3.download_file(self.bucket, key, str(path))
            paths.append(path)
        return paths

    def earlier(self, prefix: str, scratch: Path) -> Path | None:
        key = f"{prefix}/{BACKFILL_FILE}"
        if key not in self._keys(prefix):
            return None
        path = scratch / "earlier.parquet"
        self.s3.download_file(self.bucket, key, str(path))
        return path

    def put(self, prefix: str, written: Path) -> None:
        self.s3.upload_file(str(written), self.bucket, f"{prefix}/{BACKFILL_FILE}")

    def _keys(self, prefix: str) -> list[str]:
        keys = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix + "/"):
            keys.extend(o["Key"] for o in page.get("Contents", []))
        return keys
