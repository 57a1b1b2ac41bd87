"""A delivery as a message of the Destinations queue (versioned JSON), and the item pointer for oversized ones."""

from __future__ import annotations

import orjson

MESSAGE_VERSION = 1
MAX_INLINE_BYTES = 200_000  # SQS takes 256 KiB a message: larger bodies travel as a pointer to the stored item


def to_message(tenant: str, destination: str, delivery_id: str, body: dict, item_key: dict) -> str:
    message = {"v": MESSAGE_VERSION, "tenant": tenant, "destination": destination, "id": delivery_id}
    encoded = orjson.dumps(body)
    if len(encoded) <= MAX_INLINE_BYTES:
        message["body"] = body
    else:
        message["item"] = {"device": item_key["device"]["S"], "sk": item_key["sk"]["S"]}
        if body.get("redecoded_at"):  # the body rebuilt from the item is marked as the inline one is
            message["item"]["redecoded_at"] = body["redecoded_at"]
    return orjson.dumps(message).decode()


def from_message(text: str) -> dict:
    """Raises ``ValueError`` for a message that is not a delivery of this version."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"malformed delivery message: {exc}") from None
    if not isinstance(data, dict) or data.get("v") != MESSAGE_VERSION:
        raise ValueError("unsupported delivery message version")
    if not all(isinstance(data.get(n), str) for n in ("tenant", "destination", "id")):
        raise ValueError("delivery message without tenant, destination or id")
    if not isinstance(data.get("body"), dict) and not isinstance(data.get("item"), dict):
        raise ValueError("delivery message without body")
    return data
