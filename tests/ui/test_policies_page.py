# mypy: disallow-untyped-calls=False
"""Policies page: a version published with the keyboard alone, what is missing said under its
field by its label, a PDF read inside the app, a member of staff confirming, and the head
seeing who has not."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services import policies, users
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.policies_page import PoliciesPage, PolicyReader, PublishDialog
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.ui.conftest import activate
from tests.ui.test_windows_fit import themed

__all__ = ["themed"]

OWN = "my own password for policies"
WAIT = 60_000


def policy_pdf(words: str) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, words)
    page.showPage()
    page.save()
    return out.getvalue()


@pytest.fixture
def teacher(head_session: Session, school: SchoolStore) -> Iterator[Session]:
    add_account(head_session, "tina.teacher", {Role.STAFF})
    session = school.sign_in("tina.teacher", OTHER_PASSWORD)
    users.change_own_password(session, OTHER_PASSWORD, OWN)
    session.close()
    session = school.sign_in("tina.teacher", OWN)
    yield session
    session.close()


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)


def open_page(qtbot: QtBot, session: Session) -> PoliciesPage:
    page = PoliciesPage(session)
    qtbot.addWidget(page)
    page.resize(1093, 576)
    page.show()
    page.load()
    settle(qtbot)
    return page


def rows(page: PoliciesPage) -> list[list[str]]:
    model = page.model
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_a_version_published_with_the_keyboard(
    qtbot: QtBot, head_session: Session, teacher: Session, qtmodeltester: ModelTester
) -> None:
    page = open_page(qtbot, head_session)
    assert page.status.text() == "No policy has been published yet."
    activate(qtbot, page)
    qtbot.keyClick(page, "p", Qt.KeyboardModifier.AltModifier)  # &Publish a version…
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=WAIT)
    dialog = page.dialog
    assert isinstance(dialog, PublishDialog)
    activate(qtbot, dialog)
    assert dialog.title_box.hasFocus()
    qtbot.keyClicks(dialog.title_box, "Behaviour policy")
    qtbot.keyClick(dialog.title_box, Qt.Key.Key_Tab)
    assert dialog.version.hasFocus()
    qtbot.keyClicks(dialog.version, "2026-27")
    qtbot.keyClick(dialog.version, Qt.Key.Key_Tab)
    assert dialog.published_on.hasFocus()
    assert dialog.published_on.text() == ""  # nothing filled in that nobody typed
    assert "dd/mm/yyyy" in dialog.published_on.placeholderText()
    qtbot.keyClicks(dialog.published_on, "01/09/2026")
    qtbot.keyClick(dialog.published_on, Qt.Key.Key_Tab)
    assert dialog.note.hasFocus()
    qtbot.keyClicks(dialog.note, "Rewards on page 2 are new. Paper copy in the staff room.")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Tab)
    assert dialog.pdf_button.hasFocus()
    with qtbot.waitSignal(dialog.succeeded, timeout=WAIT):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert [r[:4] for r in rows(page)] == [
        ["Behaviour policy", "2026-27", "01/09/2026", "Note only"]
    ]
    assert rows(page)[0][4:] == ["Not yet", "0 of 2 staff"]
    assert page.staff_heading is not None
    assert "read and confirmed by 0 of 2 members of staff" in page.staff_heading.text()
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.staff_model)

    mine = open_page(qtbot, teacher)
    assert mine.publish_button is None and mine.staff_table is None
    assert mine.status.text() == "1 of 1 still to read and confirm."
    activate(qtbot, mine)
    # Not before it was opened: the button waits, and says why beside it.
    assert not mine.confirm_button.isEnabled()
    assert mine.read_first.isVisible()
    assert mine.read_first.text() == "Open it and read it first."
    qtbot.keyClick(mine, "i", Qt.KeyboardModifier.AltModifier)
    mine.confirm()  # nor by the button's slot
    settle(qtbot)
    assert [m.confirmed_at for m in policies.mine(teacher)] == [None]
    qtbot.keyClick(mine, "r", Qt.KeyboardModifier.AltModifier)  # &Read the policy…
    qtbot.waitUntil(lambda: mine.reader is not None and mine.reader.isVisible(), timeout=WAIT)
    reader = mine.reader
    assert reader is not None
    activate(qtbot, reader)
    qtbot.keyClick(reader, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not reader.isVisible(), timeout=WAIT)
    activate(qtbot, mine)
    assert mine.confirm_button.isEnabled()
    assert not mine.read_first.isVisible()
    qtbot.keyClick(mine, "i", Qt.KeyboardModifier.AltModifier)  # &I have read and understood it
    qtbot.waitUntil(lambda: rows(mine)[0][4].startswith("Confirmed "), timeout=WAIT)  # animated
    assert mine.status.text() == "You have confirmed every current policy."
    assert not mine.confirm_button.isEnabled()

    page.load()
    settle(qtbot)
    assert rows(page)[0][5] == "1 of 2 staff"
    staff = page.staff_model
    assert [staff.index(r, 0).data() for r in range(staff.rowCount())] == [
        "Ms Ada Ngozi",  # not yet: first
        "Test tina.teacher",
    ]
    assert staff.index(0, 1).data() == "Not yet"


def test_what_is_missing_is_said_under_its_field(qtbot: QtBot, head_session: Session) -> None:
    page = open_page(qtbot, head_session)
    page.publish()
    dialog = page.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert dialog.published_on.text() == ""  # nothing filled in that nobody typed
    dialog.submit()
    settle(qtbot)
    shown = {name: e.text() for name, e in dialog.errors.items() if e.isVisible()}
    assert shown == {
        "title": "Policy title is required.",
        "version": "Version is required.",
        "published_on": "Published on is required.",
        "note": "What changed, and where to read it is required when no policy document is "
        "attached: say what changed and where staff can read it.",
    }
    assert dialog.title_box.hasFocus()
    assert dialog.isVisible()


def test_the_pdf_is_read_inside_the_app_and_confirmed_there(
    qtbot: QtBot, head_session: Session, teacher: Session, tmp_path: Path, themed: None
) -> None:
    pdf = tmp_path / "kcsie.pdf"
    pdf.write_bytes(policy_pdf("Part one: safeguarding information for all staff"))
    page = open_page(qtbot, head_session)
    page.publish()
    dialog = page.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    dialog.title_box.setEditText("Keeping children safe in education, Part 1")
    dialog.version.setText("2026")
    dialog.published_on.setText("01/09/2026")
    dialog.attach(pdf)
    assert dialog.pdf_words.text().startswith("kcsie.pdf (")
    with qtbot.waitSignal(dialog.succeeded, timeout=WAIT):
        dialog.submit()
    settle(qtbot)
    mine = open_page(qtbot, teacher)
    assert rows(mine)[0][3] == "PDF"
    activate(qtbot, mine)
    qtbot.keyClick(mine, "r", Qt.KeyboardModifier.AltModifier)  # &Read the policy…
    qtbot.waitUntil(lambda: mine.reader is not None and mine.reader.isVisible(), timeout=WAIT)
    reader = mine.reader
    assert isinstance(reader, PolicyReader)
    view = reader.pdf_view  # the page as printed, drawn from memory
    assert view is not None and view.page_label.text() == "Page 1 of 1"
    assert view.area.hasFocus()
    qtbot.waitUntil(lambda: not view.picture.pixmap().isNull(), timeout=WAIT)
    drawn = view.picture.pixmap().toImage()
    line = int(drawn.width() * (842 - 720 - 4) / 595)  # the words' line, from the top
    ink = [drawn.pixelColor(x, line).name() for x in range(drawn.width() // 3)]
    assert any(colour != "#ffffff" for colour in ink)
    activate(qtbot, reader)
    with qtbot.waitSignal(reader.confirmed, timeout=WAIT):
        qtbot.keyClick(reader, "i", Qt.KeyboardModifier.AltModifier)
    assert reader.status.text().startswith("Thank you: confirmed ")
    settle(qtbot)
    assert rows(mine)[0][4].startswith("Confirmed ")
    assert [m.confirmed_at is not None for m in policies.mine(teacher)] == [True]
