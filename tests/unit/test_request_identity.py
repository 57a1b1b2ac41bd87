"""The request fingerprint (retry deduplication) and the storability checks of a record: pure functions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inlet.core.records import ITEM_TOO_DEEP, NotStorable, encode_document, nesting_depth, request_fingerprint

pytestmark = pytest.mark.unit

# A tiny alphabet full of the characters a naive "name=value" framing confuses.
tricky = st.text(alphabet="a=\0&", max_size=4)
queries = st.dictionaries(tricky, tricky, max_size=3)


@given(queries, st.binary(max_size=4), queries, st.binary(max_size=4))
def test_different_requests_never_share_a_fingerprint(query_a, body_a, query_b, body_b):
    same_request = query_a == query_b and body_a == body_b
    same_print = request_fingerprint("k", query_a, body_a) == request_fingerprint("k", query_b, body_b)
    assert same_print == same_request


@pytest.mark.parametrize(
    ("first", "second"),
    [({"x=y": "z"}, {"x": "y=z"}), ({"a": "b\0c=d"}, {"a": "b", "c": "d"}), ({"a": "b\0\0"}, {"a": "b"})],
)
def test_names_and_values_holding_the_separators_do_not_collide(first, second):
    assert request_fingerprint("k", first, b"") != request_fingerprint("k", second, b"")


def test_a_query_can_not_pass_for_a_body():
    assert request_fingerprint("k", {"a": "b"}, b"") != request_fingerprint("k", {}, b"\0a=b")


def test_lone_surrogates_in_the_query_are_fingerprinted_not_refused():
    assert request_fingerprint("k", {"x": "\ud800"}, b"") != request_fingerprint("k", {"x": "\udc00"}, b"")


@pytest.mark.parametrize(("value", "depth"), [(1, 0), ([], 1), ({"a": [1, {"b": []}]}, 4), ([[[]], []], 3)])
def test_nesting_depth_counts_containers(value, depth):
    assert nesting_depth(value) == depth


def test_nesting_depth_of_a_very_deep_value_does_not_exhaust_the_stack():
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert nesting_depth(value) == 100_001


def test_a_record_too_deep_for_json_is_not_storable_with_its_depth():
    fields: list = []
    for _ in range(400):
        fields = [fields]
    record = {"time": "t", "port": 1, "payload": "00", "fields": {"x": fields}, "location": None, "flags": []}
    record["format"] = "generic"
    with pytest.raises(NotStorable) as caught:
        encode_document(record)
    assert caught.value.rejection.reason == ITEM_TOO_DEEP and "403 levels" in caught.value.rejection.message
