"""The local HTTP front: POST /uplink becomes an HTTP API payload 2.0 event for the real handler; any other route
answers 404 like API Gateway. The access log has method, path, status and duration, never the query string
(``?authorization=`` may hold a key) nor headers.

A body shorter than its Content-Length (the client stopped sending) is answered 400 and never reaches the function,
as API Gateway never invokes it with a partial body. A client that goes away before its answer is one access-log
line, not a traceback.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from inlet_cli.local.api_event import ROUTE_PATH, LambdaContext, http_answer, http_api_event

MAX_BODY_BYTES = 10 * 1024 * 1024  # HTTP API's payload limit; the function's own (6 MB) is checked by the function
JSON = [("content-type", "application/json")]
Answer = tuple[int, list[tuple[str, str]], bytes]
NOT_FOUND: Answer = (404, JSON, b'{"message":"Not Found"}')
TOO_LARGE: Answer = (413, JSON, b'{"message":"Request Entity Too Large"}')
BAD_REQUEST: Answer = (400, JSON, b'{"message":"Bad Request"}')
INTERNAL_ERROR: Answer = (500, JSON, b'{"message":"Internal Server Error"}')


class Invoker:
    """One warm function instance: invocations run one at a time, as in a single Lambda execution environment.

    ``before`` runs ahead of each invocation, under the same lock (the local stack checks there whether the CLI
    changed keys or devices, and recycles the instance's caches if so).
    """

    def __init__(self, handler: Callable[[dict, object], object], before: Callable[[], None] | None = None) -> None:
        self._handler = handler
        self._before = before
        self._lock = threading.Lock()

    def __call__(self, event: dict) -> Answer:
        with self._lock:
            if self._before:
                self._before()
            try:
                result = self._handler(event, LambdaContext())
            except Exception:
                traceback.print_exc(file=sys.stderr)  # a function error: API Gateway answers a bare 500
                return INTERNAL_ERROR
        return http_answer(result)


class LocalApiServer(ThreadingHTTPServer):
    """``listen=False`` reserves the port (its number is known, a busy one fails now) without accepting connections
    until ``server_activate()``: a script that waits for the port then finds everything else ready."""

    daemon_threads = True

    def __init__(self, port: int, invoke: Callable[[dict], Answer] | None = None, listen: bool = True) -> None:
        super().__init__(("127.0.0.1", port), UplinkRequestHandler, bind_and_activate=False)
        try:
            self.server_bind()
            if listen:
                self.server_activate()
        except OSError:
            self.server_close()
            raise
        self.invoke = invoke or (lambda event: INTERNAL_ERROR)

    def access_log(self, line: str) -> None:
        sys.stderr.write(f"{time.strftime('%H:%M:%S')} {line}\n")
        sys.stderr.flush()

    def handle_error(self, request: object, client_address: tuple) -> None:
        """A client that vanished mid-request is the client's business: one line, no traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            self.access_log(f"connection closed by the client ({type(sys.exc_info()[1]).__name__})")
            return
        super().handle_error(request, client_address)


class UplinkRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as network servers that send often expect
    server: LocalApiServer

    def version_string(self) -> str:
        return "inlet-local"

    def _serve(self) -> None:
        started = time.perf_counter()
        path = urlsplit(self.path).path
        status, headers, body = self._answer(path)
        try:
            self._send(status, headers, body)
        except ConnectionError:
            self.close_connection = True
            gone = " (the client went away before the answer)"
        else:
            gone = ""
        elapsed = (time.perf_counter() - started) * 1000
        self.server.access_log(f"{self.command} {path} {status} {elapsed:.1f}ms{gone}")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

    def _answer(self, path: str) -> Answer:
        try:
            body = self._read_body()
        except OverflowError:
            self.close_connection = True  # the rest of the body is still on the wire
            return TOO_LARGE
        except ValueError:
            self.close_connection = True
            return BAD_REQUEST
        if self.command != "POST" or path != ROUTE_PATH:
            return NOT_FOUND
        event = http_api_event(self.command, self.path, list(self.headers.items()), body, self.client_address[0])
        return self.server.invoke(event)

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            return self._read_chunks()
        length = int(self.headers.get("content-length") or 0)
        if length < 0:
            raise ValueError("negative content-length")
        if length > MAX_BODY_BYTES:
            raise OverflowError
        return self._read_exactly(length)

    def _read_exactly(self, size: int) -> bytes:
        data = self.rfile.read(size)
        if len(data) < size:
            raise ValueError(f"body ended after {len(data)} of {size} bytes")
        return data

    def _read_chunks(self) -> bytes:
        chunks, total = [], 0
        while True:
            size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"x", 16)
            if size < 0:
                raise ValueError("negative chunk size")
            if size == 0:
                while self.rfile.readline(65536).strip():
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise OverflowError
            chunks.append(self._read_exactly(size))
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):  # the line end after each chunk
                raise ValueError("chunk not followed by CRLF")

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_request(self, code: object = "-", size: object = "-") -> None:
        """Replaced by ``_serve``'s line: the default one holds the request line, query string included."""

    def log_error(self, format: str, *args: object) -> None:
        self.server.access_log(f"malformed request refused ({args[0] if args else '?'})")
