"""A pupil's new risk assessment, or a new version of the one they have: the risks as rows
(the risk, what reduces it, who does it; rows added and removed), who was consulted, and the
review date, typed. A new version starts from the last version's risks and who was
consulted; the review date is always typed afresh. Tab goes through every field in order.
Every problem is named by the label the person sees, as the service names it."""

from __future__ import annotations

from datetime import date
from functools import partial
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text
from safedesk.domain.local_time import to_local
from safedesk.domain.people import Pupil
from safedesk.domain.risk_assessment import (
    LABELS,
    AssessmentKind,
    Risk,
    StoredAssessment,
    latest_review,
    validate,
)
from safedesk.services import risk_assessments
from safedesk.services.session import Session
from safedesk.ui.field_widgets import parse_day_text
from safedesk.ui.task_dialog import TaskDialog, fit, label

# Captions with their Alt+letters (unique in the dialog: its buttons are &Save and Cancel).
KIND_CAPTION = "&Kind"
ADD_CAPTION = "&Add a risk"
CONSULTED_CAPTION = "&Who was consulted"
REVIEW_CAPTION = "&Review date"

# What each of a row's fields asks for, in a row's error: "Risk 2: say who does it."
_ASKS = {"risk": "what the risk is", "measures": "what reduces it", "owner": "who does it"}
ROWS_SHOWN_AT_LEAST = 2  # risks seen whole without scrolling, however small the screen
ROWS_SHOWN_AT_MOST = 3  # beyond this the box scrolls
ROOM_FOR_THE_REST = 500  # pixels of the screen the form's other parts take, about


def row_problem(number: int, problems: dict[str, str]) -> str:
    """A row's problems as the person reads them at that row: "Risk 1: say who does it."
    (the service names them "Risks 1: Who does it": "is required")."""
    missing: list[str] = []
    others: list[str] = []
    for name, ask in _ASKS.items():
        problem = problems.get(f"{LABELS['risks']} {number}: {LABELS[name]}")
        if problem == "is required":
            missing.append(ask)
        elif problem:
            others.append(f"{LABELS[name]} {problem}")
    whole = problems.get(f"{LABELS['risks']} {number}")
    if whole:
        others.append(whole)
    parts: list[str] = []
    if missing:
        asks = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        parts.append(f"say {asks}")
    parts += others
    return f"{LABELS['risk']} {number}: {'; '.join(parts)}." if parts else ""


def _text_box(name: str, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on, as everywhere else: no keyboard trap
    box.setAccessibleName(name)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(76)  # three lines of text at the normal size
    return box


class RiskRow(QWidget):
    """One risk: the risk, what reduces it, who does it, and a button that removes the row."""

    def __init__(self, number: int, risk: Risk | None) -> None:
        super().__init__()
        self.risk = _text_box("", "What could happen")
        self.measures = _text_box("", "What is done to reduce it")
        self.owner = QLineEdit()
        self.owner.setPlaceholderText("Who does it")
        self.remove = QPushButton("Remove")
        self.remove.setAutoDefault(False)  # Enter saves the form; it never removes a row
        if risk is not None:
            self.risk.setPlainText(risk.risk)
            self.measures.setPlainText(risk.measures)
            self.owner.setText(risk.owner)
            self.owner.setCursorPosition(0)  # its start shown, not its end
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        layout = QHBoxLayout()
        outer.addLayout(layout)
        self.error = label("", "FieldError", plain=True)
        self.error.setContentsMargins(28, 0, 0, 0)
        self.error.hide()
        outer.addWidget(self.error)
        self.number = QLabel()
        self.number.setFixedWidth(22)
        layout.addWidget(self.number)
        layout.addWidget(self.risk, 3)
        layout.addWidget(self.measures, 3)
        layout.addWidget(self.owner, 2)
        layout.addWidget(self.remove)
        self.renumber(number)

    def renumber(self, number: int) -> None:
        self.number.setText(f"{number}.")
        self.risk.setAccessibleName(f"{LABELS['risk']} {number}")
        self.measures.setAccessibleName(f"{LABELS['measures']} {number}")
        self.owner.setAccessibleName(f"{LABELS['owner']} {number}")
        self.remove.setAccessibleName(f"Remove risk {number}")

    def fields(self) -> list[QWidget]:
        return [self.risk, self.measures, self.owner, self.remove]

    def value(self) -> dict[str, str]:
        return {
            "risk": self.risk.toPlainText(),
            "measures": self.measures.toPlainText(),
            "owner": self.owner.text(),
        }


class RiskArea(QScrollArea):
    """The box holding the rows: tall enough for two whole risks at least, as tall as its
    rows up to three, scrolling beyond (it was a row and a half, however much room)."""

    def __init__(self, rows: list[RiskRow]) -> None:
        super().__init__()
        self.rows = rows

    def _rows_height(self, count: int) -> int:
        shown = self.rows[:count]
        spacing = 6
        height = sum(row.sizeHint().height() for row in shown) + spacing * max(len(shown), 1)
        missing = count - len(shown)
        if missing > 0:
            one = self.rows[0].sizeHint().height() if self.rows else 82
            height += missing * (one + spacing)
        return height + 2

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._rows_height(ROWS_SHOWN_AT_LEAST))

    def sizeHint(self) -> QSize:
        count = max(ROWS_SHOWN_AT_LEAST, min(len(self.rows), ROWS_SHOWN_AT_MOST))
        height = self._rows_height(count)
        screen = self.screen()
        if screen is not None:  # the rest of the form needs about 500 pixels of the screen
            room = screen.availableGeometry().height() - ROOM_FOR_THE_REST
            height = max(min(height, room), self._rows_height(ROWS_SHOWN_AT_LEAST))
        return QSize(super().sizeHint().width(), height)


class RiskAssessmentDialog(TaskDialog):
    """Emits ``succeeded`` with the StoredAssessment saved. ``previous``: the version a "New
    version…" starts from (its kind is kept); None for a new assessment."""

    def __init__(
        self,
        session: Session,
        pupil: Pupil,
        parent: QWidget | None,
        *,
        previous: StoredAssessment | None = None,
        kinds: list[AssessmentKind] | None = None,
    ) -> None:
        plan_only = kinds == [AssessmentKind.BEHAVIOUR_PLAN]
        title = (
            f"New version of {previous.ref}: {pupil.display_name}"
            if previous is not None
            else f"New {'behaviour plan' if plan_only else 'risk assessment'}: {pupil.display_name}"
        )
        super().__init__(parent, title, "&Save")
        self.setMinimumWidth(900)
        # Enter in a field saves, even after Tab has passed over Cancel (an auto-default Cancel
        # stayed the default once focus left it, and Enter then threw the typing away).
        self.cancel_button.setAutoDefault(False)
        self.session = session
        self.pupil = pupil
        self.previous = previous
        self.attempted = False
        self.kind = QComboBox()
        self.kind.setAccessibleName(LABELS["kind"])
        offered = [previous.kind] if previous is not None else (kinds or [])
        for kind in offered:
            self.kind.addItem(kind.label, kind)
        self.kind.setEnabled(previous is None and len(offered) > 1)
        if previous is not None:
            note = label(
                f"Starts from version {previous.version} (saved {date_text(previous.made_at)} "
                f"by {previous.author_name}); it is kept as it is.",
                "Subtitle",
                plain=True,
            )
            self.body.addWidget(note)
        kind_row = QHBoxLayout()
        kind_caption = QLabel(KIND_CAPTION)
        kind_caption.setBuddy(self.kind)
        kind_row.addWidget(kind_caption)
        kind_row.addWidget(self.kind)
        kind_row.addStretch(1)
        self.body.addLayout(kind_row)

        heads = QHBoxLayout()
        heads.setContentsMargins(0, 0, 0, 0)
        heads.addSpacing(28)
        for text, stretch in (
            (f"{LABELS['risk']} *", 3),
            (f"{LABELS['measures']} *", 3),
            (f"{LABELS['owner']} *", 2),
        ):
            heads.addWidget(QLabel(text), stretch)
        heads.addSpacing(90)
        self.body.addLayout(heads)
        self.rows: list[RiskRow] = []
        self.rows_box = QVBoxLayout()
        self.rows_box.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.rows_box)
        column.addStretch(1)
        self.risk_area = RiskArea(self.rows)
        self.risk_area.setWidgetResizable(True)
        self.risk_area.setFrameShape(QFrame.Shape.NoFrame)
        self.risk_area.setWidget(holder)
        self.risk_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body.addWidget(self.risk_area)
        self.add_button = QPushButton(ADD_CAPTION)
        self.add_button.setAutoDefault(False)
        self.add_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        self.risks_error = label("", "FieldError")
        self.risks_error.hide()
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.risks_error, 1)
        add_row.addStretch(0)  # the button stays at the left when there is nothing to say
        self.body.addLayout(add_row)

        self.consulted = _text_box(
            LABELS["consulted"], "For example: mother, the pupil, the social worker"
        )
        self.review = QLineEdit()
        self.review.setAccessibleName(LABELS["review_on"])
        self.review.setPlaceholderText("dd/mm/yyyy")
        self.review.setMaximumWidth(150)
        self.review.setToolTip(
            f"After today and within 12 months (by {date_text(latest_review(self._today()))})"
        )
        form = QGridLayout()
        form.setColumnStretch(1, 1)
        form.setVerticalSpacing(2)
        self.errors: dict[str, QLabel] = {}
        for row, (field, caption, widget) in enumerate(
            (
                ("consulted", CONSULTED_CAPTION, self.consulted),
                ("review_on", REVIEW_CAPTION, self.review),
            )
        ):
            title_label = QLabel(caption + " *")
            title_label.setBuddy(widget)
            error = label("", "FieldError")
            error.hide()
            self.errors[field] = error
            form.addWidget(title_label, 2 * row, 0)
            form.addWidget(widget, 2 * row, 1)
            form.addWidget(error, 2 * row + 1, 1)
        self.body.addLayout(form)

        if previous is not None:
            for risk in previous.content.risks:
                self.add_row(risk)
            self.consulted.setPlainText(previous.content.consulted)
        else:
            self.add_row()
        self.consulted.textChanged.connect(self._changed)
        self.review.textChanged.connect(self._changed)
        self.rows[0].risk.setFocus()

    # --- the rows -------------------------------------------------------------------------

    def add_row(self, risk: Risk | None = None, *, focus: bool = False) -> RiskRow:
        row = RiskRow(len(self.rows) + 1, risk)
        row.remove.clicked.connect(lambda: self.remove_row(row))
        for box in (row.risk, row.measures):
            box.textChanged.connect(self._changed)
        row.owner.textChanged.connect(self._changed)
        self.rows.append(row)
        self.rows_box.addWidget(row)
        row.show()  # now, not at the next turn of the event loop: Tab must reach it at once
        self._order()
        self._refit()
        if focus:
            row.risk.setFocus()
            self.risk_area.ensureWidgetVisible(row)
            self._changed()
        return row

    def _refit(self) -> None:
        """The box and the dialog follow the rows (up to the rows shown at most)."""
        self.risk_area.updateGeometry()
        if self.isVisible():
            fit(self)

    def remove_row(self, row: RiskRow) -> None:
        at = self.rows.index(row)
        self.rows.remove(row)
        self.rows_box.removeWidget(row)
        row.hide()
        row.deleteLater()
        for number, other in enumerate(self.rows, start=1):
            other.renumber(number)
        self._order()
        self._refit()
        # Focus stays near: the row that took its place, or the button to add one.
        (self.rows[min(at, len(self.rows) - 1)].risk if self.rows else self.add_button).setFocus()
        self._changed()

    def _order(self) -> None:
        """Tab order: the kind, each row's fields in turn, Add, consulted, review, buttons."""
        chain: list[QWidget] = [self.kind]
        for row in self.rows:
            chain += row.fields()
        chain += [self.add_button, self.consulted, self.review]
        chain += [self.action_button, self.cancel_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def inputs(self) -> list[QWidget]:
        found: list[QWidget] = [self.kind, self.add_button, self.consulted, self.review]
        for row in self.rows:
            found += row.fields()
        return found

    # --- checking and saving ----------------------------------------------------------------

    def _today(self) -> date:
        return to_local(self.session.clock.now()).date()

    def payload(self) -> dict[str, Any]:
        typed = self.review.text().strip()
        day = parse_day_text(typed) if typed else None
        return {
            "risks": [row.value() for row in self.rows],
            "consulted": self.consulted.toPlainText(),
            "review_on": day or typed,
        }

    def chosen_kind(self) -> AssessmentKind:
        return AssessmentKind(self.kind.currentData())  # Qt hands the enum back as text

    def problems(self) -> dict[str, str]:
        try:
            validate(self.payload(), today=self._today())
        except ValidationError as exc:
            return exc.problems
        return {}

    def _changed(self) -> None:
        if self.attempted:
            self.show_problems(self.problems())

    def show_problems(self, problems: dict[str, str]) -> None:
        for field, error in self.errors.items():
            problem = problems.get(LABELS[field])
            error.setText(f"{LABELS[field]}: {problem}." if problem else "")
            error.setVisible(problem is not None)
        for number, row in enumerate(self.rows, start=1):
            said = row_problem(number, problems)
            row.error.setText(said)
            row.error.setVisible(bool(said))
        whole = problems.get(LABELS["risks"])
        self.risks_error.setText(f"{LABELS['risks']}: {whole}." if whole else "")
        self.risks_error.setVisible(bool(whole))
        self._refit()
        shown = {LABELS[f] for f in self.errors} | {f for f in problems if f.startswith("Risks")}
        others = [f"{f}: {p}" for f, p in problems.items() if f not in shown]
        if problems:
            self.say(
                f"{counted(len(problems), 'thing')} to put right before saving."
                + ("\n" + "\n".join(others) if others else "")
            )
        else:
            self.error.hide()

    def _first_wrong(self, problems: dict[str, str]) -> QWidget:
        for number, row in enumerate(self.rows, start=1):
            for name, widget in (
                ("risk", row.risk),
                ("measures", row.measures),
                ("owner", row.owner),
            ):
                if f"{LABELS['risks']} {number}: {LABELS[name]}" in problems:
                    return widget
        if LABELS["risks"] in problems:
            return self.add_button
        if LABELS["consulted"] in problems:
            return self.consulted
        return self.review

    def submit(self) -> None:
        self.attempted = True
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            wrong = self._first_wrong(problems)
            wrong.setFocus()
            if wrong.parentWidget() is not None and isinstance(wrong.parentWidget(), RiskRow):
                self.risk_area.ensureWidgetVisible(wrong)
            return
        after = self.previous.version if self.previous is not None else 0
        save = partial(risk_assessments.make_assessment, after_version=after)
        # Read from the widgets here, on the UI thread; the work runs off it.
        self.run("Saving…", save, self.session, self.pupil.upn, self.payload(), self.chosen_kind())

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
        else:
            super().failed(exc)
