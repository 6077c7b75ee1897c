"""My records: what this person recorded and whether it has been acted on (nothing more)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from safedesk.domain.entries import StoredEntry
from safedesk.domain.formatting import counted
from safedesk.services import records
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.entry_list import EntryList
from safedesk.ui.errors import user_message
from safedesk.ui.page_parts import add_heading


class MyRecordsPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.count = QLabel()
        self.list = EntryList(name="My records")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        add_heading(
            layout,
            "My records",
            "Everything you have recorded, and whether it has been received, is "
            "being acted on, or is closed. What the leads do next is kept "
            "confidential; they may share an outcome line with you.",
        )
        layout.addWidget(self.count)
        layout.addWidget(self.list, 1)

    def load(self) -> None:
        tasks.run(records.my_records, self.session).on_success(self._loaded).on_error(
            lambda exc: self.count.setText(user_message(exc))
        )

    def load_after_recording(self, _ref: str) -> None:
        self.load()

    def _loaded(self, found: list[StoredEntry]) -> None:
        self.list.set_entries(found)
        self.count.setText(counted(len(found), "record"))
