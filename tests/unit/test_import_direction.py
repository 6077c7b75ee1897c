"""Imports point one way (the design's "Shape of the code"): domain <- store <- services <- cli,
ui, demo; reports use domain types and are called by services, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "safedesk"
LAYERS = ("domain", "store", "services", "reports", "ui", "cli", "demo")
MAY_IMPORT = {
    "domain": {"domain"},
    "store": {"domain", "store"},
    "reports": {"domain", "reports"},
    "services": {"domain", "store", "services", "reports"},
    "ui": {"domain", "services", "ui"},
    "cli": {"domain", "store", "services", "cli"},
    "demo": {"domain", "store", "services", "demo"},
}


def imported_layers(path: Path) -> list[tuple[int, str]]:
    """(line, layer) for every import of another safedesk layer, type-checking ones too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "safedesk" and len(parts) > 1 and parts[1] in LAYERS:
                found.append((node.lineno, parts[1]))
    return found


def wrong_way(layer: str) -> list[str]:
    problems = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line, target in imported_layers(path):
            if target not in MAY_IMPORT[layer]:
                problems.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
    return problems


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_only_the_layers_beneath_it(layer: str) -> None:
    assert wrong_way(layer) == []


def test_the_check_finds_an_import_the_wrong_way(tmp_path: Path) -> None:
    wrong = tmp_path / "page.py"
    wrong.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from safedesk.store.db import X\n"
    )
    assert imported_layers(wrong) == [(3, "store")]
