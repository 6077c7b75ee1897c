"""Search: every record this person may read, as they type."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from safedesk.services.session import Session
from safedesk.ui.page_parts import add_heading
from safedesk.ui.search_box import SearchBox


class SearchPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.box = SearchBox(session)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        add_heading(
            layout,
            "Search",
            "Search the records you are allowed to read: names of adults mentioned, places, "
            "words. Results come as you type, best first; Enter or double-click opens one. "
            "Searches are logged (who and when, never the words).",
        )
        layout.addWidget(self.box, 1)
        self.setFocusProxy(self.box)
