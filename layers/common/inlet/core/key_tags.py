"""Key tags: a forged key is refused without asking SSM.

A key keeps TagoIO's shape (``at`` + 32 hex characters), but its last 12 hex characters are a tag: the first 48 bits
of HMAC-SHA256(stack secret, the rest of the key). Only a holder of the stack's tag secret can make a key whose tag
verifies, so a flood of made-up keys is refused with one HMAC each, not one SSM call each. A random key passes the
tag check once in 2**48 tries; it is then still looked up in SSM and refused there. The other 80 bits are random.

The tag secret is not what authenticates a key (SSM still holds every key's hash): a leaked secret only lets forged
keys reach SSM again. Keys issued before the secret existed carry no tag; their ids are listed next to the secret so
that they keep working until they are re-issued.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

TAG_HEX = 12  # 48 bits of tag, 80 bits of randomness in the 32 hex characters of a key
SECRET_BYTES = 32
KEY_ID_HEX = 16  # a key's public id: the first 16 hex characters of its SHA-256 (KeyConfig.id)
PARAMETER_LIMIT = 4096  # characters of a standard SSM parameter: the secret and every untagged key id must fit
TAG_SECRET_LEAF = "key-tag-secret"


def tag_secret_name(keys_path: str) -> str:
    """Where the stack's tag secret lives: beside the keys path (``/inlet/dev/keys`` -> ``/inlet/dev/key-tag-secret``),
    outside it, so that listing the keys never meets it."""
    parent = keys_path.rstrip("/").rsplit("/", 1)[0]
    return f"{parent}/{TAG_SECRET_LEAF}"


def key_tag(secret: bytes, body: str) -> str:
    return hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()[:TAG_HEX]


def tagged_key(secret: bytes) -> str:
    body = "at" + secrets.token_hex((32 - TAG_HEX) // 2)
    return body + key_tag(secret, body)


@dataclass(frozen=True)
class KeyGate:
    """The stack's tag secret and the ids of the untagged keys it still admits (``None``: every untagged key, when
    there were too many to list)."""

    secret: bytes
    untagged: frozenset[str] | None = frozenset()

    def admits(self, key: str, hashed: str) -> bool:
        """Whether a well-formed key may be looked up: its tag verifies, or it was issued before the secret."""
        body, tag = key[:-TAG_HEX], key[-TAG_HEX:]
        if hmac.compare_digest(key_tag(self.secret, body), tag):
            return True
        return self.untagged is None or hashed[:KEY_ID_HEX] in self.untagged

    def to_value(self) -> str:
        untagged = "*" if self.untagged is None else sorted(self.untagged)
        return json.dumps({"secret": self.secret.hex(), "untagged": untagged}, separators=(",", ":"))

    @classmethod
    def from_value(cls, value: str) -> KeyGate:
        """Parse the parameter's value; ``ValueError`` when it is not one this code wrote."""
        data = json.loads(value)
        if not isinstance(data, dict):
            raise ValueError("key tag secret must be a JSON object")
        secret = bytes.fromhex(data["secret"])
        if len(secret) < 16:
            raise ValueError("key tag secret is too short")
        untagged = data.get("untagged", [])
        if untagged == "*":
            return cls(secret, None)
        if not isinstance(untagged, list) or not all(isinstance(i, str) for i in untagged):
            raise ValueError("untagged must be a list of key ids or '*'")
        return cls(secret, frozenset(untagged))


def new_gate(existing_key_ids: Iterable[str]) -> KeyGate:
    """A fresh secret that keeps the existing keys working; if their ids do not fit in one parameter, every untagged
    key stays admitted (each costs an SSM lookup, as before tags) until the operator re-issues them."""
    gate = KeyGate(secrets.token_bytes(SECRET_BYTES), frozenset(existing_key_ids))
    if len(gate.to_value()) > PARAMETER_LIMIT:
        return KeyGate(gate.secret, None)
    return gate
