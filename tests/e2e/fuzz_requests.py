"""Hypothesis strategies for the rest of a request: where the key goes, headers, query strings.

A valid key is in most requests (the demo key, the events' mapped key, or a key that provisions unknown devices),
so that they reach parsing and storage; the rest try every wrong way of sending one. Query strings are raw: ``%00``,
``=`` inside names and values, repeated names, values of thousands of characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from tests.e2e.fuzz_bodies import weighted

Header = tuple[str, bytes | str]


@dataclass(frozen=True)
class Keys:
    demo: str
    mapped: str
    provisioning: str


def key_placements(keys: Keys) -> st.SearchStrategy[tuple[list[Header], list[str]]]:
    """Authorization headers and query pairs (raw ``name=value``) that carry, or fail to carry, a key."""
    valid = st.sampled_from([keys.demo, keys.demo, keys.demo, keys.mapped, keys.provisioning, keys.provisioning])
    right = st.one_of(
        valid.map(lambda key: ([("Authorization", key)], [])),
        valid.map(lambda key: ([("Authorization", f"Bearer {key}")], [])),
        valid.map(lambda key: ([("authorization", f"  bEaReR   {key}  ")], [])),
        valid.map(lambda key: ([], [f"authorization={key}"])),
        valid.map(lambda key: ([("Authorization", "")], [f"AUTHORIZATION={key}"])),
    )
    wrong = st.sampled_from(
        [
            ([], []),
            ([("Authorization", "Bearer")], []),
            ([("Authorization", "Bearer ")], []),
            ([("Authorization", keys.demo), ("Authorization", keys.demo)], []),
            ([("Authorization", keys.demo), ("Authorization", f"Bearer {keys.demo}")], []),
            ([("Authorization", keys.demo + "\x00")], []),
            ([("Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l")], []),
            ([("Authorization", "at" + "0" * 32)], []),
            ([("Authorization", "at" + "z" * 5000)], []),
            ([("Authorization", "\u00e9t".encode() + b"\xff")], []),
            ([], [f"authorization={keys.demo}", f"authorization={keys.demo}"]),
            ([], ["authorization=", "authorization%00=x"]),
        ]
    )
    return weighted((3, right), (1, wrong))


CONTENT_TYPES = [
    "application/json",
    "APPLICATION/JSON",
    "application/json; charset=utf-8",
    "application/json;charset=latin-1",
    "application/vnd.api+json",
    "application/ld+json; q=1",
    "application/+json",
    "application/json+",
    "application/ json",
    "text/plain",
    "text/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
    "*/*",
    "application/json, text/plain",
    "application/json\x00",
    "application/" + "x" * 5000 + "+json",
]


def content_types() -> st.SearchStrategy[list[Header]]:
    json_type = st.sampled_from(CONTENT_TYPES[:3]).map(lambda value: [("Content-Type", value)])
    odd = st.sampled_from(CONTENT_TYPES).map(lambda value: [("Content-Type", value)])
    twice = st.tuples(st.sampled_from(CONTENT_TYPES), st.sampled_from(CONTENT_TYPES)).map(
        lambda pair: [("Content-Type", pair[0]), ("content-type", pair[1])]
    )
    return weighted((3, json_type), (2, odd), (1, twice), (1, st.just([])))


EXTRA_HEADERS = [
    ("Content-Encoding", "gzip"),  # the body is not compressed: it must still be read as sent
    ("X-Forwarded-For", "1.2.3.4, \u00e9, ::1"),
    ("X-Inlet-Origin", "guess"),
    ("Cookie", "a=b; authorization=x"),
    ("Accept", "text/html"),
    ("X-Amzn-Trace-Id", "Root=" + "1" * 3000),
    ("Expect", "100-continue"),
]


def extra_headers() -> st.SearchStrategy[list[Header]]:
    return st.lists(st.sampled_from(EXTRA_HEADERS), max_size=3)


QUERY_PIECES = ["serial", "payload", "port", "event", "devaddr", "LrnDevEui", "LrnFPort", "time", "x", ""]
QUERY_PIECES += ["%00", "%3D", "=", "==", "%26", "%", "%zz", "+", "%2B", "%F0%9F%98%80", "%ED%A0%80", "%E2%80%AE"]
QUERY_PIECES += ["AA-BB-01", "aa-bb-02", "70B3D57ED0000001", "up", "join", "status", "0011aa", "10"]
QUERY_LIMIT = 8000  # bytes of one long value: the whole request line stays under the front's 64 kB


def query_pairs() -> st.SearchStrategy[list[str]]:
    """Raw ``name=value`` pieces (already percent-encoded, or deliberately not)."""
    piece = st.lists(st.sampled_from(QUERY_PIECES), max_size=4).map("".join)
    long_value = st.sampled_from(["A", "%41", "%00", "%F0%9F%98%80", "="]).map(
        lambda unit: unit * (QUERY_LIMIT // len(unit))
    )
    pair = st.one_of(
        st.tuples(piece, piece).map("=".join),
        st.tuples(piece, long_value).map("=".join),
        piece,
        st.sampled_from(["serial=AA-BB-01", "serial=AA-BB-01&serial=AA-BB-02", "event=join", "event=status"]),
    )
    return st.lists(pair, max_size=6)


def target(pairs: list[str]) -> str:
    return "/uplink?" + "&".join(pairs) if pairs else "/uplink"


def framings() -> st.SearchStrategy[tuple[list[Header], bool]]:
    """How the body travels: Content-Length (the default), chunked, or no body at all (``True``: no body)."""
    return st.sampled_from([([], False), ([], False), ([("Transfer-Encoding", "chunked")], False), ([], True)])
