"""The one place the app asks for files and folders (tests replace these functions)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


def choose_folder(parent: QWidget | None, title: str, start: Path) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
    return Path(chosen) if chosen else None


def choose_file(parent: QWidget | None, title: str, start: Path, filter_text: str) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start), filter_text)
    return Path(chosen) if chosen else None
