"""One case for the DSL: what it is, what is due next, its timeline, and the buttons to act.

A form opens in its own scrolling pane beside the concern and the timeline, so all three stay
readable on a 1366x768 laptop at 125 % scaling.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.casework import (
    ACT_FIELDS,
    NOTIFICATION_FIELDS,
    ActType,
    CaseEvent,
    event_words,
    open_item_words,
    still_open,
)
from safedesk.domain.chronology import CASEWORK_LISTS_LABELS, shown
from safedesk.domain.entries import Urgency
from safedesk.domain.formatting import moment_text, rich, time_text
from safedesk.domain.local_time import to_local
from safedesk.domain.queue import ItemKind, QueueItem
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import attachments, casework
from safedesk.services.casework import CaseFile
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.act_form import ActForm
from safedesk.ui.attachments_panel import AttachmentsDialog
from safedesk.ui.errors import user_message
from safedesk.ui.item_roles import OBJECT_ROLE, SORT_ROLE
from safedesk.ui.record_view import record_html
from safedesk.ui.rows_model import Index, RowsModel

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
# Row 0: the case itself; row 1: what follows from it.
BUTTON_PLACES = {
    ActType.ACKNOWLEDGE: (0, 0),
    ActType.TRIAGE: (0, 1),
    ActType.CONTACT: (0, 2),
    ActType.CLOSURE: (0, 3),
    ActType.ACTION: (1, 0),
    ActType.ACTION_DONE: (1, 1),
    ActType.REFERRAL: (1, 2),
    ActType.REFERRAL_DECISION: (1, 3),
}
WHEN, BY, WHAT = range(3)
# The button that does what is due, drawn so it stands out (red when late, amber when soon).
DUE_STYLE = {
    Timeliness.OVERDUE: "QPushButton { border: 2px solid #b42318; background: #fde7e4; "
    "font-weight: bold; }",
    Timeliness.DUE_SOON: "QPushButton { border: 2px solid #8a5a00; background: #fdf3d7; "
    "font-weight: bold; }",
    Timeliness.ON_TIME: "QPushButton { border: 2px solid #1f3a5f; font-weight: bold; }",
}
DUE_NOTE = {
    Timeliness.OVERDUE: "background: #fde7e4; color: #7a1a12; border-left: 4px solid #b42318;",
    Timeliness.DUE_SOON: "background: #fdf3d7; color: #5c3d00; border-left: 4px solid #8a5a00;",
    Timeliness.ON_TIME: "background: #eef2f7; color: #1f3a5f; border-left: 4px solid #1f3a5f;",
}
STATUS_WORDS = {
    Timeliness.OVERDUE: "Overdue",
    Timeliness.DUE_SOON: "Due soon",
    Timeliness.ON_TIME: "Next",
}
# Sizes of the concern, the timeline and a form's pane when a form opens (the splitter keeps
# their proportions at any width).
WITH_FORM = (25, 40, 35)
WITHOUT_FORM = (36, 64)


def event_detail(event: CaseEvent, case: CaseFile) -> str:
    """Every field of one act, labelled, as plain text."""
    lines = [
        f"{event.type.label} — recorded {moment_text(event.at)} by {case.name_of(event.author)}",
    ]
    for spec in ACT_FIELDS[event.type]:
        value = event.values.get(spec.name)
        if value:
            lines.append(f"{spec.label}: {shown(value, spec, CASEWORK_LISTS_LABELS)}")
    return "\n".join(lines)


def button_for(item: QueueItem, case: CaseFile) -> ActType | None:
    """The act that does what a queue item waits for."""
    if item.kind in (ItemKind.CONCERN, ItemKind.NOTIFICATION):
        return ActType.ACKNOWLEDGE if case.head.acknowledged_at is None else ActType.TRIAGE
    return {
        ItemKind.ACTION: ActType.ACTION_DONE,
        ItemKind.REFERRAL: ActType.REFERRAL_DECISION,
        ItemKind.REVIEW: ActType.TRIAGE,
    }.get(item.kind)


def plain(text: str) -> str:
    """A button's text as people read it (without the & of its Alt+letter)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class TimelineModel(RowsModel):
    """A case's acts in the order they happened, one row each."""

    headers = ("When it happened", "By", "What")

    def __init__(self) -> None:
        super().__init__()
        self._names: dict[str, str] = {}
        self._words: dict[tuple[ActType, int], str] = {}

    def set_case(self, case: CaseFile) -> None:
        self._names = dict(case.names)
        self._words = {(e.type, e.id): event_words(e, case.events) for e in case.events}
        self.set_rows(sorted(case.events, key=lambda e: (e.happened_at, e.at)))

    def words(self, event: CaseEvent) -> str:
        return self._words.get((event.type, event.id)) or event.summary()

    def case_event(self, row: int) -> CaseEvent:
        found: CaseEvent = self._rows[row]
        return found

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        event = self.row_of(index)
        if not isinstance(event, CaseEvent):
            return None
        if role == OBJECT_ROLE:
            return event
        column = index.column()
        if role == SORT_ROLE:
            return (
                (event.happened_at.timestamp(), event.at.timestamp()),
                self._names.get(event.author, event.author).casefold(),
                self.words(event).casefold(),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == WHAT:
            return self.words(event)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        happened = event.happened_at
        when = moment_text(happened)
        if abs((happened - event.at).total_seconds()) >= 60:  # written up later: say when
            same_day = to_local(happened).date() == to_local(event.at).date()
            when += f"\nrecorded {time_text(event.at) if same_day else moment_text(event.at)}"
        return (when, self._names.get(event.author, event.author), self.words(event))[column]


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
        self.due: QueueItem | None = None  # the most pressing thing the queue waits for
        self.due_act: ActType | None = None

        back = QPushButton("← &Back to the queue")
        back.clicked.connect(self.back)
        self.title = QLabel()
        self.title.setObjectName("Title")
        self.title.setWordWrap(True)
        self.open_record = QPushButton("Open the concern to a&mend it")
        self.open_record.clicked.connect(self._open_record)
        # The concern's attachments, in the same window the record's page opens.
        self.attachments: AttachmentsDialog | None = None
        self.attachments_button = QPushButton("Attac&hments…")
        self.attachments_button.clicked.connect(self.show_attachments)
        self.attachments_button.hide()
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.title, 1)
        top.addWidget(self.attachments_button)
        top.addWidget(self.open_record)
        self.summary = QLabel()
        self.summary.setObjectName("Subtitle")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.due_note = QLabel()
        self.due_note.setWordWrap(True)
        self.due_note.setTextFormat(Qt.TextFormat.RichText)
        self.due_note.hide()

        self.act_buttons: dict[ActType, QPushButton] = {}
        # Two rows, so the page fits a laptop at 125 %: the case itself, then its follow-ups.
        acts = QGridLayout()
        acts.setHorizontalSpacing(6)
        acts.setVerticalSpacing(4)
        for act_type, text in BUTTONS:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, t=act_type: self.start_act(t))
            row, column = BUTTON_PLACES[act_type]
            acts.addWidget(button, row, column)
            self.act_buttons[act_type] = button
        acts.setColumnStretch(len(BUTTON_PLACES), 1)

        self.timeline_model = TimelineModel()
        self.timeline = QTableView()
        self.timeline.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap)
        self.timeline.setModel(self.timeline_model)
        self.timeline.setAccessibleName("What has been done on this case")
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)  # a narrow pane wraps the words, never cuts them
        self.timeline.verticalHeader().hide()
        self.timeline.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.timeline.horizontalHeader()
        for column in (WHEN, BY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        self.timeline.selectionModel().selectionChanged.connect(self._selection_changed)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("The chosen act in full")
        self.detail.setObjectName("Detail")
        # What was reported, in full, beside what has been done about it.
        self.concern = QTextBrowser()
        self.concern.setAccessibleName("The concern as recorded")
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.timeline)
        self.right.addWidget(self.detail)
        self.right.setChildrenCollapsible(False)
        self.right.setSizes([300, 140])
        self.form_pane = QScrollArea()
        self.form_pane.setWidgetResizable(True)
        self.form_pane.setFrameShape(QFrame.Shape.NoFrame)
        self.form_pane.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_pane.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.concern)
        self.splitter.addWidget(self.right)
        self.splitter.addWidget(self.form_pane)
        self.splitter.setChildrenCollapsible(False)
        for pane in (self.concern, self.right, self.form_pane):
            pane.setMinimumWidth(200)
        self.timeline.setMinimumHeight(100)
        self.detail.setMinimumHeight(50)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.due_note)
        layout.addLayout(acts)
        layout.addWidget(self.splitter, 1)
        self._share([*WITHOUT_FORM, 0])

    # --- loading ------------------------------------------------------------------------

    def show_case(self, ref: str) -> None:
        """Open a case (raises if it cannot be read: the caller says why); a half-typed form
        on the case in view stays, with the case, unless its author lets it go."""
        if self.form is not None and not self.form.may_leave():
            return
        self._close_form()
        if self.attachments is not None:
            self.attachments.close()  # another case's attachments never stay open beside it
        self._fill(casework.open_case(self.session, ref))
        if self.due_act is not None and self.act_buttons[self.due_act].isEnabled():
            self.act_buttons[self.due_act].setFocus()

    def reload(self) -> None:
        if self.case is None:
            return
        tasks.run(casework.open_case, self.session, self.case.head.ref).on_success(
            self._fill
        ).on_error(lambda exc: self.summary.setText(rich(user_message(exc))))

    def _fill(self, case: CaseFile) -> None:
        self.case = case
        head = case.head
        kind = "Concern" if head.kind == "concern" else "Police notification"
        self.title.setText(f"{head.ref} — {kind} ({urgency_label(head.urgency)})")
        self.open_record.setVisible(case.entry is not None)
        self._count_attachments(case)
        if case.entry is not None:
            self.concern.setHtml(record_html(case.entry, self.labels))
        else:
            self.concern.setHtml(notification_html(case))
        pupils = ", ".join(f"{name} ({upn})" for upn, name in case.pupils) or "no pupil"
        self.summary.setText(
            f"<b>{rich(pupils)}</b> · recorded {moment_text(head.recorded_at)} by "
            f"{rich(case.name_of(head.author))}. {self._progress(case)}"
        )
        self.timeline_model.set_case(case)
        last = self.timeline_model.rowCount() - 1
        if last >= 0:
            self.timeline.selectRow(last)
        else:
            self.detail.setPlainText("Nothing has been done on this case yet.")
        self._enable_buttons(case)
        self._show_due(case)

    @staticmethod
    def _progress(case: CaseFile) -> str:
        head = case.head
        if head.closed:
            return "<b>Closed.</b> Nothing more can be added."
        if head.acknowledged_at is None:
            return "<b>Not yet acknowledged.</b>"
        state = "decision made" if head.triaged else "no decision yet"
        return f"Acknowledged {moment_text(head.acknowledged_at)}; {state}."

    def _show_due(self, case: CaseFile) -> None:
        """Say what the queue waits for here, and highlight the button that does it."""
        for button in self.act_buttons.values():
            button.setStyleSheet("")
            button.setDefault(False)
            button.setProperty("due", "")
        self.due, self.due_act = None, None
        at = case.at
        for item in case.waiting:
            act = button_for(item, case)
            if act is not None and at is not None and self.act_buttons[act].isEnabled():
                self.due, self.due_act = item, act
                break
        if self.due is None or self.due_act is None or at is None:
            self.due_note.hide()
            return
        status = self.due.status(at)
        button = self.act_buttons[self.due_act]
        button.setStyleSheet(DUE_STYLE[status])
        button.setDefault(True)
        button.setProperty("due", status.value)
        more = len(case.waiting) - 1
        also = f" ({more} more waiting on this case)" if more > 0 else ""
        self.due_note.setText(
            f"<b>{STATUS_WORDS[status]}:</b> {rich(self.due.what)}, {self.due.time_left(at)}"
            f"{also}. Press <b>{rich(plain(button.text()))}</b> to do it."
        )
        self.due_note.setStyleSheet(f"QLabel {{ {DUE_NOTE[status]} padding: 6px; }}")
        self.due_note.show()

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        if not rows or self.case is None:
            return
        event = rows[0].data(OBJECT_ROLE)
        if isinstance(event, CaseEvent):
            self.detail.setPlainText(event_detail(event, self.case))

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
        if self.form is not None and not self.form.may_leave():
            return
        self._close_form()
        if act_type is ActType.ACKNOWLEDGE:
            self._run_act(ActType.ACKNOWLEDGE)
            return
        opened = {ActType.ACTION_DONE: ActType.ACTION, ActType.REFERRAL_DECISION: ActType.REFERRAL}
        items: list[tuple[str, str]] = []
        if act_type in opened:
            waiting = still_open(self.case.events, opened[act_type])
            items = [(str(e.id), open_item_words(e)) for e in waiting]
        to_settle: list[CaseEvent] = []
        if act_type is ActType.CLOSURE:
            to_settle = still_open(self.case.events, ActType.ACTION) + still_open(
                self.case.events, ActType.REFERRAL
            )
        self.form = ActForm(self.session, self.case.head.ref, act_type, items, to_settle)
        self.form.saved.connect(self._acted)
        self.form.cancelled.connect(self._close_form)
        self.form_pane.setWidget(self.form)
        self.form_pane.show()
        self._share(list(WITH_FORM))
        due = self.due
        if due is not None and due.item_id is not None and act_type is self.due_act:
            self.form.choose_item(str(due.item_id))  # the one the queue said is due
        self.form.focus_first()

    def _share(self, parts: list[int]) -> None:
        """Give the splitter's panes these proportions of its width."""
        width = max(self.splitter.width(), 900)
        self.splitter.setSizes([width * part // 100 for part in parts])

    def _run_act(self, act_type: ActType) -> None:
        assert self.case is not None
        tasks.run(
            casework.act, self.session, self.case.head.ref, {"type": act_type.value}
        ).on_success(self._acted).on_error(
            lambda exc: self.summary.setText(rich(user_message(exc)))
        )

    def _acted(self, _act_id: int) -> None:
        assert self.case is not None
        self._close_form()
        self.changed.emit(self.case.head.ref)
        self.reload()

    def _close_form(self) -> None:
        if self.form is not None:
            form, self.form = self.form, None
            self.form_pane.takeWidget()
            form.hide()
            form.deleteLater()
            self.form_pane.hide()
            self._share([*WITHOUT_FORM, 0])

    def _count_attachments(self, case: CaseFile) -> None:
        shown = case.entry is not None and attachments.may_attach(self.session, case.entry.kind)
        self.attachments_button.setVisible(shown)
        if shown:
            count = len(attachments.listed(self.session, case.head.ref))
            self.attachments_button.setText(f"Attac&hments ({count})…")

    def show_attachments(self) -> AttachmentsDialog | None:
        if self.case is None or not self.attachments_button.isVisible():
            return None
        if self.attachments is None:
            self.attachments = AttachmentsDialog(self.session, self)
            self.attachments.panel.changed.connect(self._attachments_changed)
        self.attachments.show_record(self.case.head.ref)
        self.attachments.show()
        self.attachments.activateWindow()
        return self.attachments

    def _attachments_changed(self, *_: object) -> None:
        if self.case is not None:
            self._count_attachments(self.case)

    def _open_record(self) -> None:
        if self.case is not None:
            self.record_requested.emit(self.case.head.ref)


def notification_html(case: CaseFile) -> str:
    """A police notification's own fields, where a concern shows the record."""
    lines = ["<h3>Police notification</h3>"]
    if case.notification is not None:
        for spec in NOTIFICATION_FIELDS:
            value = case.notification.values.get(spec.name)
            if value:
                text = shown(value, spec, CASEWORK_LISTS_LABELS)
                lines.append(f"<p><b>{rich(spec.label)}</b><br>{rich(text)}</p>")
    return "".join(lines)


def urgency_label(value: str) -> str:
    try:
        return Urgency(value).label
    except ValueError:
        return value
