"""A pupil's page: details and flags, then the records this user may read."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from safedesk.domain.people import Pupil
from safedesk.services import records
from safedesk.services.session import Session
from safedesk.ui.entry_list import EntryList
from safedesk.ui.pupil_model import flags_text


class PupilView(QWidget):
    back = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        back = QPushButton("← &Back to pupils")
        back.clicked.connect(self.back)
        self.title = QLabel()
        self.title.setObjectName("Title")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.count = QLabel()
        self.count.setObjectName("Subtitle")
        self.entries = EntryList(newest_first=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(back, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.count)
        layout.addWidget(self.entries, 1)

    def show_pupil(self, pupil: Pupil) -> None:
        """Lists the pupil's records (audited); raises if this user may read none."""
        found = records.pupil_records(self.session, pupil.upn)
        d = pupil.details
        self.title.setText(escape(d.display_name))
        legal = f"{d.legal_forename} {d.legal_surname}"
        flags = flags_text(pupil) or "none"
        self.details.setText(
            f"Legal name: <b>{escape(legal)}</b> &nbsp; UPN: <b>{d.upn}</b> &nbsp; "
            f"Born: <b>{d.date_of_birth:%d/%m/%Y}</b> &nbsp; Year {escape(d.year_group or '–')}"
            f", class {escape(d.class_name or '–')} &nbsp; Flags: <b>{flags}</b>"
        )
        kinds = ", ".join(k.label.lower() for k in records.readable_kinds(self.session.user))
        self.count.setText(f"{len(found)} record(s) you may read ({kinds}), oldest first.")
        self.entries.set_entries(found)
