"""The HTTP request as Inlet sees it, and the checks that need no I/O: key presence, size, media type, JSON shape."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from inlet.errors import BadRequest, MissingAuthorization, PayloadTooLarge, UnsupportedMediaType

AUTH_QUERY = "authorization"


@dataclass(frozen=True)
class HttpRequest:
    headers: dict[str, str]  # lower-case names
    query: dict[str, str]
    body: bytes = b""
    source_ip: str = ""  # API Gateway's requestContext.http.sourceIp (shown by the request log only)


def authorization_key(request: HttpRequest) -> str:
    """The key from ``Authorization: <key>`` / ``Bearer <key>``, else ``?authorization=<key>``."""
    value = (request.headers.get("authorization") or _query_key(request.query)).strip()
    parts = value.split(None, 1)
    if parts and parts[0].lower() == "bearer":
        value = parts[1].strip() if len(parts) > 1 else ""  # a lone "Bearer" carries no key
    if not value:
        raise MissingAuthorization()
    return value


def _query_key(query: dict[str, str]) -> str:
    """``?authorization=``, in any letter case: ``item_query`` removes it in any case too, so it must not get lost."""
    value = query.get(AUTH_QUERY)
    if value is None:
        value = next((v for k, v in query.items() if k.lower() == AUTH_QUERY), "")
    return value


def check_size(request: HttpRequest, max_bytes: int) -> None:
    if len(request.body) > max_bytes:
        raise PayloadTooLarge(f"Body too large: {len(request.body)} bytes, the limit is {max_bytes} bytes")


def item_query(request: HttpRequest) -> dict[str, str]:
    """The query string without the key: the place where mapped fields are looked up after the item."""
    return {k: v for k, v in request.query.items() if k.lower() != AUTH_QUERY}


def parse_items(request: HttpRequest, max_items: int) -> list[dict]:
    """The items of the request: a JSON object, an array of objects, or (no body) the query string itself."""
    body = request.body
    if not body.strip():
        query = item_query(request)
        if query:
            return [query]
        raise BadRequest("Missing body information")
    _check_media_type(request.headers.get("content-type"))
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Invalid JSON body: {exc}") from None
    return _items_of(data, max_items)


def _check_media_type(content_type: str | None) -> None:
    if not content_type or not is_json_media_type(content_type):
        got = content_type or "none"
        raise UnsupportedMediaType(f"Unsupported Content-Type {got!r}: expected application/json")


def _items_of(data: object, max_items: int) -> list[dict]:
    if data is None or data == []:
        raise BadRequest("Missing body information")
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list):
        raise BadRequest(f"Body must be a JSON object or an array of objects, got {_json_type(data)}")
    if len(data) > max_items:
        raise PayloadTooLarge(f"Too many items: {len(data)}, the limit is {max_items} per request")
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise BadRequest(f"Item {index} is not a JSON object (got {_json_type(item)})", index=index)
    return data


def is_json_media_type(content_type: str) -> bool:
    """``application/json`` in any case, with parameters, or any ``application/*+json`` (string tests, no regex:
    this module is on the cold-start path)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json":
        return True
    subtype = media.removeprefix("application/")
    return subtype != media and subtype.endswith("+json") and len(subtype) > 5 and " " not in subtype


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "null" if value is None else "object"
