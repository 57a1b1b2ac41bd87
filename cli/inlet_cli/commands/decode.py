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

from inlet.codecs import SCRIPT_KINDS, builtin_connector, codec_for
from inlet.core.decoding.outcome import Decoding
from inlet.core.decoding.references import GENERIC_SENSOR, Connector, InvalidReference, parse_reference
from inlet.service.decoding import decode_with

from inlet_cli.commands import target_of
from inlet_cli.errors import CliError
from inlet_cli.output import note, print_json
from inlet_cli.typescript import is_typescript, transpile

SCOPE = "inlet-decode"  # the engine keeps contexts per scope; a deployed function's scope is the tenant
DEVICE_ID = "inlet-decode"  # what a TagoIO parser sees as device.id


def register(groups, common: argparse.ArgumentParser) -> None:
    decode = groups.add_parser("decode", parents=[common], help="decode one payload with a connector or a script")
    which = decode.add_mutually_exclusive_group(required=True)
    which.add_argument("--connector", metavar="NAME[@VERSION]", help="a stored or built-in connector")
    which.add_argument("--file", metavar="FILE.js|FILE.ts", help="a script on disk (no stack needed)")
    decode.add_argument("--kind", choices=SCRIPT_KINDS, help="the contract of --file (default: told from the script)")
    decode.add_argument("--port", type=int, help="the uplink's port (fPort); required for a ts013 codec")
    payload = decode.add_mutually_exclusive_group(required=True)
    payload.add_argument("--payload", metavar="HEX", help="the payload as hex")
    payload.add_argument("--base64", metavar="B64", help="the payload as base64")
    decode.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE", help="a device parameter (tagoio: device.params)"
    )
    decode.set_defaults(run=decode_payload)


def decode_payload(args: argparse.Namespace) -> int:
    _, text = payload_of(args)
    connector = script_of(args) if args.file else stored_or_builtin(args)
    decoding = decode_with_args(connector, args, text)
    show(decoding, connector, args.file or decoding.connector, args.json)
    if decoding.failed:
        raise CliError(f"decoding failed: {'; '.join(decoding.errors) or 'no reason given'}")
    return 0


def decode_with_args(connector: Connector, args: argparse.Namespace, text: str) -> Decoding:
    codec = codec_for(connector.kind)
    if args.param and codec.device_info(DEVICE_ID, None) is None:
        raise CliError(f"--param is for tagoio parsers (device.params); a {connector.kind} codec reads only its input")
    if args.port is None and codec.needs_port:
        raise CliError(f"a {connector.kind} codec needs --port (the uplink's fPort)")
    return decode_one(connector, text, args.port, params_of(args.param))


def decode_one(
    connector: Connector, text: str, port: object, params: list[dict], engine=None, time: str | None = None
) -> Decoding:
    """One payload (hex text) decoded as ingest decodes an uplink with these fields (in a fresh engine by default:
    a file's label is no version, so its context must not be reused). ``time``: the uplink's (now by default)."""
    record = {"tenant": SCOPE, "serial": DEVICE_ID, "payload": text, "port": port, "time": time or now_ms()}
    device = {"params": params}
    if engine is None and codec_for(connector.kind).scripted:
        engine = script_engine()
    return decode_with(connector, [(record, device)], logs=True, engine=engine, keep_input=False)[0]


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
    from inlet_cli.commands.connectors import kind_of

    source = read_script(Path(args.file))
    return Connector(Path(args.file).name, 0, kind_of(source, args.kind, args.file), source)


def read_script(path: Path) -> str:
    """The JavaScript of a script on disk (a TypeScript one transpiled)."""
    return read_source(path)[0]


def read_source(path: Path) -> tuple[str, str]:
    """``(javascript, typescript)`` of a script on disk: a ``.ts`` file is transpiled (``typescript`` is the file),
    any other is JavaScript (``typescript`` is empty)."""
    try:
        source = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None
    if not source.strip():
        raise CliError(f"{path} is empty")
    if is_typescript(path):
        return transpile(source, str(path)), source
    return source, ""


def stored_or_builtin(args: argparse.Namespace) -> Connector | None:
    """The built-in or stored connector the reference names."""
    if args.kind:
        raise CliError("--kind goes with --file: a connector's kind is stored with it")
    try:
        ref = parse_reference(args.connector)
    except InvalidReference as exc:
        raise CliError(str(exc)) from None
    if ref.name == GENERIC_SENSOR:
        raise CliError(f"{GENERIC_SENSOR} does not decode: it stores the payload as sent")
    if ref.builtin:
        connector = builtin_connector(ref)
        if connector is None:
            raise CliError(f"{ref.name} is built in and has only version 1")
        return connector
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


def script_engine():
    """QuickJS is imported only by the commands that run scripts: the others keep their start-up time."""
    from inlet.adapters.javascript.engine import ScriptEngine

    return ScriptEngine()


def now_ms() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def show(decoding: Decoding, connector: Connector, source: str, as_json: bool) -> None:
    """The result on stdout; console lines on stderr (with ``--json``, in ``logs``)."""
    result = codec_for(connector.kind).shown(decoding)
    if as_json:
        print_json({**result, "connector": source, "logs": decoding.logs})
        return
    for line in decoding.logs:
        note(f"console: {line}")
    for warning in decoding.warnings:
        note(f"warning: {warning}")
    if decoding.decoded is not None:
        print_json(decoding.decoded)
    if decoding.normalized is not None:
        note("normalized (normalizeUplink):")
        print_json(decoding.normalized)
