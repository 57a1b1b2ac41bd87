"""Standard Webhooks signatures (https://www.standardwebhooks.com/, spec/standard-webhooks.md, "Signature scheme").

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; the signature is ``v1,`` + base64 of its
HMAC-SHA256 under the secret's key (the base64 after ``whsec_``). During a rotation the request carries one
signature per valid secret, space-separated, so a receiver holding either secret verifies it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
KEY_BYTES = 32  # the spec allows 24 to 64 bytes


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    key = base64.b64decode(secret[len(PREFIX) :])
    content = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def headers(secrets_newest_first: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    signatures = " ".join(sign(secret, message_id, timestamp, body) for secret in secrets_newest_first)
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": signatures}
