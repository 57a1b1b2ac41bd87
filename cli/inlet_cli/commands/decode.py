"""``inlet decode``: run a connector on one payload and print what it returned, before any device depends on it.

With ``--file`` nothing but the script is needed (no stack); with ``--connector`` the version is read from the
target's store (built-in connectors need none). The script runs in the same engine, with the same limits, as in the
deployed function. ``--json`` prints, for ``ts013`` (and ``cayenne-lpp``), ``data``, ``warnings`` and ``errors`` as
the codec returned them; for ``tagoio``, the ``payload`` list the parser left. A failed decode exits non-zero.
"""

from __future__ import annotations

import argparse
import base64
import binascii
from datetime import UTC, datetime
from pathlib import Path

from inlet.core.decoding.cayenne import CayenneError, decode_cayenne
from inlet.core.decoding.contracts import tagoio_input, ts013_input
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import (
    BUILTIN_VERSION,
    CAYENNE_LPP,
    GENERIC_SENSOR,
    KIND_TAGOIO,
    KINDS,
    Connector,
    InvalidReference,
    parse_reference,
)

from inlet_cli.commands import target_of
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json

SCOPE = "inlet-decode"  # the engine keeps contexts per scope; a deployed function's scope is the tenant
DEVICE_ID = "inlet-decode"  # what a TagoIO parser sees as device.id


def register(groups, common: argparse.ArgumentParser) -> None:
    decode = groups.add_parser("decode", parents=[common], help="decode one payload with a connector or a script")
    which = decode.add_mutually_exclusive_group(required=True)
    which.add_argument("--connector", metavar="NAME[@VERSION]", help="a stored or built-in connector")
    which.add_argument("--file", metavar="FILE.js", help="a script on disk (no stack needed); give its --kind")
    decode.add_argument("--kind", choices=KINDS, help="the contract of --file (required with --file)")
    decode.add_argument("--port", type=int, help="the uplink's port (fPort); required for a ts013 codec")
    payload = decode.add_mutually_exclusive_group(required=True)
    payload.add_argument("--payload", metavar="HEX", help="the payload as hex")
    payload.add_argument("--base64", metavar="B64", help="the payload as base64")
    decode.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE", help="a device parameter (tagoio: device.params)"
    )
    decode.set_defaults(run=decode_payload)


def decode_payload(args: argparse.Namespace) -> int:
    payload, text = payload_of(args)
    connector = script_of(args) if args.file else stored_or_builtin(args)
    decoding = decode_with(connector, args, payload, text)
    kind = connector.kind if connector else "ts013"  # cayenne-lpp answers like a ts013 codec
    show(decoding, kind, args.file or decoding.connector, args.json)
    if decoding.failed:
        raise CliError(f"decoding failed: {'; '.join(decoding.errors) or 'no reason given'}")
    return 0


def decode_with(connector: Connector | None, args: argparse.Namespace, payload: bytes, text: str) -> Decoding:
    if connector is None:
        return decode_builtin(payload)
    if connector.kind == KIND_TAGOIO:
        device = {"id": DEVICE_ID, "params": params_of(args.param), "tags": []}
        return run_script(connector, tagoio_input(text, args.port), device)
    if args.param:
        raise CliError("--param is for tagoio parsers (device.params); a ts013 codec reads only its input")
    if args.port is None:
        raise CliError("a ts013 codec needs --port (the uplink's fPort)")
    return run_script(connector, ts013_input(payload, args.port, now_ms()))


def payload_of(args: argparse.Namespace) -> tuple[bytes, str]:
    """The payload's bytes, and the hex text a TagoIO parser gets (``--payload`` as given, base64 as hex)."""
    if args.payload is not None:
        try:
            return bytes.fromhex(args.payload), args.payload
        except ValueError:
            raise CliError(f"--payload is not hex: {args.payload[:40]!r}") from None
    try:
        payload = base64.b64decode(args.base64, validate=True)
    except (binascii.Error, ValueError):
        raise CliError(f"--base64 is not base64: {args.base64[:40]!r}") from None
    return payload, payload.hex()


def script_of(args: argparse.Namespace) -> Connector:
    if not args.kind:
        raise CliError("--file needs --kind ts013 or --kind tagoio")
    return Connector(Path(args.file).name, 0, args.kind, read_script(Path(args.file)))


def read_script(path: Path) -> str:
    try:
        source = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None
    if not source.strip():
        raise CliError(f"{path} is empty")
    return source


def stored_or_builtin(args: argparse.Namespace) -> Connector | None:
    """The stored version the reference names; ``None`` for cayenne-lpp (decoded in Python)."""
    if args.kind:
        raise CliError("--kind goes with --file: a connector's kind is stored with it")
    try:
        ref = parse_reference(args.connector)
    except InvalidReference as exc:
        raise CliError(str(exc)) from None
    if ref.name == GENERIC_SENSOR:
        raise CliError(f"{GENERIC_SENSOR} does not decode: it stores the payload as sent")
    if ref.name == CAYENNE_LPP:
        return None
    target = target_of(args)
    connector = target.connector_store().get(ref)
    if connector is None:
        raise CliError(f"connector {ref} does not exist in {target.source} (see `inlet connectors list`)")
    return connector


def params_of(pairs: list[str]) -> list[dict]:
    params = []
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise CliError(f"--param must be KEY=VALUE, got {pair[:40]!r}")
        params.append({"key": key.strip(), "value": value})
    return params


def decode_builtin(payload: bytes) -> Decoding:
    label = f"{CAYENNE_LPP}@{BUILTIN_VERSION}"
    try:
        data, warnings = decode_cayenne(payload)
    except CayenneError as exc:
        return Decoding.failure(label, str(exc))
    return Decoding(label, decoded=data, warnings=warnings)


def run_script(connector: Connector, script_input: object, device: dict | None = None, engine=None) -> Decoding:
    """One decode in ``engine`` (a fresh one by default: a file's label is no version, so it must not be cached)."""
    return (engine or script_engine()).decode(connector, SCOPE, DEVICE_ID, script_input, device, logs=True)


def script_engine():
    """QuickJS is imported only by the commands that run scripts: the others keep their start-up time."""
    from inlet.adapters.javascript.engine import ScriptEngine

    return ScriptEngine()


def now_ms() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def show(decoding: Decoding, kind: str, source: str, as_json: bool) -> None:
    """The result on stdout; console lines on stderr (with ``--json``, in ``logs``)."""
    if kind == KIND_TAGOIO:
        result = {"payload": decoding.decoded, "errors": decoding.errors, "warnings": decoding.warnings}
    else:
        result = {"data": decoding.decoded, "warnings": decoding.warnings, "errors": decoding.errors}
    if as_json:
        print_json({**result, "connector": source, "logs": decoding.logs})
        return
    for line in decoding.logs:
        note(f"console: {line}")
    for warning in decoding.warnings:
        note(f"warning: {warning}")
    if decoding.decoded is not None:
        print_json(decoding.decoded)
