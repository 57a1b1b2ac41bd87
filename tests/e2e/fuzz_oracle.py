"""What every answer of POST /uplink must be, whatever was sent, and what the stack's logs must never hold.

Used by the HTTP fuzzers: ``Fuzzing`` sends raw requests (any header, repeated headers, any query string, any bytes),
checks each answer and the log lines it caused, and collects every violation grouped by cause, so that one run
reports every distinct failure instead of stopping at the first.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import LocalStack
from tests.openapi_document import undocumented

UNHANDLED = ("Traceback", "uplink failed unexpectedly")
ITEM_STATUSES = {"accepted", "rejected", "ignored"}
ACCESS_LINE = re.compile(r"^\d\d:\d\d:\d\d \S+ \S+ \d{3} ")
TIMEOUT = 60


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def send(stack: LocalStack, target: str, headers: list[tuple[str, bytes | str]], body: bytes | None) -> Reply:
    """One request as given: ``target`` is the raw path and query, headers may repeat, ``None`` sends no body."""
    url = urlsplit(stack.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
    try:
        connection.putrequest("POST", target, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        chunked = any(name.lower() == "transfer-encoding" for name, _ in headers)
        if body is not None and not chunked:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders([body] if chunked and body is not None else body, encode_chunked=chunked)
        answer = connection.getresponse()
        return Reply(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
    finally:
        connection.close()


def violations(reply: Reply, item_count: int | None) -> list[str]:
    """Why ``reply`` breaks the contract: never a 5xx, every 4xx names its reason, a 200 accounts for every item,
    and every answer is one that openapi.yaml documents."""
    if reply.status >= 500:
        return [f"{reply.status} {message_of(reply)}"]
    try:
        body = json.loads(reply.body)
    except ValueError:
        return [f"{reply.status} body is not JSON: {reply.body[:80]!r}"]
    found = undocumented(reply.status, reply.headers, body)
    if 400 <= reply.status < 500:
        found += _error_violations(reply.status, body)
    elif reply.status == 200:
        found += _receipt_violations(body, item_count)
    return found


def message_of(reply: Reply) -> str:
    try:
        return str(json.loads(reply.body).get("message"))
    except (ValueError, AttributeError):
        return f"(not JSON: {reply.body[:80]!r})"


def _error_violations(status: int, body: object) -> list[str]:
    if not isinstance(body, dict) or body.get("status") is not False:
        return [f"{status} body without status false: {str(body)[:80]}"]
    if not isinstance(body.get("message"), str) or not body["message"].strip():
        return [f"{status} without a message"]
    return []


def _receipt_violations(body: object, item_count: int | None) -> list[str]:
    try:
        items = body["items"]
        counted = body["accepted"] + body["rejected"] + body.get("ignored", 0)
    except (KeyError, TypeError):
        return [f"200 without a receipt: {str(body)[:80]}"]
    found = []
    if item_count is not None and not counted == len(items) == item_count:
        found.append(f"200 receipt counts {counted} and lists {len(items)} for {item_count} items")
    if [item.get("index") for item in items] != list(range(len(items))):
        found.append("200 receipt items out of order")
    for item in items:
        if item.get("status") not in ITEM_STATUSES or ("id" if item["status"] == "accepted" else "reason") not in item:
            found.append(f"200 receipt item without its id or reason: {str(item)[:120]}")
    return found


@dataclass
class Fuzzing:
    """A run against one stack: counts requests, and collects every violation as cause -> inputs."""

    stack: LocalStack
    secrets: tuple[str, ...] = ()  # keys sent: never shown in a report
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _out: int = 0
    _err: int = 0

    def __post_init__(self) -> None:
        self._out, self._err = len(self.stack.stdout.lines), len(self.stack.stderr.lines)

    def check(self, reply: Reply, item_count: int | None, described: str) -> None:
        self.requests += 1
        self.statuses[reply.status] += 1
        causes = violations(reply, item_count) + self._unhandled_log_lines()
        for secret in self.secrets:
            described = described.replace(secret, "[key]")
        for cause in causes:
            self.failures[cause].append(f"{described} -> {reply.status} {message_of(reply)[:100]}")

    def _unhandled_log_lines(self) -> list[str]:
        """Log lines of the request just answered: the access line comes last, so wait for it first."""
        deadline = time.monotonic() + 2
        while not self._access_line_seen() and time.monotonic() < deadline:
            time.sleep(0.002)
        out, err = self.stack.stdout.lines[self._out :], self.stack.stderr.lines[self._err :]
        self._out, self._err = self._out + len(out), self._err + len(err)
        return unhandled_summaries(out + err)

    def _access_line_seen(self) -> bool:
        return any(ACCESS_LINE.match(line) for line in self.stack.stderr.lines[self._err :])

    def assert_clean(self) -> None:
        if self.failures:
            pytest.fail(self.report(), pytrace=False)

    def report(self) -> str:
        lines = [f"{len(self.failures)} causes of failure in {self.requests} requests:"]
        for cause, inputs in sorted(self.failures.items(), key=lambda entry: -len(entry[1])):
            lines.append(f"- {cause} ({len(inputs)} inputs), e.g.:")
            lines.extend(f"    {described[:400]}" for described in inputs[:3])
        return "\n".join(lines)


def unhandled_summaries(lines: list[str]) -> list[str]:
    """``log: <message>: <exception>`` for each line that shows an unhandled exception (JSON log or traceback)."""
    found = []
    for position, line in enumerate(lines):
        if not any(marker in line for marker in UNHANDLED):
            continue
        try:
            entry = json.loads(line)
            last = str(entry.get("exception", "")).strip().splitlines()[-1:] or [""]
            found.append(f"log: {entry.get('message')}: {last[0][:200]}")
        except ValueError:
            ending = next((later for later in lines[position + 1 :] if later[:1] not in (" ", "\t")), line)
            found.append(f"log: traceback: {ending.strip()[:200]}")
    return found
