"""What comes back from the engine: the text of a batch read into answers, and each answer into a Decoding.

The text is read whole when it can be, otherwise answer by answer: nothing a script outputs (nested past the
reader's 1,024 levels, say) fails another uplink than its own. Every reason is bounded (contracts.MAX_MESSAGE_CHARS).
"""

from __future__ import annotations

import orjson

from inlet.codecs import codec_for
from inlet.core.decoding.contracts import (
    MAX_DECODED_BYTES,
    MAX_DECODED_DEPTH,
    ContractViolation,
    bounded_reason,
    check_depth,
    check_tagoio_record,
)
from inlet.core.decoding.kept_input import KeptInput, kept_input
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import Connector


def read_answers(text: str) -> tuple[dict, list]:
    """The first line of a batch's text (``{"stop", "at"}``) and its answers, one per job answered (prelude.js).

    Read whole when it can be; otherwise answer by answer, an answer that cannot be read (nested deeper than the
    reader's 1,024 levels) becoming ``["X", why]``: nothing a script outputs fails another uplink than its own.
    """
    head, _, rest = text.partition("\n")
    try:
        return orjson.loads(head), orjson.loads(f"[{rest}]")
    except orjson.JSONDecodeError:
        pass
    answers = []
    for part in rest.split(",\n") if rest else []:
        try:
            answers.append(orjson.loads(part))
        except orjson.JSONDecodeError as exc:
            answers.append(["X", f"the output cannot be read (nested too deeply?): {bounded_reason(str(exc))}"])
    return orjson.loads(head), answers


def decoding_of(connector: Connector, answer: list, job, keep_input: bool = False) -> Decoding:
    """A job's answer from the engine: ``["R", routine, value]``, ``["E", message]``, ``["L", output length]`` or
    TagoIO's ``["T", length, runs, others]`` (input records sent back by index: tagoio.js)."""
    try:
        if answer[0] == "E":
            return Decoding.failure(connector.label, f"script error: {bounded_reason(answer[1])}")
        if answer[0] == "X":
            raise ContractViolation(answer[1])
        if answer[0] == "L":
            raise ContractViolation(f"the decoded output is {answer[1]} bytes, the limit is {MAX_DECODED_BYTES}")
        if answer[0] == "T":
            kept = _payload_by_index(answer, job.script_input)
            return Decoding(connector.label, decoded=kept if keep_input else kept.records())
        return _read(connector, answer[1], answer[2])
    except ContractViolation as violation:
        return Decoding.failure(connector.label, f"wrong output: {violation}")


def _payload_by_index(answer: list, columns) -> KeptInput:
    """A TagoIO result from ``["T", n, runs [position, input index, count], others [position, record, ...]]``; only
    the others need checking: the plain input records are records with a name."""
    _, _, runs, others = answer
    for at in range(0, len(others), 2):
        check_tagoio_record(others[at], others[at + 1])
    check_depth(others, MAX_DECODED_DEPTH - 1)  # its records are one level down, as in the result's list
    return kept_input(runs, others, columns)


def _read(connector: Connector, routine: str, value: object) -> Decoding:
    return codec_for(connector.kind).read_answer(connector.label, routine, value)
