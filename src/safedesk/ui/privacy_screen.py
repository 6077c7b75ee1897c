"""The privacy key: F12 (or Ctrl+Shift+H, or Hide at the top of every page) blanks safedesk at
once when a child or parent walks into the office, and only the signed-in person's own
password brings it back, exactly as it was.

The main window's content is hidden, not drawn over (so the taskbar preview and Alt+Tab show
nothing either), and every other window of the app is hidden with it. A dialog waiting for an
answer (a message box) cannot be hidden without answering it, so it is made invisible and
left where it is. Over the blank window comes the cover: "safedesk — screen hidden", the
password box, and Lock instead. The cover is modal, above any dialog that was, so its box
takes the keys whatever was open. The password is checked off the UI thread against the
account's own key slot, with the sign-in back-off (services.password_check).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.errors import SafedeskError, SignInBackoff
from safedesk.domain.formatting import counted
from safedesk.ui import msgbox, tasks
from safedesk.ui.errors import user_message

if TYPE_CHECKING:
    from safedesk.services.session import Session

log = logging.getLogger(__name__)

SHORTCUT_TEXT = "F12 or Ctrl+Shift+H"
_KEYS = {
    (Qt.Key.Key_F12, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
}
HIDDEN_TITLE = "safedesk — screen hidden"


def is_privacy_key(event: QKeyEvent) -> bool:
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return (Qt.Key(event.key()), modifiers) in _KEYS


def _alive(widget: QWidget | None) -> bool:
    return widget is not None and shiboken6.isValid(widget)


def _blank_over(widget: QWidget, text: str = "") -> QLabel:
    """A plain child over the whole of ``widget``, hiding what it shows (kept in place by the
    filter as the window is resized)."""
    blank = QLabel(text, widget)
    blank.setObjectName("Subtitle")
    blank.setAlignment(Qt.AlignmentFlag.AlignCenter)
    blank.setAutoFillBackground(True)
    blank.setGeometry(widget.rect())
    blank.show()
    blank.raise_()
    return blank


def _check(session: Session, password: str) -> int:
    # Imported on the worker thread: the key derivation's modules load there.
    from safedesk.services.password_check import check_own_password

    return check_own_password(session, password)


class PrivacyCover(QFrame):
    """The cover: a frameless window over the main window's place, modal to the whole app."""

    password_given = Signal(str)
    lock_requested = Signal()
    closed = Signal()

    def __init__(self, owner: QWidget, display_name: str) -> None:
        super().__init__(owner, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("PrivacyCover")
        self.setWindowTitle(HIDDEN_TITLE)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            "#PrivacyCover { background: #f6f7f9; }"
            "#PrivacyBox { background: white; border: 1px solid #d5dbe3; border-radius: 6px; }"
        )
        title = QLabel(HIDDEN_TITLE)
        title.setObjectName("Title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        who = QLabel(f"{display_name} is signed in. Type your password to show the screen again.")
        who.setObjectName("Subtitle")
        who.setTextFormat(Qt.TextFormat.PlainText)
        who.setWordWrap(True)
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        caption = QLabel("&Password")
        caption.setBuddy(self.password)
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the password check takes a moment on purpose
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.setAccessibleName("Checking the password")
        self.progress.hide()
        self.show_button = QPushButton("&Show the screen")
        self.show_button.setObjectName("Primary")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.submit)
        self.lock_button = QPushButton("&Lock instead")
        self.lock_button.setToolTip("Sign out now: a half-typed record is kept as a draft")
        self.lock_button.setAutoDefault(False)
        self.lock_button.clicked.connect(self.lock_requested)
        self.password.returnPressed.connect(self.submit)

        box = QFrame()
        box.setObjectName("PrivacyBox")
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(10)
        inner.addWidget(title)
        inner.addWidget(who)
        inner.addWidget(caption)
        inner.addWidget(self.password)
        inner.addWidget(self.error)
        inner.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.addWidget(self.lock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_button)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 4)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setTabOrder(self.password, self.show_button)
        self.setTabOrder(self.show_button, self.lock_button)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Alt+F4 on the cover must not leave a blank window with no way back: it comes back at
        # once (see PrivacyScreen). Never refused, so Windows shutting down is never held up.
        super().closeEvent(event)
        self.closed.emit()

    def submit(self) -> None:
        password = self.password.text()
        if not password:
            self.show_error("Please type your password in Password.")
            self.password.setFocus()
            return
        self.set_busy(True)
        self.password_given.emit(password)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.password.setEnabled(not busy)
        self.show_button.setEnabled(not busy)
        self.show_button.setText("Checking…" if busy else "&Show the screen")
        if not busy:
            self.password.setFocus()


class PrivacyScreen(QObject):
    """Hides ``window`` (and every window of the app with it) on the privacy key, and shows
    it again, exactly as it was, on the signed-in person's own password."""

    hidden_changed = Signal(bool)

    def __init__(self, window: QMainWindow, session: Session, on_lock: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self._on_lock = on_lock
        self.cover: PrivacyCover | None = None
        self._blank: QLabel | None = None
        self._parts: list[QWidget] = []  # the main window's own, hidden
        self._windows: list[QWidget] = []  # other windows, hidden
        self._faded: list[tuple[QWidget, float]] = []  # dialogs awaiting an answer
        self._blanks: list[QLabel] = []  # over those dialogs' content
        self._focus: QWidget | None = None
        self._active: QWidget | None = None
        self._open = True  # until the window closes (a lock, or exit)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.installEventFilter(self)

    @property
    def hidden(self) -> bool:
        return self.cover is not None

    # --- hiding ------------------------------------------------------------------------------

    def hide_now(self) -> None:
        """Blank everything at once (nothing is closed, nothing read or written)."""
        if self.cover is not None:
            self._bring_cover_forward()
            return
        self._focus = QApplication.focusWidget()
        self._active = QApplication.activeWindow()
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or not widget.isVisible() or widget.isHidden():
                continue
            if widget.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                widget.hide()  # a menu or list dropped down, a tooltip: closed, not brought back
                continue
            if (
                isinstance(widget, QDialog)
                and widget.windowModality() == Qt.WindowModality.ApplicationModal
            ):
                # Waiting for an answer (exec): hiding it would answer it. Invisible instead;
                # the cover, modal after it, takes every key.
                self._faded.append((widget, widget.windowOpacity()))
                self._blanks.append(_blank_over(widget))  # where opacity is not supported
                widget.setWindowOpacity(0.0)
            else:
                self._windows.append(widget)
                widget.hide()
        window = self.window
        for part in (window.centralWidget(), window.statusBar(), window.menuWidget()):
            if part is not None and not part.isHidden():
                self._parts.append(part)
                part.hide()
        self._blank = _blank_over(window, HIDDEN_TITLE)
        cover = PrivacyCover(window, self.session.user.display_name)
        cover.password_given.connect(lambda password: self._check(cover, password))
        cover.lock_requested.connect(self.lock_instead)
        # Closed by hand (Alt+F4): back, unless the window closed too (a lock, Windows ending).
        cover.closed.connect(lambda: QTimer.singleShot(0, self._bring_cover_forward))
        self.cover = cover
        self._place_cover()
        if window.isVisible():  # in the tray, it comes with the window when that is opened
            cover.show()
            self._bring_cover_forward()
        log.info("screen hidden")
        self.hidden_changed.emit(True)

    def _place_cover(self) -> None:
        if self.cover is not None:
            self.cover.setGeometry(self.window.geometry())
        if self._blank is not None:
            self._blank.setGeometry(self.window.rect())

    def _bring_cover_forward(self) -> None:
        cover = self.cover
        if cover is None:
            return
        if not cover.isVisible() and self._open and self.window.isVisible():
            self._place_cover()
            cover.show()
        # Shown last and modal, it is above the rest (raise_ is not needed, and not offered on
        # every platform).
        cover.activateWindow()
        cover.password.setFocus()

    # --- coming back -------------------------------------------------------------------------

    def _check(self, cover: PrivacyCover, password: str) -> None:
        tasks.run(_check, self.session, password).on_success(
            lambda wrong: self._passed(cover, int(wrong))
        ).on_error(lambda exc: self._failed(cover, exc))

    def _passed(self, cover: PrivacyCover, wrong: int) -> None:
        if self.cover is not cover:
            return  # locked meanwhile
        self.show_again()
        if wrong:
            msgbox.information(
                self.window,
                "A wrong password was typed",
                "Since you last typed your password, a wrong one was typed "
                f"{'once' if wrong == 1 else f'{wrong} times'} for your account. If that was "
                "not you, tell the headteacher or your administrator, and change your password.",
            )

    def _failed(self, cover: PrivacyCover, exc: BaseException) -> None:
        if self.cover is not cover or not _alive(cover):
            return
        cover.set_busy(False)
        cover.password.clear()
        if isinstance(exc, SignInBackoff):
            seconds = max(1, round(exc.wait_seconds))
            cover.show_error(
                f"Too many wrong passwords. Wait {counted(seconds, 'second')}, then try again, "
                "or choose Lock instead."
            )
        else:
            cover.show_error(user_message(exc))
        if not isinstance(exc, SafedeskError):
            raise exc

    def show_again(self) -> None:
        """Everything back as it was: windows, the form half-typed, the cursor where it was."""
        self._drop_cover()
        for part in self._parts:
            if _alive(part):
                part.show()
        for widget in self._windows:
            if _alive(widget):
                widget.show()
        for widget, opacity in self._faded:
            if _alive(widget):
                widget.setWindowOpacity(opacity)
        active, focus = self._active, self._focus
        self._parts, self._windows, self._faded = [], [], []
        self._active = self._focus = None
        if _alive(active) and active is not None and active.isVisible():
            active.activateWindow()
        if _alive(focus) and focus is not None and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        log.info("screen shown again")
        self.hidden_changed.emit(False)

    def lock_instead(self) -> None:
        """The full lock, straight from the cover: nothing is shown again on the way."""
        self._on_lock()
        if not self.window.isVisible():
            self._forget()

    def _drop_cover(self) -> None:
        cover, self.cover = self.cover, None
        if _alive(cover) and cover is not None:
            cover.hide()
            cover.deleteLater()
        for blank in [self._blank, *self._blanks]:
            if _alive(blank) and blank is not None:
                blank.hide()
                blank.deleteLater()
        self._blank, self._blanks = None, []

    def _forget(self) -> None:
        """The window is closing (a lock): the cover goes, what it hid stays hidden."""
        self._drop_cover()
        self._parts, self._windows, self._faded = [], [], []
        self._active = self._focus = None

    # --- keys and the window's moves ---------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.window:
            if kind in (QEvent.Type.Move, QEvent.Type.Resize):
                self._place_cover()
            elif kind == QEvent.Type.Show:
                self._open = True
                if self.cover is not None and not self.cover.isVisible():
                    self._place_cover()
                    self.cover.show()
            elif kind == QEvent.Type.WindowActivate and self.cover is not None:
                # The window brought back (from the tray, a click on it): the keys go to the
                # cover's box, once the window's own activation is over.
                QTimer.singleShot(0, self._bring_cover_forward)
            elif kind == QEvent.Type.Close:
                self._open = False
                self._forget()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        if not is_privacy_key(event) or not self._ours(watched):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # ours: no text box or shortcut takes it first
            return True
        self.hide_now()
        return True

    def _ours(self, watched: QObject) -> bool:
        """Whether the key was pressed in a window of the app while this main window is open
        (any window: an attachment viewer may have no parent), not after it closed (a lock)."""
        return self._open and isinstance(watched, QWidget)
