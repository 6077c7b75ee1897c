"""Search as you type: a pause in typing searches off the UI thread; Enter opens a result."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QKeyEvent, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.entries import Kind
from safedesk.domain.formatting import counted, moment_text
from safedesk.services import search as search_service
from safedesk.services.search import SearchHit
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE, REF_ROLE, RICH_TEXT_ROLE

DEBOUNCE_MS = 250
RESULTS_LIMIT = 50
HIT_ROLE = OBJECT_ROLE  # the row's SearchHit
__all__ = ["HIT_ROLE", "REF_ROLE", "RICH_TEXT_ROLE", "SearchBox", "SearchResultModel"]

Index = QModelIndex | QPersistentModelIndex


def kind_label(kind: str) -> str:
    if kind == "notification":
        return "Police notification"
    try:
        return Kind(kind).label
    except ValueError:
        return kind


def when_text(hit: SearchHit) -> str:
    return moment_text(hit.occurred_at)


def plain_text(hit: SearchHit) -> str:
    pupils = ", ".join(hit.pupils)
    return f"{hit.ref} · {kind_label(hit.kind)} · {pupils} · {when_text(hit)}\n{hit.snippet_text}"


def rich_text(hit: SearchHit) -> str:
    """The hit as Qt rich text: every piece of record text escaped, matched words in bold."""
    head = " · ".join(
        html.escape(part) for part in (kind_label(hit.kind), ", ".join(hit.pupils), when_text(hit))
    )
    snippet = "".join(
        f"<b>{html.escape(s.text)}</b>" if s.is_match else html.escape(s.text) for s in hit.snippet
    )
    return f"<b>{html.escape(hit.ref)}</b> · {head}<br>{snippet}"


class SearchResultModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit:
        return self._hits[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's idiom
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return plain_text(hit)
        if role == RICH_TEXT_ROLE:
            return rich_text(hit)
        if role == REF_ROLE:
            return hit.ref
        if role == HIT_ROLE:
            return hit
        return None


class RichTextDelegate(QStyledItemDelegate):
    """Paints an item's RICH_TEXT_ROLE (already escaped) with QTextDocument."""

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(4)
        document.setHtml(str(index.data(RICH_TEXT_ROLE) or ""))
        width = option.rect.width()
        document.setTextWidth(width if width > 0 else 480)
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        document = self._document(item, index)
        item.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, item.palette.color(role))
        painter.save()
        painter.translate(item.rect.topLeft())
        painter.setClipRect(item.rect.translated(-item.rect.topLeft()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        document = self._document(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()))


class _QueryEdit(QLineEdit):
    """Down arrow moves into the results; Escape clears."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class SearchBox(QWidget):
    """Type to search the records this user may read; ``record_opened(ref)`` on Enter or
    double-click (a record's ref such as C-2026-0042, or a notification's E-2026-0001)."""

    record_opened = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.edit = _QueryEdit()
        self.edit.setPlaceholderText("Search records: words, names, places…")
        self.edit.setAccessibleName("Search records")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self._text_changed)
        self.edit.returnPressed.connect(self._open_current_or_first)
        self.edit.down.connect(self._focus_results)

        self.model = SearchResultModel()
        self.results = QListView()
        self.results.setModel(self.model)
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setWordWrap(True)
        self.results.setAccessibleName("Search results")
        # Enter on an item, or a double-click (activation), opens it.
        self.results.activated.connect(self._open_index)

        self.status = QLabel("")
        self.status.setObjectName("Subtitle")
        self.status.setWordWrap(True)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._search_now)
        # Each change of text makes earlier searches stale: their results are dropped.
        self._generation = 0
        self._shown = 0  # the generation whose results the list shows
        self._open_when_shown = False  # Enter pressed before this text's results came

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self.setFocusProxy(self.edit)

    def _text_changed(self, text: str) -> None:
        self._generation += 1
        self._open_when_shown = False
        if not text.strip():
            self.timer.stop()
            self._shown = self._generation
            self.model.set_hits([])
            self.status.setText("")
            return
        self.timer.start()

    def _search_now(self) -> None:
        text = self.edit.text()
        if not text.strip():
            return
        generation = self._generation
        self.status.setText("Searching…")
        tasks.run(search_service.search, self.session, text, RESULTS_LIMIT).on_success(
            lambda hits: self._show(generation, hits)
        ).on_error(lambda exc: self._failed(generation, exc))

    def _show(self, generation: int, hits: list[SearchHit]) -> None:
        if generation != self._generation:
            return  # the text changed while this search ran
        self._shown = generation
        self.model.set_hits(hits)
        if not hits:
            self.status.setText("No records you can see match.")
        elif len(hits) >= RESULTS_LIMIT:
            self.status.setText(f"The best {len(hits)} matches; add a word to narrow them.")
        else:
            self.status.setText(f"{counted(len(hits), 'match', 'matches')}.")
        if hits:
            self.results.setCurrentIndex(self.model.index(0, 0))
        if self._open_when_shown:
            self._open_when_shown = False
            self._open_current_or_first()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._shown = generation
        self._open_when_shown = False
        self.model.set_hits([])
        self.status.setText(user_message(exc))

    def _focus_results(self) -> None:
        if self.model.rowCount():
            if not self.results.currentIndex().isValid():
                self.results.setCurrentIndex(self.model.index(0, 0))
            self.results.setFocus()

    def _open_current_or_first(self) -> None:
        if self._shown != self._generation:  # this text's results are not in yet
            self._open_when_shown = True
            if self.timer.isActive():
                self.timer.stop()
                self._search_now()
            return
        index = self.results.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0, 0)
        if index.isValid():
            self._open_index(index)

    def _open_index(self, index: QModelIndex) -> None:
        ref = index.data(REF_ROLE)
        if ref:
            self.record_opened.emit(str(ref))
