"""Copying a secret (the recovery code): kept out of Windows clipboard history and the cloud
clipboard, and taken back off the clipboard when the screen that showed it closes."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtGui import QGuiApplication

_NO = (0).to_bytes(4, "little")  # a DWORD 0
# Registered Windows clipboard formats that clipboard history and monitors honour.
PRIVATE_FORMATS = {
    "ExcludeClipboardContentFromMonitorProcessing": b"\x00",
    "CanIncludeInClipboardHistory": _NO,
    "CanUploadToCloudClipboard": _NO,
}


def windows_format(name: str) -> str:
    return f'application/x-qt-windows-mime;value="{name}"'


def copy_secret(text: str) -> None:
    data = QMimeData()
    data.setText(text)
    for name, value in PRIVATE_FORMATS.items():
        data.setData(windows_format(name), QByteArray(value))
    QGuiApplication.clipboard().setMimeData(data)


def forget_secret(text: str) -> None:
    """Empty the clipboard if it still holds ``text`` (and leave anything else alone)."""
    clipboard = QGuiApplication.clipboard()
    if text and clipboard.text() == text:
        clipboard.clear()
