"""The worker process of ``isolation``: holds sandboxes by number and answers one request at a time.

Requests (length-prefixed JSON on stdin, answers the same on stdout), each optionally followed by the numbers of
sandboxes to free first: ``["build", id, kind, source, cpu_ms, memory_bytes, stack_bytes]`` -> ``["ok", bytes]`` or
``["load", reason]``; ``["run", id, jobs_text, max_output]`` -> the raw batch (``Sandbox.raw_batch``) and the
context's memory after it; ``["logs", id]`` -> lines.
"""

from __future__ import annotations

import struct
import sys

import orjson

from inlet.adapters.javascript.limits import ScriptLimits
from inlet.adapters.javascript.sandbox import LoadFailure, Sandbox, ScriptFailure

_HEADER = struct.Struct(">I")


def _answer(sandboxes: dict, request: list) -> object:
    verb, number = request[0], request[1]
    if verb == "build":
        kind, source, cpu_ms, memory_bytes, stack_bytes = request[2:7]
        try:
            sandbox = Sandbox(kind, source, ScriptLimits(cpu_ms, memory_bytes, stack_bytes))
        except LoadFailure as failure:
            return ["load", str(failure)]
        sandboxes[number] = sandbox
        return ["ok", sandbox.memory_bytes]
    sandbox = sandboxes[number]
    if verb == "run":  # measured with every call: the engine reads it after a batch, without one more request
        raw = sandbox.raw_batch(request[2], request[3])
        sandbox.measure_memory()
        return {**raw, "memory": sandbox.memory_bytes}
    try:
        return sandbox.logs()
    except ScriptFailure:
        return []


def serve(requests, answers) -> None:
    sandboxes: dict[int, Sandbox] = {}
    while header := requests.read(_HEADER.size):
        request = orjson.loads(requests.read(_HEADER.unpack(header)[0]))
        for number in request[-1] if isinstance(request[-1], list) else ():
            sandboxes.pop(number, None)
        body = orjson.dumps(_answer(sandboxes, request))
        answers.write(_HEADER.pack(len(body)) + body)
        answers.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
