"""A local TagoIO: a real HTTP server (stdlib, threaded) for the tests and ``inlet local run --with-tagoio``.

Routes (TagoIO's envelope ``{"status": true, "result": ...}`` / ``{"status": false, "message": ...}``):
- ``GET /integration/network/resolve/{serial}[/{authorization}]``, header ``Token`` = a network token: the device token;
- ``POST /data``, header ``Device-Token``: one record or an array, checked as TagoIO documents it, run through the
  device's payload parser if it has one (``parsers``) -> "N Data Added";
- ``GET /data?groups=&variables=&qty=`` (default 15, newest first), header ``Device-Token``; several values as
  ``groups[0]=a&groups[1]=b`` (the API description's form; commas only with the ``groups_commas`` switch);
- ``/_admin/...``: ``POST switches`` (see ``state``), ``POST devices`` {authorization, serial[, token]},
  ``POST parsers`` {authorization, serial, source}, ``POST network-tokens`` {token}, ``GET data?serial=``,
  ``POST reset``. Python callers use ``.state`` directly.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from inlet_cli.local_tagoio.admin import admin
from inlet_cli.local_tagoio.parsers import run_parser
from inlet_cli.local_tagoio.rules import MAX_BODY, parse_body, time_error
from inlet_cli.local_tagoio.state import TagoState

RESOLVE = "/integration/network/resolve/"
_INDEXED = re.compile(r"^(groups|variables)\[\d+\]$")  # qs's form of an array (the official JS SDK sends it)


class LocalTagoIO:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = TagoState()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.state = self.state  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-tagoio", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalTagoIO:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalTagoIO:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: Inlet's sessions reuse connections
    server_version = "LocalTagoIO/1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests and `make run` print their own
        return

    @property
    def state(self) -> TagoState:
        return self.server.state  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 50 * MAX_BODY))
        if url.path.startswith("/_admin/"):
            self._send(*admin(self.state, method, url.path[len("/_admin/") :], parse_qs(url.query), raw))
            return
        route = f"{method} {'/integration/network/resolve' if url.path.startswith(RESOLVE) else url.path}"
        time.sleep(self.state.switches.latency)
        status, body, headers = self._faults(route) or self._serve(route, url, raw)
        self.state.calls.append((method, url.path, status))  # status 0: the connection was dropped
        if status == 0:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)  # no answer at all: the client sees a dropped connection
            return
        self._send(status, body, headers)

    def _faults(self, route: str) -> tuple[int, dict, dict] | None:
        switches = self.state.switches
        if switches.down:
            return 503, {"status": False, "message": "Service unavailable"}, {}
        if switches.fail_route in ("", route) and self.state.take("fail"):
            return switches.fail_status, {"status": False, "message": f"Injected failure {switches.fail_status}"}, {}
        if route == "POST /data" and self.state.take("throttle"):
            return _too_many(self.state.switches.retry_after, switches.retry_after_header)
        return None

    def _serve(self, route: str, url, raw: bytes) -> tuple[int, dict, dict]:
        if route == "GET /integration/network/resolve":
            return self._resolve([unquote(p) for p in url.path[len(RESOLVE) :].split("/")])
        token = self.headers.get("Device-Token") or self.headers.get("Authorization") or ""
        profile = self.state.tokens.get(token, ("", ""))[0] or None
        if route not in ("POST /data", "GET /data"):
            return 404, {"status": False, "message": "Route not found"}, {}
        if profile is None:
            return 401, {"status": False, "message": "Authorization denied"}, {}
        wait = self.state.over_limit(profile, route)
        if wait:
            return _too_many(wait, self.state.switches.retry_after_header)
        if route == "GET /data":
            return self._query(token, parse_qs(url.query))
        return self._post(token, raw)

    def _resolve(self, parts: list[str]) -> tuple[int, dict, dict]:
        network_token = self.headers.get("Token") or self.headers.get("Authorization") or ""
        if network_token not in self.state.network_tokens:
            return 401, {"status": False, "message": "Invalid network token"}, {}
        serial, authorization = parts[0], (parts[1] if len(parts) > 1 else "")
        odd = self.state.switches.resolve_answers.get(serial)
        if odd:
            return int(odd), {"status": False, "message": f"Injected answer {odd}"}, {}
        token = next((t for (a, s), t in self.state.devices.items() if s == serial and a == (authorization or a)), "")
        if not token:
            return self.state.switches.unknown_serial_status, {"status": False, "message": "Device not found"}, {}
        return 200, {"status": True, "result": token}, {}

    def _post(self, token: str, raw: bytes) -> tuple[int, dict, dict]:
        if "json" not in (self.headers.get("Content-Type") or ""):
            return 400, {"status": False, "message": "Content-Type must be application/json"}, {}
        switches = self.state.switches
        records, error = parse_body(raw)
        if records is None:
            status = switches.oversize_status if "too large" in error else 400
            return status, {"status": False, "message": error}, {}
        bad_time = time_error(records, switches.max_future_seconds, switches.retention_seconds)
        if bad_time and switches.bad_time == "refuse":
            return 400, {"status": False, "message": bad_time}, {}
        dropping = self.state.take("drop")
        if dropping and not switches.drop_after_store:
            return 0, {}, {}
        count = self._store(token, records)
        if dropping:
            return 0, {}, {}
        return switches.post_status, {"status": True, "result": f"{count} Data Added"}, {}

    def _store(self, token: str, records: list[dict]) -> int:
        """Through the device's parser, if any; the answer counts what was posted (TagoIO answers before parsing)."""
        device = self.state.tokens[token]
        parser = self.state.parsers.get(device)
        if parser:
            parsed, error = run_parser(parser, device[0], device[1], records)
            self.state.parser_errors.extend([error] if parsed is None else [])
            self.state.store(token, parsed or [], self.state.switches.store_delay)
            return len(records)
        return self.state.store(token, records, self.state.switches.store_delay)

    def _query(self, token: str, query: dict[str, list[str]]) -> tuple[int, dict, dict]:
        groups, variables = self._values(query, "groups"), self._values(query, "variables")
        qty = int((query.get("qty") or ["15"])[0])
        return 200, {"status": True, "result": self.state.query(token, groups, variables, qty)}, {}

    def _values(self, query: dict[str, list[str]], name: str) -> list[str]:
        values = [
            v
            for key, given in query.items()
            if key == name or (_INDEXED.match(key) and key.startswith(name))
            for v in given
        ]
        if self.state.switches.groups_commas:
            values = [part for value in values for part in value.split(",")]
        return [v for v in values if v]

    def _send(self, status: int, body: dict, headers: dict) -> None:
        if body.get("status") is False and self.state.switches.error_field == "result":
            body = {"status": False, "result": body.get("message", "")}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its read timeout ran out): the data is stored anyway


def _too_many(seconds: int, header: bool) -> tuple[int, dict, dict]:
    """TagoIO's documented 429 (rate-limits-hard-limits.md): the delay in the message; a header only if switched on."""
    headers = {"Retry-After": str(seconds)} if header else {}
    return 429, {"status": False, "message": f"Too many requests (Retry-After: {seconds})"}, headers
