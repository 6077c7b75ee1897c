"""The headteacher's Retention page, by keyboard: the list of records past their date, a hold, a
disposal; holds on a pupil placed and lifted; a rule changed; the disposal records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.services import records, retention
from safedesk.services.session import Session
from safedesk.ui import msgbox, tasks
from safedesk.ui.retention_page import RetentionModel, RetentionPage
from safedesk.ui.retention_tabs import DisposalsModel, HoldsModel
from tests import factories
from tests.ui.conftest import activate

WAIT = 60000

AFTER_DUE = datetime(2043, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def page(qtbot: QtBot, head_session: Session) -> RetentionPage:
    factories.add_pupils(head_session)
    records.record(head_session, Kind.CONCERN, factories.concern())
    records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    factories.take_in_all(head_session)
    head_session.clock = FixedClock(AFTER_DUE)
    made = RetentionPage(head_session)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    made.load()
    qtbot.waitUntil(lambda: made.model.rowCount() == 2, timeout=WAIT)
    activate(qtbot, made)
    return made


def alt(qtbot: QtBot, page: RetentionPage, letter: str) -> None:
    """Alt + the underlined letter, as the keyboard would, to the page's window made active
    first (window shortcuts reach only the active window)."""
    if not page.isActiveWindow():
        activate(qtbot, page)
    qtbot.keyClick(page.window(), letter, Qt.KeyboardModifier.AltModifier)


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=WAIT)


def _cells(model: Any, row: int) -> list[str]:
    return [str(model.index(row, c).data()) for c in range(model.columnCount())]


def _choose(page: RetentionPage, ref_prefix: str) -> str:
    for row in range(page.model.rowCount()):
        ref = page.model.index(row, RetentionModel.REF).data()
        if ref.startswith(ref_prefix):
            page.table.selectRow(row)
            return str(ref)
    raise AssertionError(f"no {ref_prefix} record listed")


def test_the_list_passes_the_model_tester(page: RetentionPage, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 2
    assert "2 records past the retention date." in page.status.text()
    assert "Safeguarding concern: kept until the pupil's date of birth + 25 years" in (
        page.rules.text()
    )


def test_every_rule_shows_from_the_first_load(qtbot: QtBot, page: RetentionPage) -> None:
    lines = page.rules.text().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Safeguarding concern",
        "Behaviour incident",
        "Physical intervention",
    ]
    # Laid out tall enough for every line (not one line high with the rest cut off).
    qtbot.waitUntil(
        lambda: page.rules.height() >= 3 * page.rules.fontMetrics().lineSpacing(), timeout=WAIT
    )
    assert page.rules.width() >= page.rules.fontMetrics().horizontalAdvance(max(lines, key=len))


def test_a_pupil_held_already_is_not_held_twice(qtbot: QtBot, page: RetentionPage) -> None:
    retention.add_hold(page.session, upn=factories.PUPIL_A, reason="Review asked us to keep all")
    alt(qtbot, page, "o")
    alt(qtbot, page, "n")
    qtbot.keyClicks(page.holds.upn, factories.PUPIL_A)
    alt(qtbot, page, "s")
    qtbot.keyClicks(page.holds.reason, "Inquiry")
    alt(qtbot, page, "h")
    settle(qtbot)
    problem = page.holds.upn_problem
    qtbot.waitUntil(lambda: "is already held" in problem.text(), timeout=WAIT)
    assert problem.isVisible() and page.holds.upn.hasFocus()
    assert page.holds.status.text() == ""  # said once, where it belongs
    assert f"({factories.PUPIL_A}) is already held (placed on " in problem.text()
    assert "by Ms Ada Ngozi, reason: Review asked us to keep all)" in problem.text()
    # Under the field it is about, above the reason.
    assert page.holds.upn.y() < problem.y() < page.holds.reason.y()
    assert len(retention.holds(page.session)) == 2  # the first hold, in each file: no more


def test_a_record_held_already_is_not_held_twice(qtbot: QtBot, page: RetentionPage) -> None:
    held = _choose(page, "C-")
    retention.add_hold(page.session, ref=held, reason="Police asked us to keep it")
    qtbot.keyClicks(page.reason, "Again")
    qtbot.mouseClick(page.hold_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    qtbot.waitUntil(lambda: "is already held" in page.status.text(), timeout=WAIT)
    assert page.status.text().startswith(f"Record {held} is already held (placed on ")
    assert len(retention.holds(page.session)) == 1


def test_a_hold_then_a_disposal(qtbot: QtBot, page: RetentionPage) -> None:
    held = _choose(page, "C-")
    qtbot.keyClicks(page.reason, "Inquiry asked us to keep it")
    qtbot.mouseClick(page.hold_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"{held} is on hold." in page.status.text())
    _choose(page, "C-")
    qtbot.keyClicks(page.reason, "Tidying up")
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)
    assert f"{held} is on hold: it cannot be disposed of." == page.status.text()

    gone = _choose(page, "B-")
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)  # reason still typed
    qtbot.waitUntil(lambda: f"{gone} was disposed of." in page.status.text())
    assert page.model.rowCount() == 1


def test_nothing_is_disposed_of_without_a_yes(
    qtbot: QtBot, page: RetentionPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(msgbox, "confirm", lambda *_a: False)
    _choose(page, "B-")
    qtbot.keyClicks(page.reason, "Past its date")
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)
    assert not tasks.busy()  # no disposal was started
    assert page.model.rowCount() == 2 and page.dispose_button.isEnabled()


def test_a_reason_is_asked_for(qtbot: QtBot, page: RetentionPage) -> None:
    _choose(page, "B-")
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "Say why in Reason first."
    assert page.model.rowCount() == 2


def test_a_pupil_held_and_the_hold_lifted_by_keyboard(qtbot: QtBot, page: RetentionPage) -> None:
    session = page.session
    alt(qtbot, page, "o")  # H&olds
    assert page.tabs.currentWidget() is page.holds
    alt(qtbot, page, "h")  # &Hold this pupil's records, nothing typed yet
    qtbot.waitUntil(
        lambda: page.holds.status.text() == "Pupil's UPN: type the UPN of the pupil to hold.",
        timeout=WAIT,
    )
    alt(qtbot, page, "n")  # Pupil's UP&N
    qtbot.keyClicks(page.holds.upn, factories.PUPIL_C)  # no record of theirs yet
    alt(qtbot, page, "h")
    qtbot.waitUntil(lambda: page.holds.status.text().startswith("Reason:"), timeout=WAIT)
    assert page.holds.reason.hasFocus()
    alt(qtbot, page, "s")  # Rea&son
    qtbot.keyClicks(page.holds.reason, "Local inquiry asked us to keep everything")
    alt(qtbot, page, "h")
    settle(qtbot)
    qtbot.waitUntil(lambda: page.holds.model.rowCount() == 1, timeout=WAIT)
    cells = _cells(page.holds.model, 0)
    assert cells[HoldsModel.ON] == f"Mateo De la Cruz ({factories.PUPIL_C})"
    assert cells[HoldsModel.BY] == "Ms Ada Ngozi"  # the person, not the username
    assert page.holds.status.text().startswith(
        f"Every record of Mateo De la Cruz ({factories.PUPIL_C}) is on hold."
    )
    assert cells[HoldsModel.FILES] == "Safeguarding, Behaviour"
    assert page.tabs.tabText(1) == "H&olds (1)"
    assert {h.compartment for h in retention.holds(session)} == {"safeguarding", "behaviour"}

    page.holds.table.setFocus()
    qtbot.keyClick(page.holds.table, Qt.Key.Key_Home)
    page.holds.status.clear()
    alt(qtbot, page, "f")  # Li&ft the hold chosen, no reason
    qtbot.waitUntil(lambda: page.holds.status.text().startswith("Reason:"), timeout=WAIT)
    assert page.holds.model.rowCount() == 1
    alt(qtbot, page, "s")
    qtbot.keyClicks(page.holds.reason, "The inquiry has ended")
    alt(qtbot, page, "f")
    settle(qtbot)
    qtbot.waitUntil(lambda: page.holds.model.rowCount() == 0, timeout=WAIT)
    assert retention.holds(session) == []
    assert page.tabs.tabText(1) == "H&olds (0)"


def test_a_pupil_the_school_does_not_have_is_named(qtbot: QtBot, page: RetentionPage) -> None:
    alt(qtbot, page, "o")
    alt(qtbot, page, "n")
    qtbot.keyClicks(page.holds.upn, "Z999999999999")
    alt(qtbot, page, "s")
    qtbot.keyClicks(page.holds.reason, "Inquiry")
    alt(qtbot, page, "h")
    qtbot.waitUntil(
        lambda: "There is no pupil with UPN Z999999999999" in page.holds.status.text(),
        timeout=WAIT,
    )
    assert retention.holds(page.session) == []


def test_a_rule_changed_by_keyboard(qtbot: QtBot, page: RetentionPage) -> None:
    alt(qtbot, page, "e")  # Rul&es
    assert page.tabs.currentWidget() is page.rules_tab
    tab = page.rules_tab
    assert "Behaviour incident: kept until the pupil's date of birth + 25 years" in (
        tab.in_force.text()
    )
    alt(qtbot, page, "v")  # the rule in force already: nothing to save
    qtbot.waitUntil(
        lambda: tab.status.text().startswith("Years: that is the rule in force already"),
        timeout=WAIT,
    )
    alt(qtbot, page, "c")  # Kind of re&cord
    qtbot.keyClick(tab.kind, Qt.Key.Key_Down)
    assert tab.kind.currentText() == "Behaviour incident"
    alt(qtbot, page, "f")  # Counted &from
    qtbot.keyClick(tab.basis, Qt.Key.Key_Down)
    assert tab.basis.currentText() == "The date it happened"
    alt(qtbot, page, "y")  # &Years
    tab.years.selectAll()
    qtbot.keyClicks(tab.years, "3")
    alt(qtbot, page, "v")
    settle(qtbot)
    qtbot.waitUntil(lambda: tab.status.text().startswith("Saved."), timeout=WAIT)
    assert (
        tab.status.text() == "Saved. Behaviour incident: kept until the date it happened + 3 years."
    )
    rules = {r.kind: r for r in retention.rules(page.session)}
    assert (rules[Kind.BEHAVIOUR].basis.value, rules[Kind.BEHAVIOUR].years) == ("occurred", 3)
    assert rules[Kind.CONCERN].years == 25  # the others as they were
    # The rules in force are read again after the save, which may finish a moment later (a
    # whole rehearsal run once read the label before it did).
    qtbot.waitUntil(
        lambda: (
            "Behaviour incident: kept until the date it happened + 3 years" in tab.in_force.text()
        ),
        timeout=WAIT,
    )


def test_the_disposal_records_name_the_reference_never_the_pupil(
    qtbot: QtBot, page: RetentionPage
) -> None:
    gone = _choose(page, "B-")
    page.table.setFocus()
    alt(qtbot, page, "s")
    qtbot.keyClicks(page.reason, "Past its date; reviewed")
    alt(qtbot, page, "d")  # &Dispose of…
    settle(qtbot)
    qtbot.waitUntil(lambda: f"{gone} was disposed of." in page.status.text(), timeout=WAIT)
    alt(qtbot, page, "l")  # Disposa&ls
    assert page.tabs.currentWidget() is page.disposals
    qtbot.waitUntil(lambda: page.disposals.model.rowCount() == 1, timeout=WAIT)
    cells = _cells(page.disposals.model, 0)
    assert cells[DisposalsModel.REF] == gone
    assert cells[DisposalsModel.BY] == "Ms Ada Ngozi"  # the person, not the username
    assert cells[DisposalsModel.REASON] == "Past its date; reviewed"
    words = " ".join(cells)
    for name in ("Siobhán", "Zoë", "O'Connor", factories.PUPIL_A, factories.PUPIL_B):
        assert name not in words
    assert page.disposals.status.text() == "1 disposal record."


def test_the_models_pass_the_model_tester(
    qtbot: QtBot, page: RetentionPage, qtmodeltester: ModelTester
) -> None:
    retention.add_hold(page.session, upn=factories.PUPIL_A, reason="Inquiry")
    page.load()
    settle(qtbot)
    qtbot.waitUntil(lambda: page.holds.model.rowCount() == 1, timeout=WAIT)
    qtmodeltester.check(page.holds.model)
    qtmodeltester.check(page.disposals.model)


def test_each_alt_letter_belongs_to_one_thing_on_every_tab(
    qtbot: QtBot, page: RetentionPage
) -> None:
    """Alt+K, Alt+W and Alt+X are the window header's (Lock, password, Text size), Alt+U the
    backup banner's (Back up now)."""
    from tests.ui.test_accessibility import mnemonic

    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        texts = [page.tabs.tabBar().tabText(i) for i in range(page.tabs.count())]
        for widget in page.findChildren(QWidget):
            if not widget.isVisibleTo(page):
                continue
            if isinstance(widget, QAbstractButton) or (
                isinstance(widget, QLabel) and widget.buddy() is not None
            ):
                texts.append(widget.text())
        letters = [m for m in map(mnemonic, texts) if m is not None]
        assert len(letters) == len(set(letters)), (index, texts)
        assert not {"k", "w", "x", "u"} & set(letters), (index, texts)
