"""Proof that a request came through the edge front (EdgeProtection=Enabled: CloudFront + WAF).

HTTP APIs can carry neither a web ACL nor a resource policy, so CloudFront adds a secret header to every request it
forwards, and a request without it (sent to the API's own URL, around the web ACL's rate limit) is refused first,
before any other work (reading the secret is cached per container). Without the edge front nothing is checked.
"""

from __future__ import annotations

import hmac

from inlet.errors import InletError

ORIGIN_HEADER = "x-inlet-origin"


class NotThroughEdge(InletError):
    status = 403

    def __init__(self) -> None:
        super().__init__("Forbidden: send uplinks to the endpoint's published URL")


def require_edge_origin(headers: dict[str, str], secrets: tuple[str, ...]) -> None:
    """``headers`` with lower-case names, as ``HttpRequest`` holds them; ``secrets``: the values accepted (the current
    one, and the previous one during a rotation), each compared in constant time; none: no edge front."""
    if not secrets:
        return
    given = headers.get(ORIGIN_HEADER, "").encode()
    matches = [hmac.compare_digest(given, secret.encode()) for secret in secrets]  # every one: no early exit
    if not any(matches):
        raise NotThroughEdge()
