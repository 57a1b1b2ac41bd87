"""The fields an uplink consumed (serial, payload, port, time, coordinates), as a trie of paths, and the item without
them: what is left becomes the uplink's variables."""

from __future__ import annotations

Skip = dict  # a trie of consumed paths: {"uplink_message": {"f_port": True}}; True marks a consumed leaf
_skip_cache: dict[tuple, Skip] = {}


def skip_trie(paths: list[tuple[str, ...]]) -> Skip:
    """The trie of consumed paths (memoised: the items of one format consume the same paths)."""
    key = tuple(paths)
    trie = _skip_cache.get(key)
    if trie is None:
        trie = _build_skip_trie(paths)
        if len(_skip_cache) < 1_000:
            _skip_cache[key] = trie
    return trie


def _build_skip_trie(paths: list[tuple[str, ...]]) -> Skip:
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


def without_paths(item: dict, paths: list[tuple[str, ...]]) -> dict:
    """A copy of ``item`` without the leaves at ``paths``; only the containers on those paths are copied."""
    return _without(item, skip_trie(paths)) if paths else item


def _without(container: dict | list, trie: Skip) -> dict | list:
    copy = dict(container) if type(container) is dict else list(container)
    for segment, sub in trie.items():
        if type(copy) is dict:
            if segment not in copy:
                continue
        elif not (segment.isascii() and segment.isdigit() and len(segment) < 10 and int(segment) < len(copy)):
            continue
        else:
            segment = int(segment)
        if sub is True:
            if type(copy) is dict:
                del copy[segment]
            else:
                copy[segment] = None  # keeps the other indexes (and so their names) stable; nulls are dropped
        elif type(copy[segment]) in (dict, list):
            copy[segment] = _without(copy[segment], sub)
    return copy
