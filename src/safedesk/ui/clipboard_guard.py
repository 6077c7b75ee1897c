"""Text copied from a record while someone is signed in: kept out of Windows clipboard history
and taken off the clipboard after 30 seconds, at a lock and at exit, if it is still there.

Ctrl+C and Ctrl+X in any text box, selectable label or list of the app are done here, with the
text marked private before Windows sees it. A copy made another way (a right-click menu's
Copy) is caught when the clipboard changes and the app owns it: it is put back marked private
and timed like the rest. What another program put on the clipboard is never touched, and
neither is a secret copied on purpose (the recovery code), which its own screen takes back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from safedesk.ui.clipboard import is_private, private_data

CLEAR_AFTER_MS = 30_000


def selected_text(widget: QObject) -> str | None:
    """What Ctrl+C would copy from ``widget`` (None when it is not a widget we copy from)."""
    if isinstance(widget, QLineEdit):
        if widget.echoMode() != QLineEdit.EchoMode.Normal:
            return None  # a password box copies nothing, and neither do we
        return widget.selectedText()
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return widget.textCursor().selection().toPlainText()
    if isinstance(widget, QLabel):
        return widget.selectedText() if widget.hasSelectedText() else ""
    if isinstance(widget, QAbstractItemView):
        index = widget.currentIndex()
        value = index.data() if index.isValid() else None
        return "" if value is None else str(value)
    return None


def _remove_selection(widget: QObject) -> None:
    """The cut half of Ctrl+X, in an editable box (undoable, as the box's own cut is)."""
    if isinstance(widget, QLineEdit) and not widget.isReadOnly():
        widget.del_()
    elif isinstance(widget, (QTextEdit, QPlainTextEdit)) and not widget.isReadOnly():
        widget.textCursor().removeSelectedText()


class ClipboardGuard(QObject):
    """Installed on the application; ``start`` at sign-in, ``stop`` at a lock or exit."""

    def __init__(
        self,
        app: QApplication,
        *,
        clear_after_ms: int = CLEAR_AFTER_MS,
        owns: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__()
        self._app = app
        self._clipboard: QClipboard = QGuiApplication.clipboard()
        # Whether the app itself put what is on the clipboard now (replaced in tests: the
        # offscreen platform never says it owns the clipboard).
        self._owns = owns or self._clipboard.ownsClipboard
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self.expire)
        self._copied: str | None = None  # the text this guard put on the clipboard
        self._setting = False
        self.active = False
        self._closed = False
        app.installEventFilter(self)
        self._clipboard.dataChanged.connect(self._changed)

    # --- while signed in ---------------------------------------------------------------------

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        """Signed out (a lock, or exit): what was copied from a record goes now."""
        self.active = False
        self.expire()

    def close(self) -> None:
        """At exit (and only once, however often the app says it is quitting)."""
        self.stop()
        if self._closed:
            return
        self._closed = True
        self._app.removeEventFilter(self)
        with contextlib.suppress(RuntimeError, TypeError):  # already gone with the app
            self._clipboard.dataChanged.disconnect(self._changed)

    @property
    def timing(self) -> bool:
        """Whether copied text is waiting for its time to be up."""
        return self._timer.isActive()

    @property
    def holding(self) -> str | None:
        """The copied text the guard will take off the clipboard, if it is still there."""
        if self._copied is not None and self._clipboard.text() == self._copied:
            return self._copied
        return None

    def copy(self, text: str) -> None:
        """Put ``text`` on the clipboard, private, and start its time."""
        self._setting = True
        try:
            self._clipboard.setMimeData(private_data(text))
        finally:
            self._setting = False
        self._copied = text
        self._timer.start()

    def expire(self) -> None:
        """Time is up (or the session ended): empty the clipboard if it holds what we put."""
        self._timer.stop()
        copied, self._copied = self._copied, None
        if copied is not None and self._clipboard.text() == copied:
            self._setting = True
            try:
                self._clipboard.clear()
            finally:
                self._setting = False

    # --- the copies ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.active or kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        cut = event.matches(QKeySequence.StandardKey.Cut)
        if not (cut or event.matches(QKeySequence.StandardKey.Copy)):
            return False
        if not isinstance(watched, QWidget) or watched is not QApplication.focusWidget():
            return False  # the same key press also passes through the focused widget's parents
        text = selected_text(watched)
        if not text:
            return False  # nothing of ours to copy: the widget does what it always did
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # ours, before any shortcut takes it
            return True
        self.copy(text)
        if cut:
            _remove_selection(watched)
        return True

    def _changed(self) -> None:
        """A copy made another way (a right-click menu's Copy): marked private and timed."""
        if self._setting or not self.active:
            return
        data = self._clipboard.mimeData()
        if not self._owns() or data is None or not data.hasText() or is_private(data):
            # Another program's, or a secret copied on purpose (its screen takes it back).
            return
        self.copy(data.text())
