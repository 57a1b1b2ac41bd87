"""openapi.yaml: a valid OpenAPI document that describes what the code answers and what the documentation promises."""

from __future__ import annotations

import itertools
import re

import orjson
import pytest
from inlet.core.edge_origin import NotThroughEdge
from inlet.core.records import (
    DEVICE_NOT_FOUND,
    IGNORED,
    INVALID_SERIAL,
    ITEM_NOT_STORABLE,
    ITEM_TOO_DEEP,
    ITEM_TOO_LARGE,
    Rejection,
    receipt,
)
from inlet.core.uplink import map_item
from inlet.errors import (
    BadRequest,
    DeviceNotFound,
    InvalidAuthorization,
    MissingAuthorization,
    PayloadTooLarge,
    RequestInProgress,
    ServiceUnavailable,
    UnsupportedMediaType,
)
from inlet.service.answers import error_answer, unexpected_answer
from openapi_spec_validator import validate

from tests.openapi_document import DOCUMENT, OPERATION, ROOT, undocumented

pytestmark = pytest.mark.unit


def documented_answers_rows() -> list[str]:
    """The rows of the documented answers table (docs/request.md, under "## Answers", header "case | status")."""
    section = (ROOT / "docs" / "request.md").read_text().split("## Answers", 1)[1]
    lines = section.split("| case | status |", 1)[1].splitlines()[2:]
    return list(itertools.takewhile(lambda line: line.startswith("|"), lines))


def test_the_document_is_valid_openapi():
    validate(DOCUMENT)


def test_every_status_of_the_documented_answers_table_is_in_openapi():
    statuses = {int(re.match(r"\d{3}", row.split("|")[2].strip()).group()) for row in documented_answers_rows()}
    assert statuses >= {400, 401, 404, 409, 413, 415, 503}
    assert {str(status) for status in statuses | {200}} == set(OPERATION["responses"])


@pytest.mark.parametrize(
    "error",
    [
        NotThroughEdge(),
        MissingAuthorization(),
        InvalidAuthorization(),
        UnsupportedMediaType("Unsupported Content-Type 'text/plain': expected application/json"),
        BadRequest("Item 2 is not a JSON object (got array)", index=2),
        BadRequest("Missing serial at items 1, 3; nothing was stored", indexes=[1, 3]),
        PayloadTooLarge("Too many items: 2001, the limit is 2000 per request"),
        DeviceNotFound("Device not found", items=[{"index": 0, "serial": "NOPE", "status": "rejected"}]),
        RequestInProgress("An identical request is being processed; retry to get its answer"),
        ServiceUnavailable("Key store unavailable, retry later"),
    ],
    ids=lambda error: f"{error.status}-{type(error).__name__}",
)
def test_every_error_answer_matches_its_documented_status(error):
    answer = error_answer(error)
    assert undocumented(answer["statusCode"], answer["headers"], orjson.loads(answer["body"])) == []
    documented_headers = OPERATION["responses"][str(answer["statusCode"])].get("headers", {})
    assert ("retry-after" in answer["headers"]) == ("Retry-After" in documented_headers)


def test_the_unexpected_error_answer_is_a_documented_503():
    answer = unexpected_answer()
    assert undocumented(503, answer["headers"], orjson.loads(answer["body"])) == []
    assert int(answer["headers"]["retry-after"]) >= 1


def test_a_receipt_matches_the_documented_200():
    items = [{"serial": "aa-bb-01"}, {"serial": "nope"}, {"serial": "x" * 200}, {"serial": "AA-BB-02"}]
    uplinks = [map_item(index, item, {}, None) for index, item in enumerate(items)]
    rejected = {1: Rejection(DEVICE_NOT_FOUND), 2: Rejection(INVALID_SERIAL, "serial is 200 characters long")}
    body = receipt("5f0c", uplinks, {0: "5f0c-0"}, rejected, {3: "join"})
    assert undocumented(200, {}, orjson.loads(orjson.dumps(body))) == []
    assert [item["status"] for item in body["items"]] == ["accepted", "rejected", "rejected", IGNORED]


def test_answers_that_are_not_as_documented_are_told_apart():
    item = {"index": 0, "serial": "AA-BB-01", "status": "stored"}
    assert undocumented(200, {}, {"status": True, "group": "g", "accepted": 1, "rejected": 0, "items": [item]})
    assert undocumented(200, {}, {"status": False, "message": "Device not found"})
    assert undocumented(400, {}, {"status": False, "message": ""})
    assert undocumented(503, {}, {"status": False, "message": "Key store unavailable"}) == [
        "503 without the Retry-After header"
    ]
    assert undocumented(502, {}, {"message": "Internal Server Error"}) == ["undocumented status 502"]


def test_receipt_items_document_every_status_and_rejection_reason():
    item = DOCUMENT["components"]["schemas"]["ReceiptItem"]["properties"]
    assert item["status"]["enum"] == ["accepted", "rejected", "ignored"]
    for reason in (DEVICE_NOT_FOUND, INVALID_SERIAL, ITEM_TOO_LARGE, ITEM_TOO_DEEP, ITEM_NOT_STORABLE):
        assert f"`{reason}`" in item["reason"]["description"]
    assert "`decode_failed: <reason>`" in item["warnings"]["description"]


def test_both_ways_of_sending_a_key_are_security_schemes():
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert schemes["keyHeader"] == {**schemes["keyHeader"], "type": "apiKey", "in": "header", "name": "Authorization"}
    assert schemes["keyQuery"] == {**schemes["keyQuery"], "type": "apiKey", "in": "query", "name": "authorization"}
    assert (schemes["bearer"]["type"], schemes["bearer"]["scheme"]) == ("http", "bearer")
    assert {name for entry in DOCUMENT["security"] for name in entry} == set(schemes)


def test_the_body_is_optional_and_json_in_both_media_types():
    body = OPERATION["requestBody"]
    assert body["required"] is False
    assert set(body["content"]) == {"application/json", "application/*+json"}
