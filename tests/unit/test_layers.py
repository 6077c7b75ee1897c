"""The Qt-free core really is Qt-free, and ui/ writes no SQL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import safedesk

CORE = ["domain", "store", "services", "reports", "demo"]
SOURCE = Path(safedesk.__file__).parent


def test_core_imports_without_qt() -> None:
    modules = [
        "safedesk." + ".".join(p.relative_to(SOURCE).with_suffix("").parts)
        for package in CORE
        for p in (SOURCE / package).rglob("*.py")
    ] + ["safedesk.cli", "safedesk.cli.main", "safedesk.pdf_pages", "safedesk.paths"]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name.removesuffix('.__init__'))\n"
        "leaked = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken')))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_ui_writes_no_sql() -> None:
    sql = re.compile(r"\b(sqlcipher3|sqlite3|execute\(|SELECT\s|INSERT\s|UPDATE\s|DELETE\s)")
    offenders = [
        str(p.relative_to(SOURCE))
        for p in (SOURCE / "ui").rglob("*.py")
        if sql.search(p.read_text("utf-8"))
    ]
    assert offenders == []
