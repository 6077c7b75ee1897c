"""A record's attachments on its page: the list, viewing one, and adding a scanned note, a
letter or a photograph (PDF, PNG or JPEG) with a description. For members who may read the
record; the service checks again, with the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.attachments import (
    CHANGED,
    DESCRIPTION_LABEL,
    DESCRIPTION_LIMIT,
    FILE_LABEL,
    AttachmentContent,
    AttachmentInfo,
    size_text,
)
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, moment_text
from safedesk.services import attachments
from safedesk.services.records import kind_of_ref
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.attachment_viewer import AttachmentViewer
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.rows_model import Index, RowsModel

DESCRIPTION, KIND, SIZE, ADDED_BY, ADDED = range(5)
FILE_FILTER = "Scans and photographs (*.pdf *.png *.jpg *.jpeg);;All files (*)"


class AttachmentsModel(RowsModel):
    headers = ("Description", "Type", "Size", "Added by", "Added")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        info: AttachmentInfo | None = self.row_of(index)
        if info is None:
            return None
        column = index.column()
        if role == OBJECT_ROLE:
            return info
        if role == SORT_ROLE:
            return {SIZE: info.size, ADDED: info.added_at.isoformat()}.get(column, self.data(index))
        if role == Qt.ItemDataRole.ToolTipRole and info.changed and column == DESCRIPTION:
            return f"{info.description}: this file {CHANGED}."
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {
                DESCRIPTION: f"CHANGED: {info.description}" if info.changed else info.description,
                KIND: info.media_type.label,
                SIZE: size_text(info.size),
                ADDED_BY: info.added_by_name,
                ADDED: moment_text(info.added_at),
            }.get(column)
        return None


def choose_file(parent: QWidget) -> Path | None:
    """The file to attach (a function of its own, for tests to replace)."""
    path, _ = QFileDialog.getOpenFileName(parent, "Choose the file to attach", "", FILE_FILTER)
    return Path(path) if path else None


class AttachmentsPanel(QWidget):
    """Attachments of one record (``show_record``); hidden for those who may not open them."""

    changed = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.ref: str | None = None
        self.viewers: list[AttachmentViewer] = []
        self.model = AttachmentsModel()
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Attachments of this record")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            DESCRIPTION, QHeaderView.ResizeMode.Stretch
        )
        self.table.activated.connect(lambda _index: self.view_current())
        self.view_button = QPushButton("&View")
        # Enter belongs to the list (view) and the description (attach), never to a button
        # Qt makes the default (Enter on the list also attached a file).
        self.view_button.setAutoDefault(False)
        self.view_button.clicked.connect(self.view_current)
        self.description = QLineEdit()
        self.description.setMaxLength(DESCRIPTION_LIMIT)
        self.description.setPlaceholderText("e.g. Teacher's handwritten note, scanned")
        self.description.setAccessibleName(DESCRIPTION_LABEL)
        label = QLabel(f"&{DESCRIPTION_LABEL} *")
        label.setBuddy(self.description)
        self.attach_button = QPushButton("A&ttach a file…")
        self.attach_button.setToolTip(
            "A PDF, PNG or JPEG: a scanned note or letter, or a photograph of a body map"
        )
        self.attach_button.setAutoDefault(False)
        self.attach_button.clicked.connect(self.choose_and_attach)
        self.description.returnPressed.connect(self.choose_and_attach)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()
        row.addWidget(self.view_button)
        row.addSpacing(16)
        row.addWidget(label)
        row.addWidget(self.description, 1)
        row.addWidget(self.attach_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.message)
        QWidget.setTabOrder(self.table, self.view_button)
        QWidget.setTabOrder(self.view_button, self.description)
        QWidget.setTabOrder(self.description, self.attach_button)

    def show_record(self, ref: str) -> None:
        """List ``ref``'s attachments, or hide the panel for those who may not open them."""
        self.ref = ref
        self.message.clear()
        self.description.clear()
        self.setVisible(attachments.may_attach(self.session, kind_of_ref(ref)))
        if self.isHidden():
            self.model.set_rows([])
            return
        self.reload()

    def reload(self) -> None:
        if self.ref is None:
            return
        found = attachments.listed(self.session, self.ref)
        self.model.set_rows(found)
        if changed := sum(1 for info in found if info.changed):
            self.message.setText(
                "An attachment marked CHANGED is not the file that was added"
                if changed == 1
                else f"{changed} attachments marked CHANGED are not the files that were added"
            )
            self.message.setText(f"{self.message.text()}: run Verify, and tell the headteacher.")
        self.view_button.setEnabled(bool(found))
        if found:
            for column in (KIND, SIZE, ADDED_BY, ADDED):
                self.table.resizeColumnToContents(column)
            self.table.selectRow(len(found) - 1)

    def current(self) -> AttachmentInfo | None:
        index = self.table.currentIndex()
        return self.model.data(index, OBJECT_ROLE) if index.isValid() else None

    # --- viewing ---------------------------------------------------------------------------

    def view_current(self) -> None:
        info = self.current()
        if info is None:
            self.message.setText("Choose an attachment in the list to view it.")
            return
        self.message.setText("Opening…")
        tasks.run(attachments.open_attachment, self.session, info.entry_ref, info.id).on_success(
            self._opened
        ).on_error(lambda exc: self.message.setText(user_message(exc)))

    def _opened(self, content: AttachmentContent) -> None:
        self.message.clear()
        viewer = AttachmentViewer(self.session, content, self.window())
        viewer.destroyed.connect(lambda _=None, v=viewer: self._forget(v))
        self.viewers.append(viewer)
        viewer.show()

    def _forget(self, viewer: AttachmentViewer) -> None:
        if viewer in self.viewers:
            self.viewers.remove(viewer)

    def close_viewers(self) -> None:
        """Close every open viewer (a lock, a sign-out, another record)."""
        for viewer in list(self.viewers):
            viewer.close()
        self.viewers.clear()

    # --- adding ----------------------------------------------------------------------------

    def choose_and_attach(self) -> None:
        if self.ref is None:
            return
        if not self.description.text().strip():
            self.message.setText(f"{DESCRIPTION_LABEL}: is required: say what the file is.")
            self.description.setFocus()
            return
        path = choose_file(self)
        if path is not None:
            self.attach(path)

    def attach(self, path: Path) -> None:
        """Adds the file off the UI thread; says what happened under the row."""
        if self.ref is None:
            return
        self.attach_button.setEnabled(False)
        self.message.setText(f"Attaching {path.name}…")
        tasks.run(
            attachments.attach_file, self.session, self.ref, path, self.description.text()
        ).on_success(lambda _number: self._attached(path)).on_error(self._refused)

    def _attached(self, path: Path) -> None:
        self.attach_button.setEnabled(True)
        self.description.clear()
        self.reload()
        total = self.model.rowCount()
        self.message.setText(
            f"Attached {path.name}. This record has {counted(total, 'attachment')}."
        )
        self.changed.emit()

    def _refused(self, exc: BaseException) -> None:
        self.attach_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            said = "; ".join(f"{field}: {why}" for field, why in exc.problems.items())
            self.message.setText(f"Not attached. {said}.")
            if FILE_LABEL not in exc.problems:
                self.description.setFocus()
            return
        self.message.setText(f"Not attached. {user_message(exc)}")


class AttachmentsDialog(QDialog):
    """A record's attachments in a window of their own (the record's page has no room left
    at 1366x768); opened with show(), never exec()."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(900, 420)
        self.panel = AttachmentsPanel(session)
        close = QPushButton("C&lose")
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addLayout(buttons)

    def show_record(self, ref: str) -> None:
        self.setWindowTitle(f"safedesk — Attachments of {ref}")
        self.panel.show_record(ref)
        self.panel.description.setFocus()

    def closeEvent(self, event: Any) -> None:
        self.panel.close_viewers()
        super().closeEvent(event)
