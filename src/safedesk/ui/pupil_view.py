"""A pupil's page: details, what the MIS says, the safeguarding status (DSLs and the head
only), then the records this user may read."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from safedesk.domain.formatting import counted, date_text, rich
from safedesk.domain.people import Pupil
from safedesk.domain.pupil_status import StatusPeriod, mis_flags, statuses_line
from safedesk.services import chronology, pupil_status, records
from safedesk.services.session import Session
from safedesk.ui.entry_list import EntryList
from safedesk.ui.pupil_status_dialog import PupilStatusDialog
from safedesk.ui.risk_assessments_panel import RiskAssessmentsPanel


class PupilView(QWidget):
    back = Signal()
    chronology_requested = Signal(object)  # the Pupil
    status_changed = Signal(object)  # the StatusPeriod started or ended
    risk_saved = Signal(object)  # a risk assessment or behaviour plan saved (a new version)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        back = QPushButton("← &Back to pupils")
        back.clicked.connect(self.back)
        self.title = QLabel()
        self.title.setObjectName("Title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a name is text, never markup
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.hide()
        # Risk assessments and behaviour plans, for those who keep them.
        self.risks = RiskAssessmentsPanel(session)
        self.risks.saved.connect(self.risk_saved)
        self.count = QLabel()
        self.count.setObjectName("Subtitle")
        self.entries = EntryList(newest_first=False)
        self.pupil: Pupil | None = None
        self.periods: list[StatusPeriod] = []
        self.dialog: PupilStatusDialog | None = None
        self.chronology_button = QPushButton("&Chronology and PDF…")
        self.chronology_button.setToolTip(
            "Everything on this pupil's file in time order, and its export to PDF"
        )
        self.chronology_button.clicked.connect(self._ask_for_chronology)
        self.chronology_button.setVisible(bool(chronology.allowed_groups(session.user)))
        self.status_button = QPushButton("Safeguarding &status…")
        self.status_button.setToolTip(
            "Start or end a child protection plan, child in need, early help, looked after, "
            "previously looked after or young carer status, with its date"
        )
        self.status_button.clicked.connect(self.open_status_dialog)
        self.status_button.setVisible(pupil_status.session_may_see(session))
        top = QHBoxLayout()
        top.addWidget(back)
        top.addStretch(1)
        top.addWidget(self.status_button)
        top.addWidget(self.chronology_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.status)
        layout.addWidget(self.risks)
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
        self.title.setText(d.display_name)
        legal = f"{d.legal_forename} {d.legal_surname}"
        flags = ", ".join(mis_flags(d)) or "none"
        self.details.setText(
            f"Legal name: <b>{rich(legal)}</b> &nbsp; UPN: <b>{rich(d.upn)}</b> &nbsp; "
            f"Born: <b>{date_text(d.date_of_birth)}</b> &nbsp; "
            f"Year {rich(d.year_group or '–')}, class {rich(d.class_name or '–')} &nbsp; "
            f"From the school's MIS: <b>{rich(flags)}</b>"
        )
        self._show_status()
        self.risks.show_pupil(pupil)
        kinds = ", ".join(k.label.lower() for k in records.readable_kinds(self.session.user))
        self.count.setText(f"{counted(len(found), 'record')} you may read ({kinds}), oldest first.")
        self.entries.set_entries(found)

    def _show_status(self) -> None:
        """The safeguarding status, for DSLs and the head only (read and audited)."""
        if self.pupil is None or not pupil_status.session_may_see(self.session):
            self.periods = []
            self.status.hide()
            return
        self.periods = pupil_status.pupil_statuses(self.session, self.pupil.upn)
        line = statuses_line(self.periods, "none recorded")
        self.status.setText(f"Safeguarding status: <b>{rich(line)}</b>")
        self.status.show()

    def open_status_dialog(self) -> PupilStatusDialog | None:
        """Start or end a status (opened with ``open()``; the page shows the change after)."""
        if self.pupil is None or not pupil_status.session_may_see(self.session):
            return None
        self.dialog = PupilStatusDialog(self.session, self.pupil, self.periods, self)
        self.dialog.succeeded.connect(self._status_saved)
        self.dialog.open()
        return self.dialog

    def _status_saved(self, period: StatusPeriod) -> None:
        self._show_status()
        self.status_changed.emit(period)
