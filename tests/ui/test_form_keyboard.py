"""The record forms by keyboard alone: Tab moves on past the chosen pupils, the picker's
arrows and Enter choose the highlighted match, Esc and Back keep the draft, Discard asks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from safedesk.domain import upn
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.domain.roles import Role
from safedesk.services import drafts
from safedesk.services.session import Session
from safedesk.store import pupils
from safedesk.ui import msgbox
from safedesk.ui.field_widgets import WhenBox
from safedesk.ui.record_page import RecordPage
from tests import factories
from tests.ui.conftest import activate

THEOS = [
    ("801200006001", "Okafor", "Theo", date(2018, 3, 4), "2", "Birch"),
    ("801200006002", "Okafor", "Theo", date(2016, 9, 12), "4", "Ash"),
    ("801200006003", "Okafor", "Theo", date(2019, 1, 20), "R", "Acorn"),
    ("801200006004", "Okafor", "Theo", date(2017, 6, 30), "3", "Oak"),
]


@pytest.fixture
def staff(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    with head_session.store.write() as conn:
        for body, surname, forename, born, year, class_name in THEOS:
            details = PupilDetails(
                upn.make(body), surname, forename, born, None, None, year, class_name
            )
            pupils.insert(conn, details, head_session.clock.now())
    return session_as(Role.STAFF)


@pytest.fixture
def page(qtbot: QtBot, staff: Session) -> RecordPage:
    made = RecordPage(staff)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    activate(qtbot, made)
    return made


def press(qtbot: QtBot, key: Qt.Key, times: int = 1) -> list[QWidget]:
    """Press ``key`` where the focus is, ``times`` times; the widgets focused after each."""
    seen: list[QWidget] = []
    for _ in range(times):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, key)
        now = QApplication.focusWidget()
        assert now is not None
        seen.append(now)
    return seen


def alt(qtbot: QtBot, button: QAbstractButton) -> None:
    """Alt and the button's underlined letter, as the keyboard would."""
    letter = button.text()[button.text().index("&") + 1]
    qtbot.keyClick(button.window(), letter.lower(), Qt.KeyboardModifier.AltModifier)


def mnemonics(root: QWidget) -> list[str]:
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        text = ""
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            text = widget.text().replace("&&", "")
        if "&" in text:
            found.append(text[text.index("&") + 1].lower())
    return found


@pytest.mark.parametrize("kind", list(Kind))
def test_no_letter_is_used_twice_on_a_form(qtbot: QtBot, page: RecordPage, kind: Kind) -> None:
    choose_first(qtbot, page, kind)
    letters = mnemonics(page)
    assert {"b", "d", "s"} <= set(letters)
    assert len(letters) == len(set(letters)), letters


def choose_first(qtbot: QtBot, page: RecordPage, kind: Kind) -> None:
    form = page.open_form(kind)
    qtbot.keyClicks(form.picker.search, factories.PUPIL_A)
    qtbot.keyClick(form.picker.search, Qt.Key.Key_Return)
    assert form.picker.upns() == [factories.PUPIL_A]
    assert form.picker.search.hasFocus()


@pytest.mark.parametrize("kind", list(Kind))
def test_tab_moves_on_from_the_chosen_pupils_to_the_rest_of_the_form(
    qtbot: QtBot, page: RecordPage, kind: Kind
) -> None:
    """Found by the new-user pass: once a pupil was chosen, Tab went round the cells of the
    chosen-pupils table for ever; the rest of the form could not be reached by keyboard."""
    choose_first(qtbot, page, kind)
    form = page.forms[kind]
    first = form.inputs["started_at" if kind is Kind.INTERVENTION else "occurred_at"].editor
    assert isinstance(first, WhenBox)
    forwards = press(qtbot, Qt.Key.Key_Tab, 80)
    assert form.picker.chosen in forwards
    assert first.day in forwards and first.clock in forwards
    assert forwards.index(first.day) < forwards.index(first.clock)
    assert form.submit_button in forwards
    # And back again: Shift+Tab from the first date box returns to the picker.
    first.day.setFocus()
    backwards = press(qtbot, Qt.Key.Key_Backtab, 6)
    assert form.picker.search in backwards
    assert form.picker.chosen in backwards


def test_ctrl_tab_leaves_the_chosen_pupils_too(qtbot: QtBot, page: RecordPage) -> None:
    choose_first(qtbot, page, Kind.CONCERN)
    form = page.forms[Kind.CONCERN]
    form.picker.chosen.setFocus()
    qtbot.keyClick(form.picker.chosen, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    after = QApplication.focusWidget()
    assert after is not None and after is not form.picker.chosen
    assert not form.picker.chosen.isAncestorOf(after)


def match_texts(page: RecordPage, kind: Kind) -> list[str]:
    """The matches as drawn (by the list's delegate)."""
    picker = page.forms[kind].picker
    texts = []
    model = picker.matches.model()
    for row in range(model.rowCount()):
        option = QStyleOptionViewItem()
        picker.matches.itemDelegate().initStyleOption(  # type: ignore[attr-defined]
            option, model.index(row, picker.matches.modelColumn())
        )
        texts.append(option.text)  # type: ignore[attr-defined]
    return texts


def test_matches_tell_children_of_the_same_name_apart_and_enter_takes_the_highlighted(
    qtbot: QtBot, page: RecordPage
) -> None:
    """Found by the new-user pass: four "Theo"s showed as names only, and Enter took the top
    one whichever was meant."""
    form = page.open_form(Kind.CONCERN)
    qtbot.keyClicks(form.picker.search, "theo")
    texts = match_texts(page, Kind.CONCERN)
    assert len(texts) == 4
    assert len(set(texts)) == 4
    assert any("Year 4, Ash" in t and "born 12/09/2016" in t for t in texts)
    assert any("Reception, Acorn" in t and "born 20/01/2019" in t for t in texts)
    wanted = next(i for i, t in enumerate(texts) if "Year 3, Oak" in t)
    press(qtbot, Qt.Key.Key_Down, wanted)
    assert form.picker.search.hasFocus()  # the typing stays in the search box
    qtbot.keyClick(form.picker.search, Qt.Key.Key_Return)
    assert form.picker.upns() == [upn.make("801200006004")]
    assert form.picker.hint.text().startswith("1 pupil chosen.")
    # Up comes back, Enter adds the one now highlighted.
    qtbot.keyClicks(form.picker.search, "theo")
    texts = match_texts(page, Kind.CONCERN)
    wanted = next(i for i, t in enumerate(texts) if "Year 4, Ash" in t)
    press(qtbot, Qt.Key.Key_Down, 5)  # stops at the last
    press(qtbot, Qt.Key.Key_Up, 3 - wanted)
    highlighted = form.picker.highlighted()
    assert highlighted is not None and highlighted.upn == upn.make("801200006002")
    qtbot.keyClick(form.picker.search, Qt.Key.Key_Return)
    assert form.picker.upns()[-1] == upn.make("801200006002")
    assert form.picker.hint.text().startswith("2 pupils chosen.")


def test_esc_goes_back_to_the_choices_and_keeps_what_is_typed(
    qtbot: QtBot, page: RecordPage, staff: Session
) -> None:
    """Found by the new-user pass: there was no way back to "What do you need to record?"
    and Esc did nothing."""
    choose_first(qtbot, page, Kind.BEHAVIOUR)
    form = page.forms[Kind.BEHAVIOUR]
    qtbot.keyClicks(form.inputs["antecedent"].editor, "Lost at football")
    press(qtbot, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.menu
    [draft] = drafts.my_drafts(staff)
    assert draft.payload["antecedent"] == "Lost at football"
    assert "unfinished behaviour incident" in page.drafts_note.text()
    assert page.drafts_note.isVisible()
    # The button does the same.
    page.resume_latest_draft()
    assert form.inputs["antecedent"].value() == "Lost at football"
    alt(qtbot, form.back_button)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.menu)  # a mnemonic animates
    assert len(drafts.my_drafts(staff)) == 1


def test_discard_asks_first_and_no_keeps_everything(
    qtbot: QtBot, page: RecordPage, staff: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the new-user pass: Discard wiped a half-written record and its draft at
    once."""
    asked: list[str] = []
    answer = {"yes": False}

    def confirm(_parent: object, title: str, text: str) -> bool:
        asked.append(f"{title} {text}")
        return answer["yes"]

    monkeypatch.setattr(msgbox, "confirm", confirm)
    choose_first(qtbot, page, Kind.CONCERN)
    form = page.forms[Kind.CONCERN]
    qtbot.keyClicks(form.inputs["description"].editor, "Said she was hungry.")
    form.save_draft()
    form.discard_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert len(asked) == 1 and "cannot be brought back" in asked[0]
    assert page.stack.currentWidget() is form
    assert form.inputs["description"].value() == "Said she was hungry."
    assert len(drafts.my_drafts(staff)) == 1

    answer["yes"] = True
    form.discard_button.click()
    assert len(asked) == 2
    assert page.stack.currentWidget() is page.menu
    assert drafts.my_drafts(staff) == []
    assert form.inputs["description"].value() == ""
    assert form.picker.upns() == []


def test_discard_of_an_empty_form_asks_nothing(
    qtbot: QtBot, page: RecordPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda *_a: asked.append("asked") or True)
    form = page.open_form(Kind.INTERVENTION)
    form.discard_button.click()
    assert asked == []
    assert page.stack.currentWidget() is page.menu
