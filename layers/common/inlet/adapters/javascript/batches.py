"""How many uplinks go into one call into the engine: as many as fit well within one uplink's limits.

A call decodes its uplinks one after the other under the limits of one uplink (QuickJS times a call from Python,
and a script cannot call back to reset it). So a call holds what should take a quarter of the CPU time limit, by
the pace measured on the previous calls of that context, and at most ``MAX_CALL_CHARS`` of input; a context's first
call holds a few. Should a call still run out of time, the uplinks it had not answered run again (engine.py).
"""

from __future__ import annotations

import orjson

from inlet.core.decoding.references import KIND_TAGOIO
from inlet.core.decoding.tagoio_columns import TagoioColumns, columns_of_records

FIRST_CALL_JOBS = 8  # a context's pace is not known yet
MAX_CALL_JOBS = 500
MAX_CALL_CHARS = 256 * 1024  # the input of one call, kept in the context's memory while the call runs
SHARE_OF_TIME_LIMIT = 0.25


def prepared(kind: str, jobs: list) -> list:
    """The jobs with a TagoIO input in columns (``inlet.core.decoding.tagoio_columns``), however it was given."""
    if kind != KIND_TAGOIO:
        return jobs
    return [
        job
        if not isinstance(job.script_input, list)
        else job._replace(script_input=columns_of_records(job.script_input))
        for job in jobs
    ]


def encode_jobs(kind: str, jobs: list) -> list[str]:
    """One JSON line per (prepared) job, JSON text never holding a raw newline: ``[device, input]``; TagoIO's
    ``[device, info, group, time, names, values, extras]`` (tagoio.js), or with names null and the input last
    when it is not a list."""
    if kind == KIND_TAGOIO:
        rows = [_tagoio_row(job) for job in jobs]
    else:
        rows = [[job.device, job.script_input] for job in jobs]
    return [orjson.dumps(row).decode() for row in rows]


def _tagoio_row(job) -> list:
    columns, info = job.script_input, job.device_info or {}
    if not isinstance(columns, TagoioColumns):
        return [job.device, info, None, None, None, None, columns]
    return [job.device, info, columns.group, columns.time, columns.names, columns.values, columns.extras]


def chunk_end(lines: list[str], start: int, sandbox) -> int:
    """The end (exclusive) of the call that starts at ``start``: at least one job."""
    pace = sandbox.seconds_per_job
    most = (
        FIRST_CALL_JOBS if pace is None else int(sandbox.limits.cpu_ms / 1000 * SHARE_OF_TIME_LIMIT / max(pace, 1e-7))
    )
    end, chars = start, 0
    limit = min(len(lines), start + max(1, min(most, MAX_CALL_JOBS)))
    while end < limit and (end == start or chars + len(lines[end]) <= MAX_CALL_CHARS):
        chars += len(lines[end]) + 1
        end += 1
    return end


def record_pace(sandbox, answered: int, seconds: float) -> None:
    """The context's time per job, from a call that answered ``answered`` jobs in ``seconds``: a slower pace is taken
    at once (the next call must fit), a faster one halfway."""
    if answered:
        pace = seconds / answered
        previous = sandbox.seconds_per_job
        sandbox.seconds_per_job = pace if previous is None or pace > previous else (previous + pace) / 2
