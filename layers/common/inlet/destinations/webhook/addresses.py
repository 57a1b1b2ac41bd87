"""Where a webhook may connect: no SSRF into the VPC, the metadata service or the function's own host.

The URL's host is resolved once; every address it resolves to must be public (``ipaddress``'s ``is_global``:
not private, loopback, link-local, shared, reserved, multicast or unspecified, IPv4-mapped forms included), and the
connection goes to that pinned address (the TLS name and Host header stay the URL's host), so a DNS answer that
changes between the check and the connection (rebinding) cannot move it. On the local stack (``deployed`` False)
``http://`` and loopback receivers are allowed, and nothing else is relaxed.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class Forbidden(ValueError):
    """A URL a webhook must never reach (refused at ``add`` and again at every delivery)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as in the URL: TLS server name and Host header
    address: str  # the pinned IP to connect to
    port: int
    path: str  # path and query


def check_url(url: str, deployed: bool) -> None:
    """The checks that need no DNS (``add`` runs them; ``resolve`` runs them again before connecting)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Forbidden("the URL must be https://host/...")
    if parts.username or parts.password:
        raise Forbidden("credentials in the URL are not allowed: use --header Authorization:...")
    if parts.scheme == "http" and (deployed or parts.hostname not in LOCAL_HOSTS):
        raise Forbidden("only https:// URLs (http:// only to a loopback receiver on the local stack)")
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise Forbidden(f"bad port in the URL: {exc}") from None


def resolve(url: str, deployed: bool, getaddrinfo=None) -> Target:
    check_url(url, deployed)
    getaddrinfo = getaddrinfo or socket.getaddrinfo
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        answers = getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise LookupError(f"cannot resolve {parts.hostname}: {exc}") from None
    addresses = [answer[4][0] for answer in answers]
    if not addresses:
        raise LookupError(f"cannot resolve {parts.hostname}")
    for address in addresses:
        if not allowed(address, deployed):
            raise Forbidden(f"{parts.hostname} resolves to {address}, a private or reserved address")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, addresses[0], port, path)


def allowed(address: str, deployed: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if not deployed and ip.is_loopback:
        return True
    return ip.is_global and not ip.is_multicast
