"""The CLI's layering: the inspector (a server of its own) never imports from the command modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
INSPECTOR = Path(__file__).resolve().parents[2] / "cli" / "inlet_cli" / "inspector"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    found |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return found


@pytest.mark.parametrize("path", sorted(INSPECTOR.glob("*.py")), ids=lambda p: p.name)
def test_the_inspector_does_not_import_the_commands(path):
    assert not [m for m in imported_modules(path) if m.startswith("inlet_cli.commands")]
