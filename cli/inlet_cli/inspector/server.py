"""The inspector's HTTP server: the page, the tenant's request log as server-sent events, a device's records.

Routes (GET only, 127.0.0.1 only; a Host header other than this server's own is refused, so that a web page the
browser opened elsewhere cannot read the log through DNS rebinding):

- ``/``, ``/inspector.js``, ``/inspector.css``: the page (static files of ``page/``, no build step);
- ``/api/session``: the tenant, its logging keys (id, name, ``log_until``), the target;
- ``/api/events``: the request log as ``text/event-stream``: the latest ``BACKLOG`` entries, then every new one.
  One DynamoDB Query per connection every ``POLL_SECONDS``; an entry's ``id`` is its sort key, so a reconnecting
  browser (``Last-Event-ID``) resumes after what it has;
- ``/api/records?serial=S``: the device's latest ``RECORDS_LIMIT`` records (time and numeric variables), one Query;
- ``/api/deliveries?uplink=SERIAL/ID&...``: each uplink's latest delivery outcome per destination of the tenant
  (``inlet.destinations.outcomes``; at most ``DELIVERIES_ASKED`` uplinks, BatchGetItem of uplinks x destinations).
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from inlet.adapters.aws import SDK_ERRORS, error_code
from inlet.adapters.records import RecordStore
from inlet.adapters.request_log import RequestLogStore
from inlet.core.request_log import sort_key_before
from inlet.errors import ServiceUnavailable

from inlet_cli.serials import parse_serial

PAGE = Path(__file__).with_name("page")
FILES = {"/": "index.html", "/inspector.js": "inspector.js", "/inspector.css": "inspector.css"}
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css"}
POLL_SECONDS = 1.0
BACKLOG = 200
RECORDS_LIMIT = 200
HEARTBEAT_POLLS = 15  # a comment line now and then: a proxy or the browser never sees the stream idle for long
# A request that started earlier may finish (and write its entry) after a newer one: each poll looks back this far.
LOOKBACK_SECONDS = 5
DELIVERIES_ASKED = 50
UPLINK_ID = re.compile(r"^[0-9A-Za-z]{1,64}-[0-9]{1,6}$")  # a record's id: its request's group, its index


class Inspector(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, port: int, tenant: str, log: RequestLogStore, records: RecordStore, session: Callable, deliveries=None
    ) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.tenant, self.log, self.records, self.session = tenant, log, records, session
        self.deliveries = deliveries  # [(serial, uplink id)] -> {uplink id: {destination: outcome}}; None: no table
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        thread.start()
        return thread

    def handle_error(self, request: object, client_address: tuple) -> None:
        """A page closed while its stream was being written to (the last flush after the feed ends) is no error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()

    def entries_after(self, after_sk: str | None) -> list[dict]:
        return self.log.after(self.tenant, after_sk, BACKLOG)

    def chart_records(self, serial: str) -> list[dict]:
        latest = self.records.latest(self.tenant, serial, RECORDS_LIMIT)
        return [_chart_point(r) for r in reversed(latest)]


def _chart_point(record: dict) -> dict:
    numbers = {
        v["variable"]: v["value"]
        for v in record.get("variables") or []
        if isinstance(v.get("value"), (int, float)) and not isinstance(v.get("value"), bool)
    }
    return {"time": record.get("received_at"), "values": numbers}


class _Handler(BaseHTTPRequestHandler):
    server: Inspector
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal is the user's: no access log

    def do_GET(self) -> None:
        if not self._own_host():
            return self._send(403, b"forbidden: open the inspector at its own address", "text/plain")
        url = urlsplit(self.path)
        if url.path in FILES:
            file = PAGE / FILES[url.path]
            return self._send(200, file.read_bytes(), TYPES[file.suffix])
        if url.path == "/api/session":
            return self._json(self.server.session())
        if url.path == "/api/records":
            serial, problem = parse_serial((parse_qs(url.query).get("serial") or [""])[0])
            if problem:
                return self._json({"error": problem}, 400)
            return self._json(self.server.chart_records(serial))
        if url.path == "/api/deliveries":
            return self._deliveries(parse_qs(url.query).get("uplink") or [])
        if url.path == "/favicon.ico":
            return self._send(204, b"", "image/x-icon")
        if url.path == "/api/events":
            return self._stream(self.headers.get("Last-Event-ID") or None)
        return self._send(404, b"not found", "text/plain")

    def _deliveries(self, asked: list[str]) -> None:
        uplinks = []
        for text in asked[:DELIVERIES_ASKED]:
            serial, _, uplink = text.partition("/")
            serial, problem = parse_serial(serial)
            if problem or not UPLINK_ID.match(uplink):
                return self._json({"error": f"not an uplink: {text!r} (SERIAL/ID)"}, 400)
            uplinks.append((serial, uplink))
        if not self.server.deliveries or not uplinks:
            return self._json({})
        try:
            return self._json(self.server.deliveries(uplinks))
        except (*SDK_ERRORS, ServiceUnavailable, TimeoutError) as exc:
            return self._json(
                {"error": f"reading the delivery outcomes failed ({error_code(exc) or type(exc).__name__})"}, 502
            )

    def _own_host(self) -> bool:
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _stream(self, last_seen: str | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        try:
            _Feed(self.server, self.wfile, last_seen).run()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the page went away

    def _json(self, value: object, status: int = 200) -> None:
        self._send(status, json.dumps(value, default=str).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:")
        self.end_headers()
        self.wfile.write(body)


class _Feed:
    """One browser's stream: what it has not seen yet, then a poll every ``POLL_SECONDS`` until it goes away."""

    def __init__(self, server: Inspector, out, last_seen: str | None) -> None:
        self.server, self.out, self.newest = server, out, last_seen or ""
        self.seen: set[str] = set()

    def run(self) -> None:
        self._send(self._entries(self.newest or None))
        polls = 0
        while not self.server.stopping.wait(POLL_SECONDS):
            polls += 1
            after = sort_key_before(self.newest, LOOKBACK_SECONDS) if self.newest else None
            fresh = [e for e in self._entries(after) if e["sk"] not in self.seen]
            if fresh:
                self._send(fresh)
            elif polls % HEARTBEAT_POLLS == 0:
                self.out.write(b": idle\n\n")
                self.out.flush()

    def _entries(self, after: str | None) -> list[dict]:
        """The entries past ``after``; when the read fails (credentials expired, throttling), a ``problem`` event
        says why and the next poll tries again: the page stays open and resumes where it was."""
        try:
            return self.server.entries_after(after)
        except (*SDK_ERRORS, TimeoutError) as exc:
            problem = {"message": f"reading the request log failed ({error_code(exc) or type(exc).__name__})"}
            self.out.write(f"event: problem\ndata: {json.dumps(problem)}\n\n".encode())
            self.out.flush()
            return []

    def _send(self, entries: list[dict]) -> None:
        for entry in entries:
            self.out.write(f"id: {entry['sk']}\ndata: {json.dumps(entry, default=str)}\n\n".encode())
            self.seen.add(entry["sk"])
            self.newest = max(self.newest, entry["sk"])
        self.out.flush()
        if self.newest:  # older ones can no longer come back
            floor = sort_key_before(self.newest, LOOKBACK_SECONDS)
            self.seen = {sk for sk in self.seen if sk >= floor}
