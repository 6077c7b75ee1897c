"""Admin: term dates, closure days and the time-to-action targets the queue uses."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
)

from safedesk.domain.formatting import date_text
from safedesk.domain.settings import BANK_HOLIDAY_REGIONS, LABELS
from safedesk.services import school_calendar, settings
from safedesk.services.session import Session
from safedesk.ui.errors import user_message

_DATE_FORMAT = "dd/MM/yyyy"


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(_DATE_FORMAT)
    edit.setDate(QDate.currentDate())
    return edit


class CalendarEditor(QGroupBox):
    """Terms and closures change which days count as school days for every deadline."""

    def __init__(self, session: Session) -> None:
        super().__init__("School calendar and time-to-action targets")
        self.session = session
        intro = QLabel(
            "Deadlines count school days. With no terms entered, every weekday except bank "
            "holidays is a school day. Enter each term (half terms as separate terms) and any "
            "closure days such as INSET days."
        )
        intro.setWordWrap(True)
        intro.setObjectName("Subtitle")

        self.terms = QListWidget()
        self.terms.setMaximumHeight(110)
        self.terms.setAccessibleName("Terms")
        self.term_from, self.term_to = _date_edit(), _date_edit()
        self.term_from.setAccessibleName("First day of the term")
        self.term_to.setAccessibleName("Last day of the term")
        self.add_term_button = QPushButton("Add &term")
        self.add_term_button.clicked.connect(self.add_term)
        self.remove_term_button = QPushButton("Remove term")
        self.remove_term_button.clicked.connect(self.remove_term)
        term_row = QHBoxLayout()
        for widget in (QLabel("From"), self.term_from, QLabel("to"), self.term_to):
            term_row.addWidget(widget)
        term_row.addWidget(self.add_term_button)
        term_row.addWidget(self.remove_term_button)
        term_row.addStretch(1)

        self.closures = QListWidget()
        self.closures.setMaximumHeight(110)
        self.closures.setAccessibleName("Closure days")
        self.closure_day = _date_edit()
        self.closure_day.setAccessibleName("Closure day")
        self.closure_reason = QLineEdit()
        self.closure_reason.setAccessibleName("Reason for the closure")
        self.closure_reason.setPlaceholderText("Reason, e.g. INSET day")
        self.add_closure_button = QPushButton("Add &closure")
        self.add_closure_button.clicked.connect(self.add_closure)
        self.closure_reason.returnPressed.connect(self.add_closure)
        self.remove_closure_button = QPushButton("Remove closure")
        self.remove_closure_button.clicked.connect(self.remove_closure)
        closure_row = QHBoxLayout()
        closure_row.addWidget(self.closure_day)
        closure_row.addWidget(self.closure_reason, 1)
        closure_row.addWidget(self.add_closure_button)
        closure_row.addWidget(self.remove_closure_button)

        current = settings.get_settings(session)
        self.immediate = self._spin(5, 24 * 60, current.immediate_minutes, " minutes")
        self.urgent = self._spin(15, 7 * 24 * 60, current.urgent_minutes, " minutes")
        self.routine = self._spin(1, 10, current.routine_school_days, " school days")
        self.chase = self._spin(1, 20, current.referral_chase_working_days, " working days")
        # Leaders' review of behaviour records (the behaviour lead's inbox, the head's queue).
        self.intervention_review = self._spin(
            1, 20, current.intervention_review_school_days, " school days"
        )
        self.serious_review = self._spin(
            1, 20, current.serious_behaviour_review_school_days, " school days"
        )
        self.other_review = self._spin(1, 20, current.behaviour_review_school_days, " school days")
        # Who needs a risk assessment, when training falls due, the largest attachment.
        self.repeat_interventions = self._spin(
            1, 50, current.repeat_interventions, " interventions"
        )
        self.repeat_days = self._spin(7, 730, current.repeat_interventions_days, " days")
        self.dsl_training = self._spin(1, 60, current.dsl_training_months, " months")
        self.staff_update = self._spin(1, 36, current.staff_update_months, " months")
        self.attachment_limit = self._spin(1, 100, current.attachment_limit_mb, " MB")
        self.day_start = QTimeEdit()
        self.day_start.setDisplayFormat("HH:mm")
        hours, minutes = current.day_start.hour, current.day_start.minute
        self.day_start.setTime(self.day_start.time().fromString(f"{hours:02d}:{minutes:02d}"))
        self.region = QComboBox()
        for code, name in BANK_HOLIDAY_REGIONS.items():
            self.region.addItem(name, code)
        self.region.setCurrentIndex(self.region.findData(current.bank_holidays_region))
        save = QPushButton("Save t&argets")  # Alt+T is Add term
        save.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        save.clicked.connect(self.save_targets)
        targets = QFormLayout()
        targets.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        targets.addRow("Immediate risk: act within", self.immediate)
        targets.addRow("Urgent: act within", self.urgent)
        targets.addRow("Routine: act within", self.routine)
        targets.addRow("Chase a referral decision after", self.chase)
        for name, spin in (
            ("intervention_review_school_days", self.intervention_review),
            ("serious_behaviour_review_school_days", self.serious_review),
            ("behaviour_review_school_days", self.other_review),
        ):
            spin.setAccessibleName(LABELS[name])
            targets.addRow(LABELS[name], spin)
        targets.addRow("The school day starts at", self.day_start)
        targets.addRow("Bank holidays of", self.region)
        for name, spin in (
            ("repeat_interventions", self.repeat_interventions),
            ("repeat_interventions_days", self.repeat_days),
            ("dsl_training_months", self.dsl_training),
            ("staff_update_months", self.staff_update),
            ("attachment_limit_mb", self.attachment_limit),
        ):
            spin.setAccessibleName(LABELS[name])
            targets.addRow(LABELS[name], spin)
        targets.addRow(save)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Terms"))
        layout.addWidget(self.terms)
        layout.addLayout(term_row)
        layout.addWidget(QLabel("Closure days"))
        layout.addWidget(self.closures)
        layout.addLayout(closure_row)
        layout.addLayout(targets)
        layout.addWidget(self.status)
        self.load()

    @staticmethod
    def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        one = suffix[:-1] if suffix.endswith("s") else suffix  # "1 school day", not "days"

        def fit(count: int) -> None:
            spin.setSuffix(one if count == 1 else suffix)

        spin.valueChanged.connect(fit)
        spin.setValue(value)
        fit(value)
        return spin

    def load(self) -> None:
        self.terms.clear()
        for first, last in school_calendar.terms(self.session):
            item = QListWidgetItem(f"{first:%a} {date_text(first)} to {last:%a} {date_text(last)}")
            item.setData(Qt.ItemDataRole.UserRole, first.isoformat())
            self.terms.addItem(item)
        self.closures.clear()
        for day, reason in school_calendar.closures(self.session):
            item = QListWidgetItem(f"{day:%a} {date_text(day)}  {reason}")
            item.setData(Qt.ItemDataRole.UserRole, day.isoformat())
            self.closures.addItem(item)

    def _attempt(self, work: object, done: str) -> bool:
        try:
            work()  # type: ignore[operator]
        except Exception as exc:
            self.status.setText(user_message(exc))
            return False
        self.status.setText(done)
        self.load()
        return True

    def add_term(self) -> None:
        first = _day(self.term_from)
        last = _day(self.term_to)
        self._attempt(
            lambda: school_calendar.add_term(self.session, first, last),
            f"Term added: {date_text(first)} to {date_text(last)}.",
        )

    def remove_term(self) -> None:
        if self.terms.currentRow() < 0:
            self.status.setText("Choose a term to remove.")
            return
        first = self.terms.currentItem().data(Qt.ItemDataRole.UserRole)
        self._attempt(lambda: school_calendar.remove_term(self.session, first), "Term removed.")

    def add_closure(self) -> None:
        day = _day(self.closure_day)
        reason = self.closure_reason.text()
        if self._attempt(
            lambda: school_calendar.add_closure(self.session, day, reason),
            f"Closure day added: {date_text(day)}.",
        ):
            self.closure_reason.clear()

    def remove_closure(self) -> None:
        if self.closures.currentRow() < 0:
            self.status.setText("Choose a closure day to remove.")
            return
        day = self.closures.currentItem().data(Qt.ItemDataRole.UserRole)
        self._attempt(
            lambda: school_calendar.remove_closure(self.session, day), "Closure day removed."
        )

    def save_targets(self) -> None:
        self._attempt(
            lambda: settings.update_settings(
                self.session,
                immediate_minutes=self.immediate.value(),
                urgent_minutes=self.urgent.value(),
                routine_school_days=self.routine.value(),
                referral_chase_working_days=self.chase.value(),
                intervention_review_school_days=self.intervention_review.value(),
                serious_behaviour_review_school_days=self.serious_review.value(),
                behaviour_review_school_days=self.other_review.value(),
                school_day_start=self.day_start.time().toString("HH:mm"),
                bank_holidays_region=self.region.currentData(),
                repeat_interventions=self.repeat_interventions.value(),
                repeat_interventions_days=self.repeat_days.value(),
                dsl_training_months=self.dsl_training.value(),
                staff_update_months=self.staff_update.value(),
                attachment_limit_mb=self.attachment_limit.value(),
            ),
            "Targets saved. The queue and the behaviour page use them from their next refresh.",
        )


def _day(edit: QDateEdit) -> date:
    """The day a date box holds, as a Python date."""
    day = edit.date().toPython()
    assert isinstance(day, date)
    return day
