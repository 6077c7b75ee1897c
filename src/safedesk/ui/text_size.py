"""The app's own text size (Normal, Larger, Largest), kept per Windows user; Ctrl++, Ctrl+-
and Ctrl+0 change it in every open window at once."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from safedesk.ui import theme

KEY = "appearance/text_size"


class TextSize(Enum):
    NORMAL = ("normal", "Normal", 1.0)
    LARGER = ("larger", "Larger", 1.25)
    LARGEST = ("largest", "Largest", 1.5)

    def __init__(self, key: str, label: str, factor: float) -> None:
        self.key = key
        self.label = label
        self.factor = factor

    @classmethod
    def from_key(cls, key: object) -> TextSize:
        return next((size for size in cls if size.key == key), cls.NORMAL)


_ORDER = list(TextSize)
_settings_file: str | None = None


def use_settings_file(path: str | None) -> None:
    """Keep the setting in this ini file instead of the user's own settings (tests, tools)."""
    global _settings_file
    _settings_file = path


def _settings() -> QSettings:
    if _settings_file is not None:
        return QSettings(_settings_file, QSettings.Format.IniFormat)
    # Per Windows user (HKEY_CURRENT_USER; ~/.config elsewhere), never in the data folder.
    return QSettings(QSettings.Scope.UserScope, "safedesk", "safedesk")


def current() -> TextSize:
    """The size this person chose last, Normal until they choose."""
    return TextSize.from_key(_settings().value(KEY, TextSize.NORMAL.key))


def choose(size: TextSize) -> None:
    """Keep ``size`` for this person and show every open window in it at once."""
    settings = _settings()
    settings.setValue(KEY, size.key)
    settings.sync()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        theme.apply(app, size.factor)


def larger() -> TextSize:
    size = _ORDER[min(_ORDER.index(current()) + 1, len(_ORDER) - 1)]
    choose(size)
    return size


def smaller() -> TextSize:
    size = _ORDER[max(_ORDER.index(current()) - 1, 0)]
    choose(size)
    return size


def reset() -> TextSize:
    choose(TextSize.NORMAL)
    return TextSize.NORMAL


class _Keys(QObject):
    """Ctrl++ (or Ctrl+=), Ctrl+- and Ctrl+0 in any window of the app."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = modifiers & ~Qt.KeyboardModifier.ShiftModifier
        if ctrl != Qt.KeyboardModifier.ControlModifier:
            return False
        action = {
            Qt.Key.Key_Plus: larger,
            Qt.Key.Key_Equal: larger,
            Qt.Key.Key_Minus: smaller,
            Qt.Key.Key_0: reset,
        }.get(Qt.Key(event.key()))
        if action is None or _zooms_itself(watched):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # ours: no text box or shortcut takes it first
            return True
        # Restyled once the key press is over: every widget is polished again, and never
        # under the one the key is still being delivered to.
        QTimer.singleShot(0, action)
        return True


# A widget with this property set (a PDF page view) uses Ctrl++, Ctrl+- and Ctrl+0 to zoom
# what it shows, so within it they do not change the text size.
ZOOMS_ITSELF = "zoomsItself"


def _zooms_itself(watched: QObject) -> bool:
    # A key no widget takes goes on to the focused widget's parents and its window: it is
    # the focused widget's all the same.
    for start in (watched, QApplication.focusWidget()):
        widget = start if isinstance(start, QWidget) else None
        while widget is not None:
            if widget.property(ZOOMS_ITSELF):
                return True
            widget = widget.parentWidget()
    return False


_keys: _Keys | None = None


def install(app: QApplication) -> None:
    """Style the app at the size this person chose, and listen for the keys that change it."""
    global _keys
    theme.apply(app, current().factor)
    if _keys is None:
        _keys = _Keys(app)
        app.installEventFilter(_keys)
