"""One HTTP POST to a webhook receiver, on a connection to the pinned address, and what its answer means.

No redirects are followed (a 3xx is refused: the destination must name the final URL), the whole exchange is
bounded by the destination's timeout, and the receiver's answer is read to at most ``MAX_ANSWER_BYTES``.
"""

from __future__ import annotations

import urllib3

from inlet.destinations.kind import DELIVERED, REFUSED, RETRY, Answer
from inlet.destinations.webhook.addresses import Forbidden, Target

MAX_ANSWER_BYTES = 4096
RETRIED_STATUSES = (408, 429)  # the 4xx that may succeed later; every 5xx is retried too


def post(target: Target, headers: dict[str, str], body: bytes, timeout: float, pool_for) -> Answer:
    host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    pool = pool_for(target)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            retries=False,
            timeout=urllib3.Timeout(connect=min(timeout, 5.0), read=timeout),
            preload_content=False,
            assert_same_host=False,
        )
        try:
            text = response.read(MAX_ANSWER_BYTES, decode_content=False).decode("utf-8", "replace")
        finally:
            response.release_conn()
    except urllib3.exceptions.TimeoutError:
        return Answer(RETRY, f"webhook_timeout: no answer within {timeout:g} s")
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return Answer(RETRY, f"webhook_unreachable: {type(exc).__name__}")
    return judge(response.status, response.headers.get("Retry-After"), text)


def judge(status: int, retry_after: str | None, text: str) -> Answer:
    shown = f"HTTP {status} {text[:200]}".strip()
    if 200 <= status < 300:
        return Answer(DELIVERED, response=shown)
    wait = int(retry_after) if (retry_after or "").strip().isdigit() else None
    if status in RETRIED_STATUSES or status >= 500:
        return Answer(RETRY, f"webhook_{status}", retry_after=wait, response=shown)
    if 300 <= status < 400:
        return Answer(REFUSED, f"webhook_{status}: redirects are not followed; give the final URL", response=shown)
    return Answer(REFUSED, f"webhook_{status}: {text[:200]}".strip(), response=shown)


def forbidden(error: Forbidden) -> Answer:
    return Answer(REFUSED, f"webhook_forbidden_address: {error}")


def pool_for(target: Target, ca_certs: str | None = None):
    """A connection pool to the pinned address; TLS verifies the certificate against the URL's host name."""
    if target.scheme == "http":
        return urllib3.HTTPConnectionPool(target.address, target.port, maxsize=1)
    return urllib3.HTTPSConnectionPool(
        target.address,
        target.port,
        maxsize=1,
        cert_reqs="CERT_REQUIRED",
        ca_certs=ca_certs or _ca_bundle(),
        server_hostname=target.host,
        assert_hostname=target.host,
    )


def _ca_bundle() -> str | None:
    try:
        import certifi
    except ImportError:  # the system's default store
        return None
    return certifi.where()
