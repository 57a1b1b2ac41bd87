"""HTTP checks that need no I/O: the key, the media type, the body's JSON shape and its limits."""

from __future__ import annotations

import pytest
from inlet.core.request import HttpRequest, authorization_key, check_size, item_query, parse_items
from inlet.errors import BadRequest, MissingAuthorization, PayloadTooLarge, UnsupportedMediaType

pytestmark = pytest.mark.unit

KEY = "at0123456789abcdef0123456789abcdef"
JSON = {"content-type": "application/json"}


def request(body: bytes = b"", headers: dict | None = None, query: dict | None = None) -> HttpRequest:
    return HttpRequest(headers=JSON if headers is None else headers, query=query or {}, body=body)


# --- authorization ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"authorization": KEY}, {}),
        ({"authorization": f"  {KEY} "}, {}),
        ({"authorization": f"Bearer {KEY}"}, {}),
        ({"authorization": f"bearer   {KEY}"}, {}),
        ({}, {"authorization": KEY}),
        ({}, {"Authorization": KEY}),  # item_query drops it in any case, so it is read in any case
        ({"authorization": KEY}, {"authorization": "at-from-query"}),  # the header wins
        ({"authorization": ""}, {"authorization": KEY}),
    ],
)
def test_key_comes_from_header_bearer_or_query(headers, query):
    assert authorization_key(HttpRequest(headers=headers, query=query)) == KEY


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({}, {}),
        ({"authorization": "  "}, {}),
        ({"authorization": "Bearer"}, {}),
        ({"authorization": "Bearer "}, {}),
        ({}, {"authorization": ""}),
    ],
)
def test_missing_key_is_missing_authorization(headers, query):
    with pytest.raises(MissingAuthorization) as error:
        authorization_key(HttpRequest(headers=headers, query=query))
    assert error.value.status == 401


def test_item_query_drops_the_key_in_any_case():
    query = {"authorization": KEY, "AUTHORIZATION": KEY, "serial": "AA", "port": "1"}
    assert item_query(request(query=query)) == {"serial": "AA", "port": "1"}


# --- media type ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "Application/JSON; charset=utf-8", "application/vnd.api+json", " application/json ;x=y"],
)
def test_json_media_types_are_accepted(content_type):
    assert parse_items(request(b'{"serial":"A"}', {"content-type": content_type}), 10) == [{"serial": "A"}]


@pytest.mark.parametrize(
    "headers", [{"content-type": "text/plain"}, {"content-type": "application/jsonp"}, {"content-type": ""}, {}]
)
def test_other_media_types_are_refused(headers):
    with pytest.raises(UnsupportedMediaType) as error:
        parse_items(request(b'{"serial":"A"}', headers), 10)
    assert error.value.status == 415
    assert "application/json" in error.value.message


# --- body shape ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"  \n\t", b"[]", b"null", b" [ ] "])
def test_empty_body_is_missing_body_information(body):
    with pytest.raises(BadRequest) as error:
        parse_items(request(body), 10)
    assert error.value.message == "Missing body information"


def test_invalid_json_names_the_position():
    with pytest.raises(BadRequest) as error:
        parse_items(request(b'{"serial": "A",}'), 10)
    assert "Invalid JSON body" in error.value.message
    assert "line 1 column 15" in error.value.message  # the trailing comma


def test_invalid_utf8_is_invalid_json():
    with pytest.raises(BadRequest, match="Invalid JSON body"):
        parse_items(request(b'{"serial": "\xff"}'), 10)


@pytest.mark.parametrize(("body", "kind"), [(b'"AA"', "string"), (b"42", "number"), (b"true", "boolean")])
def test_top_level_primitive_is_refused_with_its_type(body, kind):
    with pytest.raises(BadRequest) as error:
        parse_items(request(body), 10)
    assert "object or an array of objects" in error.value.message
    assert kind in error.value.message


@pytest.mark.parametrize(("bad", "kind"), [(b"[1]", "array"), (b"null", "null"), (b'"x"', "string")])
def test_array_with_a_non_object_names_its_index(bad, kind):
    with pytest.raises(BadRequest) as error:
        parse_items(request(b'[{"serial":"A"},{"serial":"B"},' + bad + b"]"), 10)
    assert "Item 2" in error.value.message
    assert kind in error.value.message
    assert error.value.details == {"index": 2}


def test_object_and_array_of_objects_are_items():
    assert parse_items(request(b'{"serial":"A"}'), 10) == [{"serial": "A"}]
    assert parse_items(request(b'[{"serial":"A"},{"serial":"B"}]'), 10) == [{"serial": "A"}, {"serial": "B"}]


def test_more_items_than_the_limit_is_payload_too_large():
    with pytest.raises(PayloadTooLarge) as error:
        parse_items(request(b"[" + b",".join([b"{}"] * 4) + b"]"), 3)
    assert error.value.status == 413
    assert "the limit is 3" in error.value.message


def test_exactly_the_limit_is_accepted():
    assert len(parse_items(request(b"[" + b",".join([b"{}"] * 3) + b"]"), 3)) == 3


def test_body_larger_than_the_limit_is_payload_too_large():
    check_size(request(b"x" * 10), 10)
    with pytest.raises(PayloadTooLarge, match="10 bytes"):
        check_size(request(b"x" * 11), 10)


# --- body-less requests -------------------------------------------------------------------------------------------


def test_bodyless_request_is_one_item_made_of_the_query_without_the_key():
    # Given a GET-style request with everything in the URL (and no Content-Type at all)
    query = {"authorization": KEY, "serial": "AA-BB-01", "payload": "0011aa", "port": "10"}
    # When its items are read
    items = parse_items(request(b"", headers={}, query=query), 10)
    # Then the query itself is the item, without the key
    assert items == [{"serial": "AA-BB-01", "payload": "0011aa", "port": "10"}]


def test_bodyless_request_with_only_the_key_is_missing_body_information():
    with pytest.raises(BadRequest, match="Missing body information"):
        parse_items(request(b"", query={"authorization": KEY}), 10)
