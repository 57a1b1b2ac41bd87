"""The local TagoIO's admin API (``/_admin/...``): what tests and ``make run`` use to set it up and to look inside."""

from __future__ import annotations

import json

from inlet_cli.local_tagoio.state import TagoState


def admin(state: TagoState, method: str, name: str, query: dict[str, list[str]], raw: bytes) -> tuple[int, dict, dict]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return 400, {"status": False, "message": "Invalid JSON"}, {}
    try:
        result = _dispatch(state, f"{method} {name}", query, body if isinstance(body, dict) else {})
    except (ValueError, TypeError, KeyError) as exc:
        return 400, {"status": False, "message": f"{type(exc).__name__}: {exc}"}, {}
    if result is None:
        return 404, {"status": False, "message": "Unknown admin route"}, {}
    return 200, {"status": True, "result": result}, {}


def _dispatch(state: TagoState, route: str, query: dict[str, list[str]], body: dict) -> object:
    if route == "POST switches":
        state.set(**body)
        return vars(state.switches)
    if route == "POST devices":
        return state.add_device(body["authorization"], body["serial"], body.get("token", ""))
    if route == "POST parsers":
        state.set_parser(body["authorization"], body["serial"], body.get("source", ""))
        return True
    if route == "POST network-tokens":
        return state.add_network_token(body.get("token", ""))
    if route == "GET data":
        serial = (query.get("serial") or [""])[0]
        return state.records(serial, (query.get("authorization") or [""])[0])
    if route == "GET calls":
        return [list(call) for call in state.calls]
    if route == "POST reset":
        state.reset()
        return True
    return None
