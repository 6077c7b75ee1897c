"""A pupil's page: details and flags, then the records this user may read."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from safedesk.domain.people import Pupil
from safedesk.services import chronology, records
from safedesk.services.session import Session
from safedesk.ui.entry_list import EntryList
from safedesk.ui.pupil_model import flags_text


class PupilView(QWidget):
    back = Signal()
    chronology_requested = Signal(object)  # the Pupil

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
        self.pupil: Pupil | None = None
        self.chronology_button = QPushButton("&Chronology and PDF…")
        self.chronology_button.setToolTip(
            "Everything on this pupil's file in time order, and its export to PDF"
        )
        self.chronology_button.clicked.connect(self._ask_for_chronology)
        self.chronology_button.setVisible(bool(chronology.allowed_groups(session.user)))
        top = QHBoxLayout()
        top.addWidget(back)
        top.addStretch(1)
        top.addWidget(self.chronology_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.count)
        layout.addWidget(self.entries, 1)

    def _ask_for_chronology(self) -> None:
        if self.pupil is not None:
            self.chronology_requested.emit(self.pupil)

    def show_pupil(self, pupil: Pupil) -> None:
        """Lists the pupil's records (audited); raises if this user may read none."""
        found = records.pupil_records(self.session, pupil.upn)
        self.pupil = pupil
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
