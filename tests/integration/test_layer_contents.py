"""The Lambda layer ships what the functions run, and runs with only what the layer installs.

Two checks: every module of the layer is reached from a function's handler (functions/*/app.py) by its imports,
followed statically, lazy imports inside functions included (code only the CLI uses belongs to ``inlet_cli``); and,
on Python 3.12 (the Lambda runtime), in a virtual environment holding only layers/common/requirements.txt and boto3
(which the runtime provides), every module of the layer imports. The environment is built once by
``make layer-venv`` (.venv-layer, rebuilt when the requirements change).
"""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers/common"
LAYER_PYTHON = ROOT / ".venv-layer/bin/python"


def layer_modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(LAYER.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(LAYER).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported_by(path: Path, module: str) -> set[str]:
    """Every module name ``path`` imports, anywhere in it (``from a import b`` yields ``a`` and ``a.b``)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            names |= _loaded_by_name(node) or _registered_in(path)
        elif isinstance(node, ast.List | ast.Tuple):
            names |= _run_as_program(node)
    return names


def _run_as_program(command: ast.List | ast.Tuple) -> set[str]:
    """A command line ``[sys.executable, "-m", "inlet.x"]`` runs that module in a process of its own (the decoder
    sandbox's worker): it is reached as an import would reach it."""
    words = [n.value if isinstance(n, ast.Constant) else None for n in command.elts]
    return {words[i + 1] for i, word in enumerate(words[:-1]) if word == "-m" and isinstance(words[i + 1], str)}


def _registered_in(path: Path) -> set[str]:
    """``import_module(name)`` with a name looked up in a registry (``KINDS = {"lake": "inlet.destinations.lake"}``)
    reaches every layer module the file names in a string."""
    strings = {n.value for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Constant)}
    return {s for s in strings if isinstance(s, str) and s in layer_modules()}


def _loaded_by_name(call: ast.Call) -> set[str]:
    """A registry's ``import_module("inlet.x.y")`` reaches that module; ``import_module(f"inlet.x.{kind}")`` every
    module under ``inlet.x`` (the kinds it may load)."""
    argument = call.args[0] if call.args else None
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return {argument.value}
    if isinstance(argument, ast.JoinedStr) and argument.values and isinstance(argument.values[0], ast.Constant):
        prefix = str(argument.values[0].value)
        return {name for name in layer_modules() if name.startswith(prefix)}
    return set()


def reached_from_handlers() -> set[str]:
    modules, reached = layer_modules(), set()
    pending = [name for app in ROOT.glob("functions/*/app.py") for name in imported_by(app, "app")]
    while pending:
        parts = pending.pop().split(".")
        for end in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
            name = ".".join(parts[:end])
            if name in modules and name not in reached:
                reached.add(name)
                pending += imported_by(modules[name], name)
    return reached


def test_every_module_of_the_layer_is_run_by_a_function():
    unused = sorted(set(layer_modules()) - reached_from_handlers())
    assert unused == [], f"no function imports these: move them to the CLI (cli/inlet_cli): {unused}"


def test_the_layer_imports_on_python_3_12_with_only_its_own_requirements():
    subprocess.run(["make", "--no-print-directory", "-s", "layer-venv"], cwd=ROOT, check=True, timeout=900)
    modules = sorted(layer_modules())
    # -I: nothing of the caller's environment (PYTHONPATH, user site); the layer's folder is /opt/python on Lambda
    script = f"import importlib, sys\nsys.path.insert(0, {str(LAYER)!r})\n"
    script += "for name in sys.argv[1:]:\n    importlib.import_module(name)\nprint(sys.version)"
    env = {"PATH": os.environ["PATH"], "AWS_DEFAULT_REGION": "us-east-1"}
    run = subprocess.run([str(LAYER_PYTHON), "-I", "-c", script, *modules], capture_output=True, text=True, env=env,
                         timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith("3.12")
