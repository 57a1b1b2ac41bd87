"""Proof that a request came through the edge front (EdgeProtection=Enabled: CloudFront + WAF).

HTTP APIs can carry neither a web ACL nor a resource policy, so CloudFront adds a secret header to every request it
forwards, and a request without it (sent to the API's own URL, around the web ACL's rate limit) is refused first,
before any AWS call. Without the edge front the secret is empty and nothing is checked.
"""

from __future__ import annotations

import hmac

from inlet.errors import InletError

ORIGIN_HEADER = "x-inlet-origin"


class NotThroughEdge(InletError):
    status = 403

    def __init__(self) -> None:
        super().__init__("Forbidden: send uplinks to the endpoint's published URL")


def require_edge_origin(headers: dict[str, str], secret: str) -> None:
    """``headers`` with lower-case names, as ``HttpRequest`` holds them."""
    if secret and not hmac.compare_digest(headers.get(ORIGIN_HEADER, "").encode(), secret.encode()):
        raise NotThroughEdge()
