"""Expected failures of the CLI, and the one line each of them becomes on stderr (never a traceback)."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)
from inlet.core.keys import KEY_SHAPED
from inlet.errors import InletError
from inlet.settings import ConfigurationError

HIDDEN_KEY = "at... (a key: not shown)"


class CliError(Exception):
    """A failure the user can act on; its message is printed as ``inlet: error: <message>``."""


EXPECTED = (CliError, InletError, ConfigurationError, OSError, BotoCoreError, ClientError)


def without_keys(text: str) -> str:
    """``text`` with anything shaped like a key masked: error lines quote arguments, and a key pasted in the wrong
    place (``inlet keys revoke <key>``, a stray argument) must not end up in a terminal's scrollback or a CI log."""
    return KEY_SHAPED.sub(HIDDEN_KEY, text)


def explain(exc: BaseException) -> str:
    """One line that says what went wrong and, where it helps, what to do about it."""
    if isinstance(exc, InletError):
        return exc.message
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"AWS {exc.operation_name} failed: {error.get('Code', 'Error')}: {error.get('Message', '')}".rstrip(": ")
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach {exc.kwargs.get('endpoint_url')}: is the emulator or `inlet local run` still running?"
    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials found: configure a profile or AWS_* variables, or use --local"
    if isinstance(exc, NoRegionError):
        return "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), or use --local"
    if isinstance(exc, ProfileNotFound):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc) or type(exc).__name__
