"""Turn the fields of an item that are not serial/payload/port into TagoIO-compatible variables.

Names come from the *full* path (``uplink_message_rx_metadata_0_rssi``), lower-case, ``[a-z0-9_]``, at most 100
characters, so nested fields never collide. Nulls and empty containers are dropped. A latitude/longitude pair
becomes one ``location`` variable. This runs for every field of every uplink: it is written for speed (cached name
cleaning, a skip-trie instead of path tuples, no per-leaf function calls for scalars).
"""

from __future__ import annotations

import hashlib
import re

Skip = dict  # a trie of consumed paths: {"uplink_message": {"f_port": True}}; True marks a consumed leaf
MAX_NAME = 100
_NOT_NAME = re.compile(r"[^a-z0-9_]")
_LAT_KEYS = ("latitude", "lat")
_LNG_KEYS = ("longitude", "lng", "lon", "long")
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
    """One TagoIO location variable, or ``None`` when the pair is not two finite coordinates."""
    lat_f, lng_f = _coordinate(lat), _coordinate(lng)
    if lat_f is None or lng_f is None or not (-90 <= lat_f <= 90 and -180 <= lng_f <= 180):
        return None
    return {"variable": name, "value": f"{lat_f},{lng_f}", "location": {"lat": lat_f, "lng": lng_f}}


def flatten(item: dict, skip: Skip, out: list[dict]) -> list[dict]:
    seen: set[str] = {v["variable"] for v in out}
    _walk_dict(item, "", skip, out, seen)
    return out


def _walk_dict(obj: dict, prefix: str, skip: Skip | None, out: list[dict], seen: set[str]) -> None:
    pair = _location_pair(obj, skip)
    if pair:
        lat_key, lng_key = pair
        loc = location_variable(_location_name(prefix), obj[lat_key], obj[lng_key])
        if loc is not None:
            _emit_location(loc, out, seen)
            skip = dict(skip or {}, **{lat_key: True, lng_key: True})
    for key, value in obj.items():
        if value is None:
            continue
        sub = skip.get(key) if skip else None
        if sub is True:
            continue
        name = prefix + clean_name(key)
        kind = type(value)
        if kind is dict:
            _walk_dict(value, name + "_", sub, out, seen)
        elif kind is list:
            _walk_list(value, name + "_", sub, out, seen)
        else:
            if len(name) > MAX_NAME or name in seen:
                name = _unique(name, seen)
            seen.add(name)
            out.append({"variable": name, "value": value})


def _walk_list(values: list, prefix: str, skip: Skip | None, out: list[dict], seen: set[str]) -> None:
    as_dict = {str(i): v for i, v in enumerate(values)}
    _walk_dict(as_dict, prefix, skip, out, seen)


def _location_pair(obj: dict, skip: Skip | None) -> tuple[str, str] | None:
    lat_key = next((k for k in _LAT_KEYS if k in obj), None)
    if lat_key is None:
        return None
    lng_key = next((k for k in _LNG_KEYS if k in obj), None)
    if lng_key is None or (skip and (skip.get(lat_key) is True or skip.get(lng_key) is True)):
        return None
    return lat_key, lng_key


def _location_name(prefix: str) -> str:
    if not prefix:
        return "location"
    base = prefix[:-1]
    return base if base.endswith("location") else base + "_location"


def _emit_location(loc: dict, out: list[dict], seen: set[str]) -> None:
    name = loc["variable"]
    if len(name) > MAX_NAME or name in seen:
        loc["variable"] = name = _unique(name, seen)
    seen.add(name)
    out.append(loc)


def _unique(name: str, seen: set[str]) -> str:
    """Shorten an over-long name, or disambiguate a collision, with a stable hash suffix of the full name."""
    digest = hashlib.blake2s(name.encode(), digest_size=4).hexdigest()
    candidate = f"{name[: MAX_NAME - 9]}_{digest}"
    counter = 1
    while candidate in seen:
        counter += 1
        candidate = f"{name[: MAX_NAME - 12]}_{digest}_{counter}"
    return candidate


def _coordinate(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None
