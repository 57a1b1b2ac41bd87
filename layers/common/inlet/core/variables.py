"""Turn the fields of an item that are not serial/payload/port into TagoIO-compatible variables.

An uplink keeps its other fields as sent (``inlet.core.consumed.without_paths`` removes the consumed ones) and
``variables_of`` derives the variables from them. Deriving is deterministic, so it is done where
the variables are used (reading a record, forwarding to TagoIO), not on the ingest path: storing the nested fields is
~45 % smaller than storing full-path names (fewer DynamoDB write units) and keeps flattening off the per-uplink CPU.

Names come from the *full* path (``uplink_message_rx_metadata_0_rssi``), lower-case, ``[a-z0-9_]``, at most 100
characters, so nested fields never collide. Nulls and empty containers are dropped. A latitude/longitude pair
becomes one ``location`` variable.

This runs for every field of every uplink, so the hot path (``flatten_into``) builds a compact ``{name: value}``
dict (a location's value is its ``{"lat", "lng"}`` dict: plain values are never dicts), and ``as_tagoio`` expands it
into TagoIO's ``[{"variable", "value", "location"?}]`` where that form is needed. Names are memoised in a tree that
mirrors the paths seen so far: a field whose path was seen before costs one dict lookup, no string building.
"""

from __future__ import annotations

import hashlib
import re

import orjson

from inlet.core.consumed import Skip

Variables = dict  # {name: scalar value, or {"lat": float, "lng": float} for a location}
MAX_NAME = 100
MAX_DEPTH = 32  # deeper containers become one JSON-text variable: keeps recursion far from Python's limit
MAX_MEMO_ENTRIES = 200_000  # bound of the name tree: past it, names are computed without being remembered
_NOT_NAME = re.compile(r"[^a-z0-9_]")
_LAT_KEYS = ("latitude", "lat", "Latitude")
_LNG_KEYS = ("longitude", "lng", "lon", "long", "Longitude")
_INDEXES = tuple(str(i) for i in range(256))
_clean_cache: dict[str, str] = {}
# Name tree: {raw key or list index: (name, name + "_", child tree, name is valid)}
_ROOT: dict = {}
_memo = {"entries": 0}


def clean_name(key: str) -> str:
    """Lower-case and replace everything outside ``[a-z0-9_]`` with ``_`` (cached: keys repeat across items)."""
    name = _clean_cache.get(key)
    if name is None:
        name = _NOT_NAME.sub("_", key.lower())
        if len(_clean_cache) < 50_000:
            _clean_cache[key] = name
    return name


def coordinates(lat: object, lng: object) -> dict | None:
    """``{"lat", "lng"}`` when the pair is two finite coordinates in range, else ``None``."""
    lat_f, lng_f = _coordinate(lat), _coordinate(lng)
    if lat_f is None or lng_f is None or not (-90 <= lat_f <= 90 and -180 <= lng_f <= 180):
        return None
    return {"lat": lat_f, "lng": lng_f}


def as_tagoio(variables: Variables) -> list[dict]:
    """The compact form as TagoIO records: ``{"variable", "value"}``, plus ``location`` for a location."""
    return [
        _tagoio_location(name, value) if type(value) is dict else {"variable": name, "value": value}
        for name, value in variables.items()
    ]


def variables_of(fields: dict, location: dict | None = None) -> list[dict]:
    """The TagoIO variables of an uplink's other fields (and its mapped location, first)."""
    out: Variables = {"location": location} if location else {}
    return as_tagoio(flatten_into(fields, {}, out))


def flatten_into(item: dict, skip: Skip, out: Variables) -> Variables:
    _walk(item, _ROOT, "", skip or None, out, 0)
    return out


def _walk(obj: dict | list, tree: dict, prefix: str, skip: Skip | None, out: Variables, depth: int) -> None:
    if type(obj) is dict:
        if "lat" in obj or "latitude" in obj or "Latitude" in obj:
            skip = _pair_location(obj, prefix, skip, out)
        pairs = obj.items()
    else:
        pairs = enumerate(obj)
    depth += 1
    for key, value in pairs:
        if value is None:
            continue
        sub = None
        if skip is not None:
            sub = skip.get(key if type(key) is str else str(key))
            if sub is True:
                continue
        entry = tree.get(key)
        if entry is None:
            entry = _remember(tree, key, prefix)
        kind = type(value)
        if kind is dict or kind is list:
            if depth <= MAX_DEPTH:
                _walk(value, entry[2], entry[1], sub, out, depth)
                continue
            value = _json_text(value)
        name = entry[0]
        if name in out or not entry[3]:
            name = _unique(name, out)
        out[name] = value


def _remember(tree: dict, key: str | int, prefix: str) -> tuple:
    name = prefix + (clean_name(key) if type(key) is str else (_INDEXES[key] if key < 256 else str(key)))
    entry = (name, name + "_", {}, 0 < len(name) <= MAX_NAME)
    if _memo["entries"] < MAX_MEMO_ENTRIES:
        tree[key] = entry
        _memo["entries"] += 1
    return entry


def _pair_location(obj: dict, prefix: str, skip: Skip | None, out: Variables) -> Skip | None:
    """Emit the dict's lat/lng pair as one location variable; return the skip-trie that now also hides the pair."""
    lat_key = next((k for k in _LAT_KEYS if k in obj), None)
    lng_key = next((k for k in _LNG_KEYS if k in obj), None)
    if lat_key is None or lng_key is None or (skip and (skip.get(lat_key) is True or skip.get(lng_key) is True)):
        return skip
    point = coordinates(obj[lat_key], obj[lng_key])
    if point is None:
        return skip  # not coordinates: both stay plain variables
    name = _location_name(prefix)
    if len(name) > MAX_NAME or name in out:
        name = _unique(name, out)
    out[name] = point
    return dict(skip or {}, **{lat_key: True, lng_key: True})


def _location_name(prefix: str) -> str:
    if not prefix:
        return "location"
    base = prefix[:-1]
    return base if base.endswith("location") else base + "_location"


def _tagoio_location(name: str, point: dict) -> dict:
    # "lat, lng" is the value TagoIO's own generic parser writes
    return {"variable": name, "value": f"{point['lat']}, {point['lng']}", "location": point}


def _unique(name: str, seen: Variables) -> str:
    """Shorten an over-long (or empty) name, or disambiguate a collision, with a stable hash of the full name."""
    digest = hashlib.blake2s(name.encode(), digest_size=4).hexdigest()
    candidate = f"{name[: MAX_NAME - 9]}_{digest}"
    counter = 1
    while candidate in seen:
        counter += 1
        suffix = f"_{digest}_{counter}"
        candidate = name[: MAX_NAME - len(suffix)] + suffix
    return candidate


def _json_text(value: object) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # deeper than orjson can encode (a body can nest up to 1024 levels)
        return "[nested too deeply]"


def _coordinate(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if number == number and abs(number) != float("inf") else None
