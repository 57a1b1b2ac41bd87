"""Turn the fields of an item that are not serial/payload/port into TagoIO-compatible variables.

Names come from the *full* path (``uplink_message_rx_metadata_0_rssi``), lower-case, ``[a-z0-9_]``, at most 100
characters, so nested fields never collide. Nulls and empty containers are dropped. A latitude/longitude pair
becomes one ``location`` variable. This runs for every field of every uplink: it is written for speed (cached name
cleaning, a skip-trie instead of path tuples, no per-leaf function calls for scalars).
"""

from __future__ import annotations

import hashlib
import re

import orjson

Skip = dict  # a trie of consumed paths: {"uplink_message": {"f_port": True}}; True marks a consumed leaf
MAX_NAME = 100
MAX_DEPTH = 32  # deeper containers become one JSON-text variable: keeps recursion far from Python's limit
_NOT_NAME = re.compile(r"[^a-z0-9_]")
_LAT_KEYS = ("latitude", "lat", "Latitude")
_LNG_KEYS = ("longitude", "lng", "lon", "long", "Longitude")
_INDEXES = tuple(str(i) for i in range(256))  # array index names, precomputed (most arrays are short)
_clean_cache: dict[str, str] = {}


def clean_name(key: str) -> str:
    """Lower-case and replace everything outside ``[a-z0-9_]`` with ``_`` (cached: keys repeat across items)."""
    name = _clean_cache.get(key)
    if name is None:
        name = _NOT_NAME.sub("_", key.lower())
        if len(_clean_cache) < 50_000:
            _clean_cache[key] = name
    return name


def skip_trie(paths: list[tuple[str, ...]]) -> Skip:
    trie: Skip = {}
    for path in paths:
        if not path:
            continue
        node = trie
        for segment in path[:-1]:
            child = node.get(segment)
            if child is True:
                break  # a parent is already consumed whole
            node = node.setdefault(segment, {})
        else:
            node[path[-1]] = True
    return trie


def location_variable(name: str, lat: object, lng: object) -> dict | None:
    """One TagoIO location variable, or ``None`` when the pair is not two finite coordinates in range."""
    lat_f, lng_f = _coordinate(lat), _coordinate(lng)
    if lat_f is None or lng_f is None or not (-90 <= lat_f <= 90 and -180 <= lng_f <= 180):
        return None
    # "lat, lng" is the value TagoIO's own generic parser writes
    return {"variable": name, "value": f"{lat_f}, {lng_f}", "location": {"lat": lat_f, "lng": lng_f}}


def flatten(item: dict, skip: Skip, out: list[dict]) -> list[dict]:
    seen: set[str] = {v["variable"] for v in out}
    _walk(item, "", skip, out, seen, 0)
    return out


def _walk(obj: dict | list, prefix: str, skip: Skip | None, out: list[dict], seen: set[str], depth: int) -> None:
    if type(obj) is dict:
        if "lat" in obj or "latitude" in obj or "Latitude" in obj:
            skip = _pair_location(obj, prefix, skip, out, seen)
        pairs = obj.items()
    else:
        pairs = zip(_INDEXES if len(obj) <= 256 else map(str, range(len(obj))), obj, strict=False)
    depth += 1
    for key, value in pairs:
        if value is None:
            continue
        sub = skip.get(key) if skip else None
        if sub is True:
            continue
        name = prefix + (_clean_cache.get(key) or clean_name(key))
        kind = type(value)
        if kind is dict or kind is list:
            if depth <= MAX_DEPTH:
                _walk(value, name + "_", sub, out, seen, depth)
                continue
            value = _json_text(value)
        if not name or len(name) > MAX_NAME or name in seen:
            name = _unique(name, seen)
        seen.add(name)
        out.append({"variable": name, "value": value})


def _pair_location(obj: dict, prefix: str, skip: Skip | None, out: list[dict], seen: set[str]) -> Skip | None:
    """Emit the dict's lat/lng pair as one location variable; return the skip-trie that now also hides the pair."""
    lat_key = next((k for k in _LAT_KEYS if k in obj), None)
    lng_key = next((k for k in _LNG_KEYS if k in obj), None)
    if lat_key is None or lng_key is None or (skip and (skip.get(lat_key) is True or skip.get(lng_key) is True)):
        return skip
    loc = location_variable(_location_name(prefix), obj[lat_key], obj[lng_key])
    if loc is None:
        return skip  # not coordinates: both stay plain variables
    name = loc["variable"]
    if len(name) > MAX_NAME or name in seen:
        loc["variable"] = name = _unique(name, seen)
    seen.add(name)
    out.append(loc)
    return dict(skip or {}, **{lat_key: True, lng_key: True})


def _location_name(prefix: str) -> str:
    if not prefix:
        return "location"
    base = prefix[:-1]
    return base if base.endswith("location") else base + "_location"


def _unique(name: str, seen: set[str]) -> str:
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
