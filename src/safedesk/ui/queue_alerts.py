"""Desktop alerts for the queue: once when an item turns amber or red, never on every refresh.

The head also hears of items escalated to them (overdue by more than their own target again).
The tray icon carries the count of items waiting; where the desktop has no tray, the window
title does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from safedesk.domain.queue import QueueItem
from safedesk.domain.time_to_action import Timeliness
from safedesk.services.queue import Queue

ON_TIME, DUE_SOON, OVERDUE, ESCALATED = range(4)
MOST_NAMED = 3  # more changes than this in one refresh become one summary alert


@dataclass(frozen=True)
class Alert:
    title: str
    message: str
    level: int


def _describe(item: QueueItem, level: int, at: datetime) -> Alert:
    # References only: a desktop notification can be read by anyone passing the screen.
    what = f"{item.kind.label} {item.case_ref}"
    if level == ESCALATED:
        return Alert("Escalated to the head", f"{what}: {item.time_left(at)}.", level)
    if level == OVERDUE:
        return Alert("Overdue", f"{what}: {item.time_left(at)}.", level)
    return Alert("Due soon", f"{what}: {item.time_left(at)}.", level)


class QueueNotifier(QObject):
    """Remembers each item's state between refreshes and says when one gets worse."""

    alerted = Signal(object)  # Alert
    counts_changed = Signal(int, int, int)  # waiting, due soon, overdue

    def __init__(self, *, watch_escalation: bool) -> None:
        super().__init__()
        self.watch_escalation = watch_escalation
        self._levels: dict[str, int] = {}
        self._first = True

    def level(self, item: QueueItem, at: datetime) -> int:
        if self.watch_escalation and item.escalated(at):
            return ESCALATED
        status = item.status(at)
        return {Timeliness.ON_TIME: ON_TIME, Timeliness.DUE_SOON: DUE_SOON}.get(status, OVERDUE)

    def update(self, queue: Queue) -> list[Alert]:
        """Take a fresh queue; returns (and emits) the alerts it raised."""
        levels = {item.key: self.level(item, queue.at) for item in queue.items}
        worse = [
            item for item in queue.items if levels[item.key] > self._levels.get(item.key, ON_TIME)
        ]
        self._levels = levels
        alerts = self._alerts(worse, levels, queue.at)
        self._first = False
        for alert in alerts:
            self.alerted.emit(alert)
        self.counts_changed.emit(len(queue.items), queue.count("due_soon"), queue.count("overdue"))
        return alerts

    def _alerts(self, worse: list[QueueItem], levels: dict[str, int], at: datetime) -> list[Alert]:
        if not worse:
            return []
        if self._first or len(worse) > MOST_NAMED:
            # Signing in to a queue that is already late: one line, not a flood.
            late = sum(1 for item in worse if levels[item.key] >= OVERDUE)
            soon = len(worse) - late
            parts = [f"{late} overdue"] if late else []
            parts += [f"{soon} due soon"] if soon else []
            top = max(levels[item.key] for item in worse)
            title = "Escalated items in the queue" if top == ESCALATED else "The queue needs you"
            return [Alert(title, " and ".join(parts) + ".", top)]
        return [_describe(item, levels[item.key], at) for item in worse]


def badge_icon(count: int, urgent: bool) -> QIcon:
    """The tray icon: a shield-blue square with the number waiting (red when any is late)."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#b42318" if urgent else "#1f3a5f"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRect(2, 2, 60, 60), 12, 12)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(34 if count < 100 else 24)
    painter.setFont(font)
    painter.drawText(QRect(0, 0, 64, 64), Qt.AlignmentFlag.AlignCenter, str(min(count, 999)))
    painter.end()
    return QIcon(pixmap)


def count_words(waiting: int, due_soon: int, overdue: int) -> str:
    if not waiting:
        return "Nothing waiting in the queue"
    parts = [f"{waiting} waiting"]
    parts += [f"{overdue} overdue"] if overdue else []
    parts += [f"{due_soon} due soon"] if due_soon else []
    return ", ".join(parts)


class QueueTray(QObject):
    """The system-tray icon with the queue count; shows alerts as desktop notifications."""

    show_requested = Signal()
    lock_requested = Signal()

    def __init__(self, notifier: QueueNotifier, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.tooltip = "safedesk"
        self.icon: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(badge_icon(0, False), self)
            menu = QMenu(window)
            menu.addAction("Open safedesk", self.show_requested.emit)
            menu.addAction("Lock", self.lock_requested.emit)
            self.icon.setContextMenu(menu)
            self.icon.activated.connect(lambda _reason: self.show_requested.emit())
            self.icon.show()
        notifier.alerted.connect(self.show_alert)
        notifier.counts_changed.connect(self.show_counts)

    @property
    def available(self) -> bool:
        return self.icon is not None

    def show_counts(self, waiting: int, due_soon: int, overdue: int) -> None:
        self.tooltip = f"safedesk — {count_words(waiting, due_soon, overdue)}"
        if self.icon is not None:
            self.icon.setIcon(badge_icon(waiting, overdue > 0))
            self.icon.setToolTip(self.tooltip)

    def show_alert(self, alert: Alert) -> None:
        if self.icon is None:
            return
        icon = (
            QSystemTrayIcon.MessageIcon.Critical
            if alert.level >= OVERDUE
            else QSystemTrayIcon.MessageIcon.Warning
        )
        self.icon.showMessage(alert.title, alert.message, icon, 10_000)

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()
