"""One case for the DSL: what it is, its timeline, and the buttons to act on it."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain import local_time
from safedesk.domain.casework import (
    ACT_FIELDS,
    NOTIFICATION_FIELDS,
    ActType,
    CaseEvent,
    still_open,
)
from safedesk.domain.chronology import CASEWORK_LISTS_LABELS, shown
from safedesk.domain.entries import Urgency
from safedesk.services import casework
from safedesk.services.casework import CaseFile
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.act_form import ActForm
from safedesk.ui.errors import user_message
from safedesk.ui.record_view import record_html

BUTTONS = (
    (ActType.ACKNOWLEDGE, "&Acknowledge"),
    (ActType.TRIAGE, "&Decision…"),
    (ActType.ACTION, "A&ction…"),
    (ActType.ACTION_DONE, "Action do&ne…"),
    (ActType.REFERRAL, "&Referral…"),
    (ActType.REFERRAL_DECISION, "Referral decis&ion…"),
    (ActType.CONTACT, "Con&tact…"),
    (ActType.CLOSURE, "C&lose case…"),
)
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1


def when(moment: datetime) -> str:
    return local_time.shown(moment)


def event_detail(event: CaseEvent, case: CaseFile) -> str:
    """Every field of one act, labelled, as plain text."""
    lines = [
        f"{event.type.label} — recorded {when(event.at)} by {case.name_of(event.author)}",
    ]
    for spec in ACT_FIELDS[event.type]:
        value = event.values.get(spec.name)
        if value:
            lines.append(f"{spec.label}: {shown(value, spec, CASEWORK_LISTS_LABELS)}")
    return "\n".join(lines)


class CaseView(QWidget):
    back = Signal()
    record_requested = Signal(str)  # the concern's reference, to open the record itself
    changed = Signal(str)  # something was added to this case

    def __init__(self, session: Session, labels: dict[str, dict[str, str]]) -> None:
        super().__init__()
        self.session = session
        self.labels = labels  # the school's lists, to show the concern as the record view does
        self.case: CaseFile | None = None
        self.form: ActForm | None = None

        back = QPushButton("← &Back to the queue")
        back.clicked.connect(self.back)
        self.title = QLabel()
        self.title.setObjectName("Title")
        self.summary = QLabel()
        self.summary.setObjectName("Subtitle")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_record = QPushButton("Open the &concern to amend it")
        self.open_record.clicked.connect(self._open_record)
        top = QHBoxLayout()
        top.addWidget(back)
        top.addStretch(1)
        top.addWidget(self.open_record)

        self.act_buttons: dict[ActType, QPushButton] = {}
        acts = QHBoxLayout()
        for act_type, text in BUTTONS:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, t=act_type: self.start_act(t))
            acts.addWidget(button)
            self.act_buttons[act_type] = button
        acts.addStretch(1)

        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(["When it happened", "Recorded", "By", "What"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        header = self.timeline.header()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.currentItemChanged.connect(self._show_event)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setObjectName("Detail")
        # What was reported, in full, beside what has been done about it.
        self.concern = QTextBrowser()
        self.concern.setAccessibleName("The concern as recorded")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.timeline)
        right.addWidget(self.detail)
        right.setSizes([300, 140])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.concern)
        splitter.addWidget(right)
        splitter.setSizes([360, 640])

        self.form_slot = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(acts)
        layout.addLayout(self.form_slot)
        layout.addWidget(splitter, 1)

    # --- loading ------------------------------------------------------------------------

    def show_case(self, ref: str) -> None:
        """Open a case (raises if it cannot be read: the caller says why)."""
        self._close_form()
        self._fill(casework.open_case(self.session, ref))

    def reload(self) -> None:
        if self.case is None:
            return
        tasks.run(casework.open_case, self.session, self.case.head.ref).on_success(
            self._fill
        ).on_error(lambda exc: self.summary.setText(user_message(exc)))

    def _fill(self, case: CaseFile) -> None:
        self.case = case
        head = case.head
        kind = "Concern" if head.kind == "concern" else "Police notification"
        urgency = urgency_label(head.urgency)
        self.title.setText(f"{head.ref} — {kind} ({urgency})")
        self.open_record.setVisible(case.entry is not None)
        self.concern.setVisible(case.entry is not None)
        if case.entry is not None:
            self.concern.setHtml(record_html(case.entry, self.labels))
        pupils = ", ".join(f"{name} ({upn})" for upn, name in case.pupils) or "no pupil"
        lines = [
            f"<b>{_html(pupils)}</b>",
            f"Recorded {when(head.recorded_at)} by {_html(case.name_of(head.author))}.",
            self._progress(case),
        ]
        if case.notification is not None:
            for spec in NOTIFICATION_FIELDS:
                value = case.notification.values.get(spec.name)
                if value:
                    text = shown(value, spec, CASEWORK_LISTS_LABELS)
                    lines.append(f"{spec.label}: {_html(text)}")
        self.summary.setText("<br>".join(lines))
        self._fill_timeline(case)
        self._enable_buttons(case)

    @staticmethod
    def _progress(case: CaseFile) -> str:
        head = case.head
        if head.closed:
            return "<b>Closed.</b> Nothing more can be added."
        if head.acknowledged_at is None:
            return "<b>Not yet acknowledged.</b>"
        state = "decision made" if head.triaged else "no decision yet"
        return f"Acknowledged {when(head.acknowledged_at)}; {state}."

    def _fill_timeline(self, case: CaseFile) -> None:
        self.timeline.clear()
        for event in sorted(case.events, key=lambda e: (e.happened_at, e.at)):
            happened = event.happened_at
            item = QTreeWidgetItem(
                [
                    when(happened),
                    "" if abs((happened - event.at).total_seconds()) < 60 else when(event.at),
                    case.name_of(event.author),
                    event.summary(),
                ]
            )
            item.setData(0, EVENT_ROLE, event)
            item.setToolTip(3, event.summary())
            self.timeline.addTopLevelItem(item)
        last = self.timeline.topLevelItem(self.timeline.topLevelItemCount() - 1)
        if last is not None:
            self.timeline.setCurrentItem(last)
        else:
            self.detail.setText("Nothing has been done on this case yet.")

    def _show_event(self, item: QTreeWidgetItem | None) -> None:
        if item is None or self.case is None:
            self.detail.setText("")
            return
        self.detail.setText(event_detail(item.data(0, EVENT_ROLE), self.case))

    def _enable_buttons(self, case: CaseFile) -> None:
        head = case.head
        allowed = {act: not head.closed for act in self.act_buttons}
        allowed[ActType.ACKNOWLEDGE] &= head.acknowledged_at is None
        allowed[ActType.ACTION_DONE] &= bool(still_open(case.events, ActType.ACTION))
        allowed[ActType.REFERRAL_DECISION] &= bool(still_open(case.events, ActType.REFERRAL))
        for act, button in self.act_buttons.items():
            button.setEnabled(allowed[act])

    # --- acting -----------------------------------------------------------------------------

    def start_act(self, act_type: ActType) -> None:
        if self.case is None:
            return
        self._close_form()
        if act_type is ActType.ACKNOWLEDGE:
            self._run_act(ActType.ACKNOWLEDGE)
            return
        opened = {ActType.ACTION_DONE: ActType.ACTION, ActType.REFERRAL_DECISION: ActType.REFERRAL}
        items: list[tuple[str, str]] = []
        if act_type in opened:
            waiting = still_open(self.case.events, opened[act_type])
            items = [(str(e.id), e.summary()) for e in waiting]
        self.form = ActForm(self.session, self.case.head.ref, act_type, items)
        self.form.saved.connect(self._acted)
        self.form.cancelled.connect(self._close_form)
        self.form_slot.addWidget(self.form)
        self.form.fields.setFocus()
        first = next(iter(self.form.fields.inputs.values()), None)
        if first is not None:
            first.setFocus()

    def _run_act(self, act_type: ActType) -> None:
        assert self.case is not None
        tasks.run(
            casework.act, self.session, self.case.head.ref, {"type": act_type.value}
        ).on_success(self._acted).on_error(lambda exc: self.summary.setText(user_message(exc)))

    def _acted(self, _act_id: int) -> None:
        assert self.case is not None
        self._close_form()
        self.changed.emit(self.case.head.ref)
        self.reload()

    def _close_form(self) -> None:
        if self.form is not None:
            self.form.hide()
            self.form.deleteLater()
            self.form = None

    def _open_record(self) -> None:
        if self.case is not None:
            self.record_requested.emit(self.case.head.ref)


def urgency_label(value: str) -> str:
    try:
        return Urgency(value).label
    except ValueError:
        return value


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
