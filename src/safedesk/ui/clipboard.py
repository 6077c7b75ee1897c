"""Copying a secret (the recovery code) or a record's text: kept out of Windows clipboard
history and the cloud clipboard, and taken back off the clipboard when it is no longer needed
(the screen that showed it closes, or the clipboard guard's time is up)."""

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


def private_data(text: str) -> QMimeData:
    """``text`` as plain text, marked for Windows to keep out of history and the cloud."""
    data = QMimeData()
    data.setText(text)
    for name, value in PRIVATE_FORMATS.items():
        data.setData(windows_format(name), QByteArray(value))
    return data


def is_private(data: QMimeData | None) -> bool:
    """Whether ``data`` carries the marks that keep it out of clipboard history."""
    return data is not None and all(data.hasFormat(windows_format(n)) for n in PRIVATE_FORMATS)


def copy_secret(text: str) -> None:
    QGuiApplication.clipboard().setMimeData(private_data(text))


def forget_secret(text: str) -> None:
    """Empty the clipboard if it still holds ``text`` (and leave anything else alone)."""
    clipboard = QGuiApplication.clipboard()
    if text and clipboard.text() == text:
        clipboard.clear()
