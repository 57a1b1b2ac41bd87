"""Running the ``inlet`` CLI in-process, as the CLI tests do: its JSON output, or its one-line error."""

from __future__ import annotations

import json

import pytest
from inlet_cli.main import main


def run_json(capsys, *argv: str, code: int = 0):
    """Run a command with ``--json``; return what it printed, after checking the exit code."""
    assert main([*argv, "--json"]) == code
    return json.loads(capsys.readouterr().out)


def error_of(capsys, *argv: str, code: int = 1, notes_before: bool = False) -> str:
    """Run a failing command; return its error line after checking the exit code and the ``inlet: error:`` form.
    ``notes_before``: the command may print notes on stderr before the error (the error is then the last line)."""
    if code == 2:
        with pytest.raises(SystemExit) as exit_info:
            main(list(argv))
        assert exit_info.value.code == 2
    else:
        assert main(list(argv)) == code
    err = capsys.readouterr().err
    if notes_before:
        assert err.startswith("inlet: error: ") and err.endswith("\n"), err
        return err.splitlines()[-1]
    assert err.startswith("inlet: error: ") and err.count("\n") == 1, err
    return err
