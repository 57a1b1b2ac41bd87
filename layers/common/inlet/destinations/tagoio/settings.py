"""The TagoIO part of a key's configuration (``KeyConfig.tagoio``): which API, which network token, which profile.

``{"region": "us-e1" | "eu-w1" | "", "api_url": "https://...", "network_token_param": "/inlet/<stage>/tagoio/<name>",
"authorization": "at..."}``. The network token itself never appears here: only the name of the SSM SecureString that
holds it. An API URL must be https, except on a loopback address (a local TagoIO for tests and ``make run``).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

REGIONS = {"us-e1": "https://api.us-e1.tago.io", "eu-w1": "https://api.eu-w1.tago.io"}
# A TagoIO authorization in any form TagoIO hands out: its API description's own example is "at" + 31 hex digits
# (specs/tagoio-api.yaml, authorization_token: at72fb69a8dc714059b6cebee41693eb0) and tokens made before prefixes
# existed (UUIDs) still work. Only what could not travel safely in the resolve path is refused here; TagoIO refuses
# the rest itself (its answer is then shown per device).
AUTHORIZATION_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
PARAMETER_PATTERN = re.compile(r"^(/[A-Za-z0-9_.\-]+)+$")  # an SSM parameter name (absolute path)
FORWARDING_SINKS = ("tagoio", "both")


def tagoio_settings(network_token_param: str, authorization: str, region: str = "", api_url: str = "") -> dict:
    """Settings for a key that forwards to TagoIO; raises ``ValueError`` naming the first thing that is wrong."""
    if bool(region) == bool(api_url):
        raise ValueError("give exactly one of a TagoIO region (us-e1, eu-w1) or an API URL")
    if region and region not in REGIONS:
        raise ValueError(f"TagoIO region must be one of {', '.join(REGIONS)}")
    settings = {
        "region": region,
        "api_url": REGIONS[region] if region else check_api_url(api_url),
        "network_token_param": network_token_param,
        "authorization": authorization,
    }
    validate_tagoio_settings("tagoio", settings)
    return settings


def validate_tagoio_settings(sink: str, settings: dict, network_token_path: str = "") -> None:
    """Check a key's TagoIO settings against its sink (``network_token_path``: the only path tokens may live under)."""
    if sink not in FORWARDING_SINKS:
        if settings:
            raise ValueError("TagoIO settings are only allowed on a key whose sink is tagoio or both")
        return
    if not settings:
        raise ValueError(f"sink {sink} needs TagoIO settings: a region or API URL, a network token, an authorization")
    check_api_url(str(settings.get("api_url", "")))
    name = str(settings.get("network_token_param", ""))
    if not PARAMETER_PATTERN.match(name):
        raise ValueError("the network token must be named by an SSM parameter path, e.g. /inlet/dev/tagoio/my-network")
    prefix = network_token_path.rstrip("/") + "/"
    if network_token_path and not name.startswith(prefix):
        raise ValueError(f"the network token parameter must be under {prefix} (the only path the functions may read)")
    if not AUTHORIZATION_PATTERN.match(str(settings.get("authorization", ""))):
        raise ValueError("the TagoIO authorization must be 8 to 128 letters, digits, '-' or '_' (e.g. at72fb69a8...)")


def check_api_url(url: str) -> str:
    """The URL without a trailing slash; https, or http on a loopback address only (a local TagoIO)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"TagoIO API URL must look like https://api.example.com, got {url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("TagoIO API URL must not carry credentials, a query or a fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError("TagoIO API URL must be https (http is allowed only on a loopback address)")
    return url.strip().rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
