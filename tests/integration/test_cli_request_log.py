"""Switching the request log on and off from the CLI, and the inspector's server, in-process under moto."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest
from inlet.adapters.aws import client
from inlet.adapters.records import RecordStore
from inlet.adapters.request_log import RequestLogStore
from inlet.core.keys import key_hash
from inlet_cli.commands.request_logging import set_log_until
from inlet_cli.inspector.server import Inspector
from inlet_cli.local import env as local_env

from tests.cli_runs import error_of, run_json
from tests.helpers import http_event, invoke, restart_container

pytestmark = pytest.mark.integration

KEY_ID = key_hash(local_env.EVENTS_KEY)[:16]
RECORDS = local_env.TABLES["RecordsTable"]
ONE = {"serial": "AA-BB-01", "payload": "0011aa", "port": 10, "rssi": -71}


def log_store() -> RequestLogStore:
    return RequestLogStore(RECORDS, dynamodb=client("dynamodb"))


def test_keys_log_switches_a_key_s_log_on_for_a_while_and_off(seeded, capsys):
    shown = run_json(capsys, "keys", "log", KEY_ID, "--for", "10m")
    assert abs(shown["log_until"] - (time.time() + 600)) < 5 and shown["id"] == KEY_ID
    restart_container()
    assert invoke(http_event(ONE))[0] == 200
    assert [e["key_id"] for e in log_store().after("demo")] == [KEY_ID]

    capsys.readouterr()  # the handler's own log lines
    assert run_json(capsys, "keys", "log", KEY_ID, "--off")["log_until"] == 0
    restart_container()
    assert invoke(http_event(ONE))[0] == 200
    assert len(log_store().after("demo")) == 1  # nothing more was logged


def test_keys_list_shows_until_when_a_key_logs(seeded, capsys, monkeypatch):
    from inlet_cli.main import main

    monkeypatch.setenv("COLUMNS", "200")
    until = run_json(capsys, "keys", "log", KEY_ID, "--for", "2h")["log_until"]
    assert main(["keys", "list"]) == 0
    [logging] = [line for line in capsys.readouterr().out.splitlines() if KEY_ID in line]
    shown = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(until))
    assert f"until {shown}" in logging
    run_json(capsys, "keys", "log", KEY_ID, "--off")
    assert main(["keys", "list"]) == 0
    assert "until" not in capsys.readouterr().out


@pytest.mark.parametrize(("duration", "why"), [("25h", "between 1 second and 24 hours"), ("soon", "not a duration")])
def test_keys_log_refuses_a_duration_it_cannot_honour(seeded, capsys, duration, why):
    assert why in error_of(capsys, "keys", "log", KEY_ID, "--for", duration)


def test_a_key_revoked_meanwhile_is_never_written_back(seeded, capsys):
    run_json(capsys, "keys", "revoke", KEY_ID)
    assert set_log_until(seeded.keys, [KEY_ID], int(time.time()) + 600) == []
    assert seeded.keys.find(KEY_ID).revoked_at and seeded.keys.find(KEY_ID).log_until == 0
    assert "no unrevoked key" in error_of(capsys, "keys", "log", KEY_ID)


def test_switching_off_leaves_a_log_someone_else_renewed(seeded):
    mine = int(time.time()) + 600
    set_log_until(seeded.keys, [KEY_ID], mine)
    set_log_until(seeded.keys, [KEY_ID], mine + 300)  # another inspector renewed it
    assert set_log_until(seeded.keys, [KEY_ID], 0, only_if=mine) == []
    assert seeded.keys.find(KEY_ID).log_until == mine + 300


@pytest.fixture
def inspector(seeded):
    session = {"tenant": "demo", "source": "the environment", "keys": []}
    server = Inspector(0, "demo", log_store(), RecordStore(RECORDS, dynamodb=client("dynamodb")), lambda: session)
    server.start()
    yield server
    server.stop()


def get(server: Inspector, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(*server.server_address, timeout=10)
    connection.request("GET", path, headers=headers or {})
    return connection.getresponse()


def events(answer: http.client.HTTPResponse, count: int) -> list[dict]:
    """The first ``count`` events of a stream, as the browser's EventSource parses them."""
    found, event = [], {}
    while len(found) < count:
        line = answer.fp.readline().decode().rstrip("\n")
        if line.startswith(("id: ", "data: ")):
            name, _, value = line.partition(": ")
            event[name] = value
        elif not line and event:
            found.append({"id": event["id"], **json.loads(event["data"])})
            event = {}
    return found


def test_the_stream_sends_what_was_logged_then_what_arrives_and_resumes_after_the_last_seen(seeded, inspector):
    set_log_until(seeded.keys, [KEY_ID], int(time.time()) + 600)
    restart_container()
    assert invoke(http_event(ONE))[0] == 200
    stream = get(inspector, "/api/events")
    assert stream.status == 200 and stream.headers["Content-Type"] == "text/event-stream"
    [first] = events(stream, 1)
    assert invoke(http_event({"serial": "NOPE"}))[0] == 404  # arrives while the stream is open
    [second] = events(stream, 1)
    assert (first["status"], second["status"], second["items"][0]["reason"]) == (200, 404, "device_not_found")
    assert first["id"] == first["sk"] < second["id"]
    [resumed] = events(get(inspector, "/api/events", {"Last-Event-ID": first["id"]}), 1)
    assert resumed["sk"] == second["sk"]


def test_a_failed_read_is_a_problem_event_and_the_stream_goes_on(seeded, monkeypatch):
    from botocore.exceptions import ClientError
    from inlet_cli.inspector import server as inspector_server

    monkeypatch.setattr(inspector_server, "POLL_SECONDS", 0.05)
    log, reads = log_store(), {"n": 0}

    def flaky(tenant, after_sk=None, limit=200):
        reads["n"] += 1
        if reads["n"] == 2:
            raise ClientError({"Error": {"Code": "ExpiredTokenException", "Message": "x"}}, "Query")
        return RequestLogStore.after(log, tenant, after_sk, limit)

    monkeypatch.setattr(log, "after", flaky)
    set_log_until(seeded.keys, [KEY_ID], int(time.time()) + 600)
    restart_container()
    server = Inspector(0, "demo", log, RecordStore(RECORDS, dynamodb=client("dynamodb")), lambda: {})
    server.start()
    try:
        stream = get(server, "/api/events")
        lines = [stream.fp.readline().decode() for _ in range(3)]  # the first read: nothing; the second fails
        assert lines == [
            "event: problem\n",
            'data: {"message": "reading the request log failed (ExpiredTokenException)"}\n',
            "\n",
        ]
        assert invoke(http_event(ONE))[0] == 200
        [entry] = events(stream, 1)  # a later poll reads again
        assert entry["status"] == 200
    finally:
        server.stop()


def test_the_server_answers_only_under_its_own_address(inspector):
    host = urlsplit(inspector.url).netloc
    assert get(inspector, "/", {"Host": host}).status == 200
    assert get(inspector, "/", {"Host": f"localhost:{inspector.server_address[1]}"}).status == 200
    assert get(inspector, "/api/session", {"Host": f"evil.example:{inspector.server_address[1]}"}).status == 403
    assert get(inspector, "/nothing").status == 404


def test_chart_points_are_a_device_s_numeric_variables_oldest_first(seeded, inspector):
    for rssi in (-80, -75):
        assert invoke(http_event({**ONE, "rssi": rssi, "label": "x"}))[0] == 200
    answer = get(inspector, "/api/records?serial=aa-bb-01")
    points = json.loads(answer.read())
    assert [p["values"] for p in points] == [{"rssi": -80}, {"rssi": -75}]  # "label" is text: not charted
    assert points[0]["time"] < points[1]["time"]
    assert get(inspector, "/api/records?serial=a%20b").status == 400
