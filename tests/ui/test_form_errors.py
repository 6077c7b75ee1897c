"""A form's errors follow what is typed, are never drawn over the boxes, and the page after
a submit says truthfully where the record went."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services.session import Session
from safedesk.ui import theme
from safedesk.ui.record_form import RecordForm
from safedesk.ui.record_page import RecordPage
from tests import factories
from tests.conftest import add_account
from tests.ui.test_record_forms import fill, type_text


@pytest.fixture
def staff(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    return session_as(Role.STAFF)


@pytest.fixture
def page(qtbot: QtBot, staff: Session) -> Iterator[RecordPage]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    # The app's own style sheet (its padding is part of what overlapped), put back afterwards
    # so later tests see the system's own font.
    font, palette, sheet = QFont(app.font()), app.palette(), app.styleSheet()
    theme._system_points = None
    theme.apply(app)
    made = RecordPage(staff)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    yield made
    app.setStyleSheet(sheet)
    app.setPalette(palette)
    app.setFont(font)
    theme._system_points = None


def test_errors_go_as_each_field_is_put_right_and_the_count_follows(
    qtbot: QtBot, page: RecordPage
) -> None:
    """Found by the new-user pass: "…is required" stayed under fields since filled, and the
    footer still said "12 things to put right"."""
    form = page.open_form(Kind.CONCERN)
    form.submit_button.click()
    description = form.inputs["description"]
    assert description.error.isVisible()
    assert form.status.text() == "5 things to put right before this can be submitted."
    editor = description.editor
    assert isinstance(editor, QPlainTextEdit)
    type_text(qtbot, editor, "Came in without a coat.")
    assert description.error.isHidden()
    assert form.status.text() == "4 things to put right before this can be submitted."
    payload = factories.concern()
    payload.pop("urgency")
    payload.pop("description")
    fill(qtbot, form, payload)
    assert form.status.text() == "1 thing to put right before this can be submitted."
    assert form.picker_error.isHidden()
    assert form.inputs["urgency"].error.isVisible()
    form.inputs["urgency"].set_value("routine")
    assert form.status.text() == ""
    assert not [f for f in form.inputs.values() if f.error.isVisible()]
    # Emptied again, the field's error comes back (the form is checked as it changes).
    editor.clear()
    assert description.error.text() == "What you saw or heard is required."


def overlapping(form: RecordForm) -> list[str]:
    """Lines of a field drawn over one another (help or an error over its box)."""
    found = []
    for name, field in form.inputs.items():
        if field.isHidden():
            continue
        parts: list[QWidget] = [
            w
            for w in (field.editor, field.which, *field.findChildren(QLabel))
            if w.parent() is field and w.isVisible()
        ]
        parts.sort(key=lambda w: w.geometry().top())
        for above, below in pairwise(parts):
            if above.geometry().bottom() >= below.geometry().top():
                found.append(f"{name}: {type(below).__name__} over {type(above).__name__}")
    return found


@pytest.mark.parametrize("kind", list(Kind))
def test_help_and_errors_are_never_drawn_over_the_boxes(
    qtbot: QtBot, page: RecordPage, kind: Kind
) -> None:
    """Found by the new-user pass: once errors appeared, help text was drawn over the "What
    you saw or heard" box (the fields were squeezed below their size)."""
    form = page.open_form(kind)
    QApplication.processEvents()
    assert overlapping(form) == []
    form.submit_button.click()
    QApplication.processEvents()
    assert form.status.text()
    assert overlapping(form) == []


def test_the_page_after_a_submit_says_who_it_went_to(
    qtbot: QtBot, head_session: Session, page: RecordPage
) -> None:
    """The fixed words promised a behaviour lead to a school without one."""
    form = page.open_form(Kind.BEHAVIOUR)
    fill(qtbot, form, factories.behaviour())
    with qtbot.waitSignal(page.recorded):
        form.submit_button.click()
    assert "The school has no behaviour lead, so it has gone to the headteacher." in (
        page.done_detail.text()
    )
    add_account(head_session, "lead", {Role.BEHAVIOUR_LEAD})
    page.show_menu()
    form = page.open_form(Kind.INTERVENTION)
    fill(qtbot, form, factories.intervention())
    with qtbot.waitSignal(page.recorded):
        form.submit_button.click()
    assert "It has gone to the behaviour lead and the headteacher." in page.done_detail.text()


def test_a_draft_saved_keeps_the_count_of_what_is_left_in_view(
    qtbot: QtBot, page: RecordPage
) -> None:
    """Found by the new-user pass: "Draft saved." replaced "12 things to put right"."""
    form = page.open_form(Kind.INTERVENTION)
    form.submit_button.click()
    counted_before = form.status.text()
    assert "to put right" in counted_before
    qtbot.keyClicks(form.inputs["staff_involved"].editor, "Mr Okafor")
    form.save_draft()
    assert form.status.text().startswith("Draft saved.")
    assert "to put right before this can be submitted" in form.status.text()
