"""Step 10 on the forms: further holds and the body map as editors (keyboard and mouse), the
pupil's SEN or EHCP beside the pupil, what is missing said in the form's words, drafts kept."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from safedesk.domain import body_outline
from safedesk.domain.body_map import MarkKind, Side
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.domain.upn import make
from safedesk.services import drafts, records
from safedesk.services.session import Session
from safedesk.store import pupils as pupil_rows
from safedesk.ui.body_map_widget import CLICKED_HERE, BodyMapEditor, MarkDialog
from safedesk.ui.holds_widget import HoldsEditor
from safedesk.ui.lists_editor import list_title
from safedesk.ui.record_form import RecordForm
from safedesk.ui.record_page import RecordPage
from tests import factories
from tests.ui.conftest import activate
from tests.ui.test_record_forms import fill

PUPIL_EHCP = make("801200005009")
PUPIL_SUPPORT = make("801200005010")


@pytest.fixture
def head(head_session: Session) -> Session:
    factories.add_pupils(head_session)
    with head_session.store.write() as conn:
        for upn, forename, sen in ((PUPIL_EHCP, "Ada", "E"), (PUPIL_SUPPORT, "Ben", "K")):
            details = PupilDetails(
                upn, "Lovelace", forename, date(2017, 3, 3), year_group="3", sen=sen
            )
            pupil_rows.insert(conn, details, head_session.clock.now())
    return head_session


@pytest.fixture
def page(qtbot: QtBot, head: Session) -> RecordPage:
    made = RecordPage(head)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    return made


def form_of(page: RecordPage, kind: Kind) -> RecordForm:
    page.open_form(kind)
    return page.forms[kind]


def holds_editor(form: RecordForm) -> HoldsEditor:
    editor = form.inputs["more_holds"].editor
    assert isinstance(editor, HoldsEditor)
    return editor


def body_editor(form: RecordForm) -> BodyMapEditor:
    editor = form.inputs["body_map"].editor
    assert isinstance(editor, BodyMapEditor)
    return editor


def choose(qtbot: QtBot, combo: QComboBox, label: str) -> None:
    """Choose an item by keyboard: focus the box and press Down until it shows."""
    combo.setFocus()
    for _ in range(combo.count()):
        if combo.currentText() == label:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == label


def add_hold(qtbot: QtBot, editor: HoldsEditor, label: str, minutes: str) -> None:
    if not editor.isActiveWindow():
        activate(qtbot, editor)
    editor.add_button.setFocus()
    qtbot.keyClick(editor.add_button, Qt.Key.Key_Space)
    row = editor.rows[-1]
    assert row.hold.hasFocus()  # the new row's hold is chosen next, from the keyboard
    choose(qtbot, row.hold, label)
    if minutes:
        row.minutes.setFocus()
        row.minutes.lineEdit().selectAll()
        qtbot.keyClicks(row.minutes, minutes)


def open_mark_dialog(qtbot: QtBot, editor: BodyMapEditor) -> MarkDialog:
    editor.add_button.setFocus()
    qtbot.keyClick(editor.add_button, Qt.Key.Key_Space)
    assert editor.dialog is not None
    return editor.dialog


def add_mark_by_keyboard(
    qtbot: QtBot, editor: BodyMapEditor, side: str, area: str, kind: str, size: str, note: str
) -> None:
    dialog = open_mark_dialog(qtbot, editor)
    choose(qtbot, dialog.side, side)
    choose(qtbot, dialog.area, area)
    choose(qtbot, dialog.kind, kind)
    dialog.size_mm.setFocus()
    dialog.size_mm.lineEdit().selectAll()
    qtbot.keyClicks(dialog.size_mm, size)
    qtbot.keyClicks(dialog.note, note)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)


def submit(qtbot: QtBot, page: RecordPage, form: RecordForm) -> str:
    with qtbot.waitSignal(page.recorded) as recorded:
        qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return str(recorded.args[0])


def test_an_intervention_with_further_holds_and_a_body_map_is_recorded_by_keyboard(
    qtbot: QtBot, page: RecordPage, head: Session
) -> None:
    form = form_of(page, Kind.INTERVENTION)
    fill(qtbot, form, factories.intervention())
    holds = holds_editor(form)
    add_hold(qtbot, holds, "Seated hold", "4")
    add_hold(qtbot, holds, "Single elbow", "2")
    assert "Other holds: 6 minutes in all" in holds.total.text()
    assert form.duration is not None and "other holds: 6 minutes in all" in form.duration.text()
    body = body_editor(form)
    add_mark_by_keyboard(qtbot, body, "Front", "left forearm", "Bruise", "30", "fingertips")
    add_mark_by_keyboard(qtbot, body, "Back", "lower back", "Cut", "12", "")
    assert body.list.count() == 2
    assert body.list.item(0).text() == "1. Bruise, left forearm (front), 30 mm: fingertips"
    ref = submit(qtbot, page, form)
    stored = records.open_record(head, ref).current()
    assert json.loads(stored["more_holds"] or "") == [
        {"hold": "seated_hold", "minutes": 4},
        {"hold": "single_elbow", "minutes": 2},
    ]
    marks = json.loads(stored["body_map"] or "")
    assert [(m["side"], m["kind"], m["size_mm"], m["note"]) for m in marks] == [
        ("front", "bruise", 30, "fingertips"),
        ("back", "cut", 12, ""),
    ]
    forearm = next(a for a in body_outline.AREAS if a.label == "left forearm (front)")
    assert (marks[0]["x"], marks[0]["y"]) == (round(forearm.x, 4), round(forearm.y, 4))


def test_a_hold_without_its_minutes_is_asked_for_by_name(
    qtbot: QtBot, page: RecordPage, head: Session
) -> None:
    form = form_of(page, Kind.INTERVENTION)
    fill(qtbot, form, factories.intervention())
    add_hold(qtbot, holds_editor(form), "Seated hold", "")
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    error = form.inputs["more_holds"].error
    assert error.text() == "Other holds used needs the minutes of other hold 1 (Seated hold)."
    assert page.stack.currentWidget() is form  # nothing was recorded
    assert records.my_records(head) == []


def test_a_hold_row_is_removed_and_the_rest_renumbered(qtbot: QtBot, page: RecordPage) -> None:
    form = form_of(page, Kind.INTERVENTION)
    holds = holds_editor(form)
    add_hold(qtbot, holds, "Seated hold", "4")
    add_hold(qtbot, holds, "Single elbow", "2")
    first = holds.rows[0]
    first.remove_button.setFocus()
    qtbot.keyClick(first.remove_button, Qt.Key.Key_Space)
    assert holds.value() == [{"hold": "single_elbow", "minutes": 2}]
    assert holds.rows[0].hold.accessibleName() == "Other hold 1"
    assert "2 minutes" in holds.total.text()


def test_a_click_on_the_figure_opens_the_mark_there(qtbot: QtBot, page: RecordPage) -> None:
    form = form_of(page, Kind.CONCERN)
    body = body_editor(form)
    area = next(a for a in body_outline.AREAS if a.label == "right back of knee")
    canvas = body.canvas
    # The back figure is the second: find the widget point of the area by asking the canvas.
    point = next(
        QPoint(px, py)
        for px in range(canvas.width())
        for py in range(canvas.height())
        if (found := canvas.point_at(px, py)) is not None
        and found[0] is Side.BACK
        and abs(found[1] - area.x) < 0.01
        and abs(found[2] - area.y) < 0.005
    )
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
    dialog = body.dialog
    assert dialog is not None
    assert dialog.side.currentData() == "back"
    assert dialog.area.currentText().startswith(CLICKED_HERE)
    assert "right back of knee" in dialog.area.currentText()
    with qtbot.waitSignal(dialog.accepted):
        choose(qtbot, dialog.kind, "Mark")
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)
    [mark] = body.marks
    assert mark.side is Side.BACK and mark.kind is MarkKind.MARK
    assert abs(mark.x - area.x) < 0.02 and abs(mark.y - area.y) < 0.02


def test_a_click_beside_the_figure_adds_nothing(qtbot: QtBot, page: RecordPage) -> None:
    body = body_editor(form_of(page, Kind.CONCERN))
    qtbot.mouseClick(body.canvas, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert body.dialog is None


def test_the_mark_dialog_says_what_is_missing(qtbot: QtBot, page: RecordPage) -> None:
    body = body_editor(form_of(page, Kind.CONCERN))
    dialog = open_mark_dialog(qtbot, body)
    qtbot.keyClick(dialog.side, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error.text() == "Choose where on the body the mark is."
    choose(qtbot, dialog.area, "chest (front)")  # no side chosen: each area says its side
    qtbot.keyClick(dialog.area, Qt.Key.Key_Return)
    assert dialog.error.text() == "Choose the kind of mark."
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Escape)
    assert body.marks == ()


def test_a_mark_is_removed_from_the_list(qtbot: QtBot, page: RecordPage) -> None:
    body = body_editor(form_of(page, Kind.CONCERN))
    add_mark_by_keyboard(qtbot, body, "Front", "chest", "Burn", "5", "")
    add_mark_by_keyboard(qtbot, body, "Front", "face", "Other", "0", "scratch")
    body.list.setCurrentRow(0)
    body.remove_button.setFocus()
    qtbot.keyClick(body.remove_button, Qt.Key.Key_Space)
    assert [m.kind for m in body.marks] == [MarkKind.OTHER]
    assert body.list.item(0).text() == "1. Other, face (front): scratch"


def test_a_concern_keeps_its_body_map(qtbot: QtBot, page: RecordPage, head: Session) -> None:
    form = form_of(page, Kind.CONCERN)
    fill(qtbot, form, factories.concern())
    add_mark_by_keyboard(qtbot, body_editor(form), "Back", "upper back", "Bruise", "40", "")
    ref = submit(qtbot, page, form)
    [mark] = json.loads(records.open_record(head, ref).current()["body_map"] or "")
    assert (mark["side"], mark["kind"], mark["size_mm"]) == ("back", "bruise", 40)


@pytest.mark.parametrize(
    ("upn", "shown"),
    [(PUPIL_EHCP, "EHCP"), (PUPIL_SUPPORT, "SEN support"), (factories.PUPIL_A, "none recorded")],
)
def test_the_pupils_sen_or_ehcp_shows_beside_the_pupil(
    qtbot: QtBot, page: RecordPage, upn: str, shown: str
) -> None:
    form = form_of(page, Kind.INTERVENTION)
    assert form.sen.isHidden()
    qtbot.keyClicks(form.picker.search, upn)
    qtbot.keyClick(form.picker.search, Qt.Key.Key_Return)
    assert form.sen.isVisible()
    assert form.sen.text() == f"SEN or EHCP (from the school's MIS): {shown}"


def test_the_new_required_fields_are_asked_for_in_the_forms_words(
    qtbot: QtBot, page: RecordPage
) -> None:
    form = form_of(page, Kind.INTERVENTION)
    payload = factories.intervention()
    for name in ("trigger", "intervention_kind", "support_after"):
        payload.pop(name)
    fill(qtbot, form, payload)
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.inputs["trigger"].error.text() == "Trigger is required."
    assert form.inputs["intervention_kind"].error.text() == "Kind of intervention is required."
    assert form.inputs["support_after"].error.text() == (
        "Support offered to the pupil afterwards is required."
    )
    assert form.inputs["trigger"].hasFocus() or form.inputs["trigger"].editor.hasFocus()


def test_holds_and_marks_come_back_with_a_draft(
    qtbot: QtBot, page: RecordPage, head: Session
) -> None:
    form = form_of(page, Kind.INTERVENTION)
    add_hold(qtbot, holds_editor(form), "Seated hold", "3")
    add_mark_by_keyboard(qtbot, body_editor(form), "Front", "chest", "Bruise", "8", "")
    form.save_draft()
    [draft] = drafts.my_drafts(head)
    form.reset()
    assert holds_editor(form).value() is None and body_editor(form).marks == ()
    form.load_draft(draft.id, draft.payload)
    assert holds_editor(form).value() == [{"hold": "seated_hold", "minutes": 3}]
    assert body_editor(form).list.item(0).text() == "1. Bruise, chest (front), 8 mm"


def test_the_new_lists_have_titles_staff_understand() -> None:
    assert list_title("triggers") == "What set it off (triggers)"
    assert list_title("intervention_kinds") == "Kinds of restrictive intervention"


def test_a_letter_date_that_cannot_be_true_is_said_on_the_form(
    qtbot: QtBot, page: RecordPage, head: Session
) -> None:
    form = form_of(page, Kind.INTERVENTION)
    fill(qtbot, form, factories.intervention())
    letter = form.inputs["parent_letter_sent_on"]
    qtbot.keyClicks(letter.editor, "01/01/2001")
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert letter.error.text() == "Letter to the parent sent on is before the intervention."
    letter.set_value(None)
    qtbot.keyClicks(letter.editor, "01/01/2099")
    assert letter.error.text() == "Letter to the parent sent on is in the future."
    assert records.my_records(head) == []
