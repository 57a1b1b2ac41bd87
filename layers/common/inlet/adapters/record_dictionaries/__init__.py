"""The zstd dictionaries stored records are compressed with, by id (``records-<id>.zdict`` beside this file).

A dictionary is never changed or removed once released: a new one gets the next id and becomes ``CURRENT`` for
new items, and every item keeps naming the dictionary it was written with, so old items stay readable. The files
are made by ``python -m bench.dictionary train`` (see that script for what they are trained on).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

CURRENT = 1  # the dictionary new items are written with


class UnknownDictionary(LookupError):
    """An item names a dictionary this version of the package does not ship (written by a newer version)."""


def dictionary_path(dict_id: int) -> Path:
    return Path(__file__).with_name(f"records-{dict_id}.zdict")


@cache
def load(dict_id: int):
    """The dictionary ``dict_id`` (read and prepared once per process, on first use: not at import time)."""
    import zstandard

    path = dictionary_path(dict_id)
    if not path.is_file():
        raise UnknownDictionary(f"stored records name zstd dictionary {dict_id}, which this package does not ship")
    return zstandard.ZstdCompressionDict(path.read_bytes(), dict_type=zstandard.DICT_TYPE_FULLDICT)
