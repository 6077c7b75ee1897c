"""The intervention and concern forms by keyboard alone: Tab goes from the first field to
"Submit record" through every field in order, also with further holds added and taken away
and marks on the body map (a hold row added had cut everything below the holds off from Tab);
the local authority asked only when no parent was told; the main hold's minutes said."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from safedesk.domain import body_outline
from safedesk.domain.body_map import MarkKind, Side
from safedesk.domain.entries import Kind
from safedesk.ui.record_form import RecordForm
from safedesk.ui.record_page import RecordPage
from tests import factories
from tests.ui.conftest import activate
from tests.ui.test_record_forms import fill
from tests.ui.test_step10_forms import (
    add_hold,
    add_mark_by_keyboard,
    body_editor,
    choose,
    form_of,
    head,
    holds_editor,
    open_mark_dialog,
    page,
)

__all__ = ["head", "page"]  # the fixtures, shared with the other Step 10 form tests

START = [
    "Find a pupil",
    "Started: date",
    "Started: time",
    "Ended: date",
    "Ended: time",
    "Location",
    "Staff involved",
    "Witnesses",
    "Trigger",
    "What happened before (the cause)",
    "How it escalated",
    "De-escalation tried first",
    "Why force was necessary",
    "Kind of intervention",
    "Type of hold",
]
BELOW_HOLDS = [
    "Other holds used: add a hold",
    "Description of the hold",
    "Injuries to the pupil",
    "Injuries to staff",
    "Body map: add a mark",
    "Support offered to the pupil afterwards",
    "The pupil's own account",
    "Parent or carer informed: Yes",
    "Letter to the parent sent on",
    "Debrief",
    "Post-incident review and changes",
]
BUTTONS = ["&Back to the choices", "&Discard…", "&Submit record"]
HOLD_1 = ["Other hold 1", "Other hold 1: minutes", "Remove other hold 1"]
HOLD_2 = ["Other hold 2", "Other hold 2: minutes", "Remove other hold 2"]


def tab_through(qtbot: QtBot, form: RecordForm) -> list[str]:
    """What Tab reaches from the form's first field until "Submit record", by name."""
    if not form.isActiveWindow():
        activate(qtbot, form)
    form.picker.setFocus()
    seen: list[str] = []
    while len(seen) < 100:
        widget = QApplication.focusWidget()
        assert widget is not None
        name = widget.accessibleName()
        seen.append(name or (widget.text() if isinstance(widget, QAbstractButton) else "?"))
        if widget is form.submit_button:
            return seen
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached Submit record: {seen}")


def test_tab_goes_through_the_intervention_form_in_order(qtbot: QtBot, page: RecordPage) -> None:
    form = form_of(page, Kind.INTERVENTION)
    assert tab_through(qtbot, form) == START + BELOW_HOLDS + BUTTONS


def test_tab_goes_on_below_further_holds_added_and_taken_away(
    qtbot: QtBot, page: RecordPage
) -> None:
    form = form_of(page, Kind.INTERVENTION)
    holds = holds_editor(form)
    add_hold(qtbot, holds, "Seated hold", "2")
    # From "Add a hold" itself, Tab goes on down the form (it went to the top).
    holds.add_button.setFocus()
    qtbot.keyClick(holds.add_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.inputs["restraint_detail"].editor
    assert tab_through(qtbot, form) == START + HOLD_1 + BELOW_HOLDS + BUTTONS
    add_hold(qtbot, holds, "Single elbow", "1")
    assert tab_through(qtbot, form) == START + HOLD_1 + HOLD_2 + BELOW_HOLDS + BUTTONS
    holds.rows[0].remove_button.setFocus()
    qtbot.keyClick(holds.rows[0].remove_button, Qt.Key.Key_Space)
    assert tab_through(qtbot, form) == START + HOLD_1 + BELOW_HOLDS + BUTTONS
    holds.rows[0].remove_button.setFocus()
    qtbot.keyClick(holds.rows[0].remove_button, Qt.Key.Key_Space)
    assert tab_through(qtbot, form) == START + BELOW_HOLDS + BUTTONS


def test_tab_reaches_holds_brought_back_with_a_draft(qtbot: QtBot, page: RecordPage) -> None:
    form = form_of(page, Kind.INTERVENTION)
    holds = holds_editor(form)
    holds.set_value([{"hold": "seated_hold", "minutes": 2}])
    assert tab_through(qtbot, form) == START + HOLD_1 + BELOW_HOLDS + BUTTONS


def test_the_local_authority_is_asked_only_when_no_parent_was_told(
    qtbot: QtBot, page: RecordPage
) -> None:
    form = form_of(page, Kind.INTERVENTION)
    la = [form.inputs[name] for name in ("la_reported_at", "la_reported_to")]
    assert not any(field.isVisible() for field in la)  # not yet answered
    informed = form.parent_informed
    assert informed is not None
    activate(qtbot, form)
    informed.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # Yes
    assert informed.value() is True
    assert not any(field.isVisible() for field in la)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # No
    assert informed.value() is False
    assert all(field.isVisible() for field in la)
    names = tab_through(qtbot, form)
    told = names.index("Parent or carer informed: No")
    assert names[told + 1 : told + 6] == [
        "Why the parent was not informed",
        "Letter to the parent sent on",
        "Reported to the local authority at: date",
        "Reported to the local authority at: time",
        "Reported to (local authority team and person)",
    ]


def test_tab_goes_through_the_concern_form_and_its_body_map(qtbot: QtBot, page: RecordPage) -> None:
    form = form_of(page, Kind.CONCERN)
    start = [
        "Find a pupil",
        "When it happened: date",
        "When it happened: time",
        "Category",
        "Urgency",
        "What you saw or heard",
        "The child's own words",
        "Action you have already taken",
        "Who else you have told",
    ]
    assert tab_through(qtbot, form) == [*start, "Body map: add a mark", *BUTTONS]
    add_mark_by_keyboard(qtbot, body_editor(form), "Front", "chest", "Bruise", "8", "")
    marks = ["Body map: marks", "Body map: add a mark", "Body map: remove the chosen mark"]
    assert tab_through(qtbot, form) == start + marks + BUTTONS


def test_the_main_hold_is_given_the_rest_of_the_time(qtbot: QtBot, page: RecordPage) -> None:
    form = form_of(page, Kind.INTERVENTION)
    fill(qtbot, form, factories.intervention())  # an hour, double elbow
    holds = holds_editor(form)
    assert holds.main.isHidden()
    add_hold(qtbot, holds, "Seated hold", "1")
    assert holds.main.isVisible()
    assert holds.main.text() == "Double elbow: 59 minutes (the rest of the time)"


def test_a_further_hold_repeating_the_main_hold_is_refused_on_the_form(
    qtbot: QtBot, page: RecordPage
) -> None:
    form = form_of(page, Kind.INTERVENTION)
    fill(qtbot, form, factories.intervention())
    add_hold(qtbot, holds_editor(form), "Double elbow", "1")
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.inputs["more_holds"].error.text() == (
        "Other holds used include the main hold (“Type of hold”) again, as other hold 1: the "
        "main hold's minutes are the rest of the time, so list only the other holds."
    )


def test_the_mark_dialog_has_a_title_and_chooses_no_side_itself(
    qtbot: QtBot, page: RecordPage
) -> None:
    body = body_editor(form_of(page, Kind.CONCERN))
    activate(qtbot, body)
    dialog = open_mark_dialog(qtbot, body)
    assert dialog.windowTitle() == "Add a mark to the body map"
    assert dialog.side.currentData() == ""  # nothing filled in that nobody chose
    # The areas say their side; choosing one shows the side.
    choose(qtbot, dialog.area, "left forearm (back)")
    assert dialog.side.currentData() == "back"
    choose(qtbot, dialog.kind, "Bruise")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)
    [mark] = body.marks
    area = next(a for a in body_outline.AREAS if a.label == "left forearm (back)")
    assert (mark.side, mark.kind, mark.x, mark.y) == (Side.BACK, MarkKind.BRUISE, area.x, area.y)


def test_the_mark_dialog_asks_for_the_area_when_only_a_side_is_missing(
    qtbot: QtBot, page: RecordPage
) -> None:
    body = body_editor(form_of(page, Kind.CONCERN))
    activate(qtbot, body)
    dialog = open_mark_dialog(qtbot, body)
    choose(qtbot, dialog.kind, "Cut")
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error.text() == "Choose where on the body the mark is."
    assert body.marks == ()


def test_shift_tab_goes_back_up_through_the_holds(qtbot: QtBot, page: RecordPage) -> None:
    form = form_of(page, Kind.INTERVENTION)
    add_hold(qtbot, holds_editor(form), "Seated hold", "2")
    form.inputs["restraint_detail"].editor.setFocus()
    seen = []
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
        widget = QApplication.focusWidget()
        assert widget is not None
        seen.append(widget.accessibleName())
    assert seen == ["Other holds used: add a hold", *reversed(HOLD_1), "Type of hold"]
