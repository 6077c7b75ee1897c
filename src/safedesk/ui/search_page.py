"""Search: every record this person may read, as they type."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from safedesk.services.session import Session
from safedesk.ui.search_box import SearchBox


class SearchPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        title = QLabel("Search")
        title.setObjectName("Title")
        explain = QLabel(
            "Search the records you are allowed to read: names of adults mentioned, places, "
            "words. Results come as you type, best first; Enter or double-click opens one. "
            "Searches are logged (who and when, never the words)."
        )
        explain.setObjectName("Subtitle")
        explain.setWordWrap(True)
        self.box = SearchBox(session)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(title)
        layout.addWidget(explain)
        layout.addWidget(self.box, 1)
        self.setFocusProxy(self.box)
