"""A behaviour record opened for a leader's review: the record as it reads now, and the review
form (decision, note, follow-up, target, parents). Mandatory fields are checked as they are
typed, by the same rules the service applies; a record already reviewed shows its review."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QWidget,
)

from safedesk.domain.behaviour_review import LABELS, Decision, StoredReview, validate_review
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text, moment_text, rich
from safedesk.services import behaviour_review
from safedesk.services.behaviour_review import ForReview
from safedesk.services.session import Session
from safedesk.ui import msgbox
from safedesk.ui.record_view import record_html
from safedesk.ui.task_dialog import TaskDialog, label

DATE_HINT = "dd/mm/yyyy"
# Which fields each decision needs, starred on the form as the decision changes.
NEEDS = {
    Decision.FOLLOW_UP: ("follow_up", "follow_up_by"),
    Decision.TARGET: ("target",),
    Decision.PARENTS: ("parents_who", "parents_by"),
}
# The form's own captions, with their Alt+letters (unique in the dialog).
CAPTIONS = {
    "decision": "&Decision",
    "note": "&Note",
    "follow_up": "F&ollow-up",
    "follow_up_by": "Follow-up &by",
    "target": "&Target",
    "parents_who": "&Who contacts the parents",
    "parents_by": "Contact &parents by",
}


def typed_date(text: str) -> date | str | None:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd); None when empty; the text if unreadable."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text


def review_html(review: StoredReview) -> str:
    found = review.review
    rows = [
        ("Decision", found.decision.label),
        ("Note", found.note),
        ("Follow-up", found.follow_up),
        ("Follow-up by", date_text(found.follow_up_by)),
        ("Target", found.target),
        ("Who contacts the parents", found.parents_who),
        ("Contact parents by", date_text(found.parents_by)),
    ]
    cells = "".join(
        f"<tr><th align=left valign=top>{name}</th><td>{rich(value)}</td></tr>"
        for name, value in rows
        if value
    )
    return (
        f"<p>Reviewed by <b>{rich(review.author_name)}</b> on {moment_text(review.at)}.</p>"
        f"<table cellspacing=4>{cells}</table>"
    )


class ReviewDialog(TaskDialog):
    """Emits ``succeeded`` with the review's number once it is saved."""

    def __init__(self, session: Session, found: ForReview, parent: QWidget | None) -> None:
        super().__init__(parent, f"Review {found.entry.ref}", "&Sign off review")
        self.session = session
        self.found = found
        # The record on the left, the review on the right: both in view within 1093x576,
        # a 1366x768 laptop at 125 % less the taskbar.
        self.setMinimumWidth(1000)
        self.attempted = False
        self.record = QTextBrowser()
        self.record.setAccessibleName("The record")
        self.record.setHtml(record_html(found.entry, found.labels))
        self.record.setMinimumSize(400, 240)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(self.record, 1)
        self.body.addLayout(columns, 1)
        self.captions: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        if found.review is not None:
            done = label(review_html(found.review), "Detail")
            done.setAlignment(Qt.AlignmentFlag.AlignTop)
            columns.addWidget(done, 1)
            self.action_button.hide()
            self.cancel_button.setText("Close")
            self.fields: dict[str, QWidget] = {}
            return
        self.decision = QComboBox()
        self.decision.setPlaceholderText("Choose a decision…")
        for decision in Decision:
            self.decision.addItem(decision.label, decision.value)
        self.decision.setCurrentIndex(-1)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("What you decided and why")
        self.note.setFixedHeight(72)
        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText("e.g. check in with him on Friday")
        self.follow_up_by = QLineEdit()
        self.target = QLineEdit()
        self.target.setPlaceholderText("e.g. lines up calmly after lunch")
        self.parents_who = QLineEdit()
        self.parents_by = QLineEdit()
        for box in (self.follow_up_by, self.parents_by):
            box.setPlaceholderText(DATE_HINT)
        self.fields = {
            "decision": self.decision,
            "note": self.note,
            "follow_up": self.follow_up,
            "follow_up_by": self.follow_up_by,
            "target": self.target,
            "parents_who": self.parents_who,
            "parents_by": self.parents_by,
        }
        for name, widget in self.fields.items():
            caption = QLabel(CAPTIONS[name])
            caption.setBuddy(widget)
            widget.setAccessibleName(LABELS[name])
            error = QLabel()
            error.setObjectName("FieldError")
            error.setWordWrap(True)
            error.hide()
            self.captions[name] = caption
            self.errors[name] = error
        # One field a row, caption beside it; its error under both, the column's width.
        form = QGridLayout()
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(3)
        form.setColumnStretch(1, 1)
        row = 0
        for name, widget in self.fields.items():
            form.addWidget(self.captions[name], row, 0)
            form.addWidget(widget, row, 1)
            form.addWidget(self.errors[name], row + 1, 0, 1, 2)
            row += 2
        form.setRowStretch(row, 1)
        columns.addLayout(form, 1)
        self.decision.currentIndexChanged.connect(lambda _i: self._changed())
        self.note.textChanged.connect(self._changed)
        for box in (self.follow_up, self.follow_up_by, self.target, self.parents_who):
            box.textChanged.connect(self._changed)
        self.parents_by.textChanged.connect(self._changed)
        self._star()
        self.decision.setFocus()

    def inputs(self) -> list[QWidget]:
        return list(self.fields.values())

    def typed(self) -> bool:
        """Whether anything has been chosen or typed into the review."""
        if not self.fields:
            return False
        if self.decision.currentIndex() >= 0 or self.note.toPlainText().strip():
            return True
        boxes = (self.follow_up, self.follow_up_by, self.target, self.parents_who, self.parents_by)
        return any(box.text().strip() for box in boxes)

    def reject(self) -> None:
        """Esc, Cancel or the close button: a half-written review is not lost unasked."""
        if not self.working and self.typed():
            keep = not msgbox.confirm(
                self,
                "Discard this review?",
                "What you have typed in this review will be lost. Discard it?",
            )
            if keep:
                return
        super().reject()

    def payload(self) -> tuple[dict[str, Any], dict[str, str]]:
        """What the form holds, as the service takes it, and the dates that cannot be read."""
        unreadable: dict[str, str] = {}
        values: dict[str, Any] = {
            "decision": self.decision.currentData(),
            "note": self.note.toPlainText(),
            "follow_up": self.follow_up.text(),
            "target": self.target.text(),
            "parents_who": self.parents_who.text(),
        }
        for name, box in (("follow_up_by", self.follow_up_by), ("parents_by", self.parents_by)):
            day = typed_date(box.text())
            if isinstance(day, str):
                unreadable[LABELS[name]] = f"must be a date like {date_text(date.today())}"
                values[name] = None
            else:
                values[name] = day
        return values, unreadable

    def problems(self) -> dict[str, str]:
        """Every problem with the form as it stands, by the label of its field."""
        values, found = self.payload()
        try:
            validate_review(values, today=self.session.clock.now().astimezone().date())
        except ValidationError as exc:
            for field, problem in exc.problems.items():
                found.setdefault(field, problem)
        return found

    def _star(self) -> None:
        chosen = self.decision.currentData()
        needed = {"decision", "note", *(NEEDS.get(Decision(chosen), ()) if chosen else ())}
        for name, caption in self.captions.items():
            caption.setText(CAPTIONS[name] + (" *" if name in needed else ""))

    def _changed(self) -> None:
        self._star()
        if self.attempted:
            self.show_problems(self.problems())

    def show_problems(self, problems: dict[str, str]) -> None:
        by_label = {LABELS[name]: name for name in self.fields}
        for name, error in self.errors.items():
            problem = problems.get(LABELS[name])
            error.setText(f"{LABELS[name]} {problem}." if problem else "")
            error.setVisible(problem is not None)
        others = [f"{f}: {p}" for f, p in problems.items() if f not in by_label]
        if problems:
            count = len(problems)
            things = "1 thing" if count == 1 else f"{count} things"
            self.say(
                f"{things} to put right before signing off."
                + "".join(f"\n{line}" for line in others)
            )
        else:
            self.error.hide()

    def submit(self) -> None:
        if self.working or self.found.review is not None:
            return
        self.attempted = True
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            first = next(n for n in self.fields if LABELS[n] in problems)
            self.fields[first].setFocus()
            return
        values, _unreadable = self.payload()
        for name in ("follow_up_by", "parents_by"):
            if values[name] is not None:
                values[name] = values[name].isoformat()
        self.run(
            "Saving the review…",
            behaviour_review.record_review,
            self.session,
            self.found.entry.ref,
            values,
        )

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
        else:
            super().failed(exc)
