"""The local stack without an AWS account or Docker: an AWS emulator, the template's tables, the demo data and the
real handler (``state`` writes what the CLI's ``--local`` reads).

The emulator is moto in this process (a server on a free port for ``inlet local run``, ``mock_aws`` for
``inlet local invoke``) unless ``AWS_ENDPOINT_URL`` already names one (LocalStack, a counting proxy...).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
from inlet.adapters.devices import DeviceStore
from inlet.adapters.keys import KeyStore

from inlet_cli.local import env as local_env
from inlet_cli.local.journal import Journal, journaling
from inlet_cli.template import ROOT, create_tables

FUNCTION_DIR = ROOT / "functions" / "uplink"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
# The function's event holds the key (header or query string): Powertools must never log it here either.
FORCED_ENVIRONMENT = {"POWERTOOLS_LOGGER_LOG_EVENT": "false"}


@dataclass(frozen=True)
class LocalAws:
    endpoint_url: str  # empty for moto's in-process mock
    region: str
    emulator: str  # "moto" (dies with this process), "mock" or "external"


@contextmanager
def local_aws(in_process: str = "server", journal: Journal | None = None) -> Iterator[LocalAws]:
    """``AWS_ENDPOINT_URL``'s emulator if set, else moto in this process (``"server"`` or ``"mock"``); the server
    writes its changes to ``journal`` when one is given (``persistence``)."""
    if os.environ.get("AWS_ENDPOINT_URL"):
        yield use_endpoint(os.environ["AWS_ENDPOINT_URL"], external_region(), dummy=False)
        return
    if in_process == "mock":
        from moto import mock_aws

        with mock_aws():
            yield use_endpoint("", local_env.REGION, dummy=True, emulator="mock")
        return
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines would drown the access log
    server = journaled_moto_server(journal)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield use_endpoint(f"http://{host}:{port}", local_env.REGION, dummy=True, emulator="moto")
    finally:
        server.stop()


def journaled_moto_server(journal: Journal | None):
    """moto's threaded server on a free port of 127.0.0.1, its application behind the journal when there is one
    (``ThreadedMotoServer._server_entry`` as moto 5 writes it, with the middleware added)."""
    from moto.moto_server.threaded_moto_server import MotoRequestHandler
    from moto.server import DomainDispatcherApplication, ThreadedMotoServer, create_backend_app
    from werkzeug.serving import make_server

    class JournaledMotoServer(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            served = journaling(app, journal) if journal else app
            self._server = make_server(self._ip_address, self._port, served, True, request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

    return JournaledMotoServer(ip_address="127.0.0.1", port=0, verbose=False)


def external_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or local_env.REGION


def use_endpoint(url: str, region: str, dummy: bool, emulator: str = "external") -> LocalAws:
    """Point this process's AWS clients at the emulator; dummy credentials keep any real account out of reach."""
    if url:
        os.environ["AWS_ENDPOINT_URL"] = url
    os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = region
    if dummy:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            os.environ.pop(name, None)
        os.environ.update(DUMMY_CREDENTIALS)
    elif not (os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE")):
        os.environ.update(DUMMY_CREDENTIALS)  # emulators accept any credentials, but boto3 must sign with some
    return LocalAws(url, region, emulator)


def prepare_stack(aws: LocalAws, restore: Callable[[], int] | None = None) -> KeyStore:
    """The function's environment, the template's tables, then the data of the previous runs (``restore``: how
    many changes it played back) or, for a stack with none, the events' demo data; returns the key store."""
    environment = local_env.function_environment(AWS_DEFAULT_REGION=aws.region)
    names = {"KEYS_PATH", "DEVICES_TABLE", "RECORDS_TABLE", "DEDUP_TABLE", "NETWORK_TOKEN_PATH", "AWS_DEFAULT_REGION"}
    for name, value in environment.items():
        if name in names:
            os.environ[name] = value  # this stack's names, whatever a shell exported for a deployed one
        else:
            os.environ.setdefault(name, value)  # tuning (dedup window, log level...) may be overridden
    os.environ.update(FORCED_ENVIRONMENT)
    dynamodb = boto3.client("dynamodb")
    create_tables(dynamodb, local_env.TABLES)
    keys = KeyStore(local_env.KEYS_PATH, ssm=boto3.client("ssm"))
    if not (restore and restore()):  # a restored stack keeps what its user changed, the demo data included
        local_env.seed_events_data(keys, DeviceStore(local_env.TABLES["DevicesTable"], dynamodb=dynamodb))
    return keys


class _Stderr:
    """Writes to whatever ``sys.stderr`` is now (it changes under test capture)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def load_handler() -> Callable[[dict, object], dict]:
    """The real ``app.handler``, imported only now: its Logger and Metrics read the environment set above."""
    if str(FUNCTION_DIR) not in sys.path:
        sys.path.insert(0, str(FUNCTION_DIR))
    app = importlib.import_module("app")
    # function logs on stderr, results on stdout (as sam local). Assigned, not setStream(): that flushes the old
    # stream, which may be closed when the module was imported earlier in the same process (tests).
    app.logger.registered_handler.stream = _Stderr()
    return app.handler


def recycle_function() -> None:
    """A fresh warm instance of the uplink function: its key and device caches start empty (its clients stay)."""
    from inlet.service.wiring import dependencies

    dependencies.cache_clear()
