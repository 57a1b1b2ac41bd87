"""``inlet local run`` (``make run``) and ``inlet local invoke EVENT.json`` (``make invoke``): no AWS, no Docker."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
from pathlib import Path

from inlet_cli.errors import CliError
from inlet_cli.local import env as local_env
from inlet_cli.local import persistence
from inlet_cli.local import stack as local_stack
from inlet_cli.local import state as local_state
from inlet_cli.local.announce import announce
from inlet_cli.local.api_event import ROUTE_PATH, LambdaContext
from inlet_cli.local.changes import ChangeWatcher
from inlet_cli.local.forward import LocalForwarding, start_tagoio_forwarding
from inlet_cli.local.http_server import Invoker, LocalApiServer
from inlet_cli.local.persistence import Emulator, Persistence
from inlet_cli.output import print_json
from inlet_cli.settings import local_stack_running
from inlet_cli.targets import from_local_state

DEFAULT_PORT = 3000
# A network server's body given to `invoke` would reach the handler without headers and get a bare 401
NOT_AN_EVENT = (
    "{path} looks like a request body, not an API Gateway event (it has no requestContext and no version): "
    "`inlet local invoke` takes an HTTP API payload 2.0 event, whose headers carry the key and whose body is this "
    "JSON as a string (see events/uplink-single.json). To send this body as it is, start `make run` and POST it: "
    'curl -X POST http://127.0.0.1:${{INLET_PORT:-3000}}/uplink -H "Authorization: $(cat .inlet/demo-key)" '
    '-H "Content-Type: application/json" --data-binary {json}'
)


def register(groups, common: argparse.ArgumentParser) -> None:
    group = groups.add_parser("local", help="run the endpoint on this machine (no AWS account, no Docker)")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="serve POST /uplink on 127.0.0.1 with an in-process AWS emulator")
    run.add_argument("--port", type=int, help=f"default: $INLET_PORT or {DEFAULT_PORT}; 0 picks a free port")
    run.add_argument("--with-tagoio", action="store_true", help="also run a local TagoIO; a demo key forwards to it")
    run.add_argument("--reset", action="store_true", help="start afresh: forget the data of the previous runs")
    run.set_defaults(run=run_stack)

    reset = commands.add_parser("reset", help="forget the local stack's data (its next start seeds the demo data)")
    reset.set_defaults(run=reset_data)

    invoke = commands.add_parser("invoke", help="invoke the real handler once with an event file, print its result")
    invoke.add_argument("event", metavar="EVENT.json", help="an API Gateway HTTP API (payload 2.0) event")
    invoke.add_argument("--local", action="store_true", help="use the running `inlet local run` stack")
    invoke.set_defaults(run=invoke_once)


def run_stack(args: argparse.Namespace) -> int:
    port = args.port if args.port is not None else _env_port()
    try:
        server = LocalApiServer(port, listen=False)  # the port is ours now; connections wait until all is ready
    except OSError as exc:
        raise CliError(
            f"cannot listen on 127.0.0.1:{port} ({exc.strerror}): set INLET_PORT or --port (0: any)"
        ) from None
    for signum in (signal.SIGINT, signal.SIGTERM):  # `kill` stops as cleanly as Ctrl-C, even in a background job
        signal.signal(signum, _interrupt)
    if args.reset:
        reset_data(args)
    # an emulator named by AWS_ENDPOINT_URL keeps (or forgets) its data itself
    kept = None if os.environ.get("AWS_ENDPOINT_URL") else Persistence(local_env.state_dir())
    with server, local_stack.local_aws("server", journal=kept and kept.journal) as aws:
        key_file, forwarding = _prepare(server, aws, args.with_tagoio, kept)
        extra = forwarding.state() if forwarding else None
        state = local_state.write_state(local_env.state_dir(), aws, _url(server), key_file, extra)
        try:
            # Only now: whoever connects (a script waiting for the port) finds the state file, tables and demo data
            server.server_activate()
            announce(_url(server), aws, key_file)
            if forwarding:
                print("\n".join(["Forwarding to a local TagoIO:", *forwarding.describe()]), flush=True)
            server.serve_forever()
        except KeyboardInterrupt:
            print("\nInlet stopped.", flush=True)
        finally:
            if forwarding:
                forwarding.stop()
            if kept:
                kept.stop(Emulator(aws.endpoint_url, aws.region))
            if aws.emulator == "moto":
                local_state.remove_state(state)
    return 0


def _prepare(
    server: LocalApiServer, aws: local_stack.LocalAws, with_tagoio: bool, kept: Persistence | None
) -> tuple[Path, LocalForwarding | None]:
    """Tables, the data of the previous runs (or the demo data), keys, the function behind the server; TagoIO
    forwarding when asked for."""
    emulator = Emulator(aws.endpoint_url, aws.region) if kept else None
    keys = local_stack.prepare_stack(aws, restore=kept and emulator and (lambda: kept.start(emulator)))
    directory = local_env.state_dir()
    key_file = local_state.create_demo_key(keys, directory)
    # only with --with-tagoio: the poller standing in for SQS is the local stack's only background AWS work
    forwarding = start_tagoio_forwarding(keys, directory) if with_tagoio else None
    watcher = ChangeWatcher(directory, local_stack.recycle_function)  # the CLI's --local changes apply at once
    server.invoke = Invoker(local_stack.load_handler(), before=watcher.check)
    return key_file, forwarding


def reset_data(args: argparse.Namespace) -> int:
    directory = local_env.state_dir()
    if local_stack_running():
        raise CliError(f"a local stack is running on {directory}: stop it first (Ctrl-C), or run it with --reset")
    forgotten = persistence.reset(directory)
    print(f"Local data {'forgotten' if forgotten else 'was already empty'} ({directory / persistence.DATA_DIR})")
    return 0


def _url(server: LocalApiServer) -> str:
    return f"http://127.0.0.1:{server.server_port}{ROUTE_PATH}"


def invoke_once(args: argparse.Namespace) -> int:
    event = _read_event(Path(args.event))
    if args.local:
        stack = from_local_state()
        local_stack.use_endpoint(stack.endpoint_url or "", stack.region or local_env.REGION, dummy=True)
    with local_stack.local_aws("mock") as aws:
        local_stack.prepare_stack(aws)
        result = local_stack.load_handler()(event, LambdaContext())
    print_json(result, indent=None)
    return 0


def _read_event(path: Path) -> dict:
    try:
        event = json.loads(path.read_text())
    except ValueError as exc:
        raise CliError(f"{path} is not JSON: {exc}") from None
    if isinstance(event, list) or (isinstance(event, dict) and not _is_api_event(event)):
        raise CliError(NOT_AN_EVENT.format(path=path, json=shlex.quote(f"@{path}")))
    if not isinstance(event, dict):
        raise CliError(f"{path} is not an API Gateway event (a JSON object)")
    return event


def _is_api_event(event: dict) -> bool:
    """What every API Gateway event has and an uplink body has not: the request context and the route or version."""
    context = event.get("requestContext")
    return isinstance(context, dict) and any(name in event for name in ("version", "routeKey", "httpMethod"))


def _env_port() -> int:
    text = os.environ.get("INLET_PORT") or str(DEFAULT_PORT)
    if not text.isdigit() or int(text) > 65535:
        raise CliError(f"INLET_PORT must be a port number, got {text!r}")
    return int(text)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
