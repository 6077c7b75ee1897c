"""Every data file the safedesk package holds, for the PyInstaller spec and its tests.

Derived from the package folder, not from a hand list: a file added to the package (a font,
a migration, a style sheet) is collected without anyone remembering to name it here.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = "safedesk"
# Python sources are compiled into the archive; caches and editor leftovers are not data.
NOT_DATA_SUFFIXES = frozenset({".py", ".pyc", ".pyo", ".pyi"})
NOT_DATA_PARTS = frozenset({"__pycache__"})
# Modules safedesk never uses: leaving them out keeps the folder small and start-up fast.
# The benchmark's bare window is built with the same list, so the two compare fairly.
EXCLUDES = [
    "tkinter",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.Qt3DCore",
    "PySide6.QtMultimedia",
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtPdf",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "pytest",
    "pytestqt",
]


def package_root(src: Path) -> Path:
    return src / PACKAGE


def data_files(src: Path) -> list[Path]:
    """Every non-Python file inside the package, as paths relative to ``src``."""
    root = package_root(src)
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(src)
        if not path.is_file() or NOT_DATA_PARTS & set(relative.parts):
            continue
        if path.suffix in NOT_DATA_SUFFIXES or path.name.endswith("~"):
            continue
        found.append(relative)
    return found


def pyinstaller_datas(src: Path) -> list[tuple[str, str]]:
    """(source file, folder inside the bundle) pairs, as PyInstaller's ``datas`` wants them."""
    return [(str(src / rel), str(rel.parent)) for rel in data_files(src)]
