"""The local HTTP front over real HTTP: the payload 2.0 event it builds, and API Gateway's own answers."""

from __future__ import annotations

import socket
import struct
import threading
import time

import pytest
import requests
from inlet_cli.local.http_server import JSON, LocalApiServer

pytestmark = pytest.mark.e2e

TIMEOUT = 10


@pytest.fixture
def front():
    """A server whose "function" records each event and answers 201 with a cookie."""
    yield from serve(pause=0)


@pytest.fixture
def slow_front():
    """The same, with a function that takes 0.3 s: time enough for a client to give up."""
    yield from serve(pause=0.3)


def serve(pause: float):
    events: list[dict] = []

    def invoke(event: dict):
        time.sleep(pause)
        events.append(event)
        return 201, [*JSON, ("set-cookie", "a=1")], b'{"ok":true}'

    server = LocalApiServer(0, invoke)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", events
    server.shutdown()
    server.server_close()
    thread.join(TIMEOUT)


def test_request_becomes_a_payload_2_event(front):
    base, events = front
    headers = {"X-Multi": "one", "Cookie": "c1=x; c2=y", "User-Agent": "lns/1.0", "Content-Type": "application/json"}
    answer = requests.post(
        f"{base}/uplink?a=1&a=2&b=%20x&flag", data=b'{"serial":"A"}', headers=headers, timeout=TIMEOUT
    )
    assert (answer.status_code, answer.json(), answer.headers["set-cookie"]) == (201, {"ok": True}, "a=1")

    [event] = events
    assert {k: event[k] for k in ("version", "routeKey", "rawPath", "rawQueryString")} == {
        "version": "2.0",
        "routeKey": "POST /uplink",
        "rawPath": "/uplink",
        "rawQueryString": "a=1&a=2&b=%20x&flag",
    }
    assert event["queryStringParameters"] == {"a": "1,2", "b": " x", "flag": ""}
    assert event["cookies"] == ["c1=x", "c2=y"] and "cookie" not in event["headers"]
    assert event["headers"]["x-multi"] == "one" and event["headers"]["user-agent"] == "lns/1.0"
    assert (event["body"], event["isBase64Encoded"]) == ('{"serial":"A"}', False)
    context = event["requestContext"]
    assert context["http"] == {
        "method": "POST",
        "path": "/uplink",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "lns/1.0",
    }
    assert context["stage"] == "$default" and context["routeKey"] == "POST /uplink" and context["requestId"]
    assert abs(context["timeEpoch"] / 1000 - time.time()) < 60
    assert event["headers"]["x-forwarded-port"] == base.rsplit(":", 1)[1]


def test_binary_body_is_base64_and_no_body_has_none(front):
    base, events = front
    requests.post(f"{base}/uplink", data=b"\xff\x00", timeout=TIMEOUT)
    requests.post(f"{base}/uplink", timeout=TIMEOUT)
    assert (events[0]["body"], events[0]["isBase64Encoded"]) == ("/wA=", True)
    assert "body" not in events[1] and events[1]["isBase64Encoded"] is False
    assert "queryStringParameters" not in events[1]


@pytest.mark.parametrize(("method", "path"), [("GET", "/uplink"), ("POST", "/uplink/"), ("POST", "/"), ("PUT", "/x")])
def test_other_routes_never_reach_the_function(front, method, path):
    base, events = front
    answer = requests.request(method, f"{base}{path}", timeout=TIMEOUT)
    assert (answer.status_code, answer.json()) == (404, {"message": "Not Found"})
    assert events == []


def raw_exchange(base: str, request: bytes) -> bytes:
    """Send ``request`` as is, stop sending (half-close), and read the answer to the end."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /uplink HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b'{"serial":"AA-BB-01"}',
        b"POST /uplink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + b'{"serial":"AA"}',
        b"POST /uplink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n" + b'{"serial":"AA"}',
    ],
    ids=["content-length", "chunk", "negative-chunk"],
)
def test_a_body_shorter_than_announced_gets_400_and_never_reaches_the_function(front, request_bytes):
    base, events = front
    answer = raw_exchange(base, request_bytes)
    assert answer.startswith(b"HTTP/1.1 400 "), answer
    assert events == []


def test_a_client_that_goes_away_leaves_one_line_and_no_traceback(slow_front, capfd):
    base, events = slow_front
    host, port = base.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=TIMEOUT)
    connection.sendall(b"POST /uplink HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
    connection.close()
    deadline = time.monotonic() + TIMEOUT
    while not events and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the answer is written (and fails) right after the function returns

    err = capfd.readouterr().err
    assert events and "Traceback" not in err and "Exception occurred" not in err, err
    assert "POST /uplink 201" in err and "went away" in err
    assert requests.post(f"{base}/uplink", data=b"{}", timeout=TIMEOUT).status_code == 201  # still serving
