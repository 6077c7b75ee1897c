# mypy: disallow-untyped-calls=False
# (pytest-qt's QtBot methods carry no annotations.)
"""Corrections on the Allegations page, from the keyboard at 1366x768 as the head works: a
low-level concern chosen in its list is corrected with the allegation's correction dialog
(its old value shown; the reason required), and its corrections are read beside it; a
recorded outcome is corrected with its reason, the first kept in the allegation's history."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.allegations import Outcome
from safedesk.domain.clock import FixedClock
from safedesk.services import allegations
from safedesk.services.session import Session
from safedesk.ui.allegation_dialogs import (
    CorrectDialog,
    LowLevelCorrectDialog,
    OutcomeCorrectDialog,
)
from tests.ui.test_allegations_page import (
    NOW,
    WAIT,
    errors_shown,
    focused,
    make_page,
    settle,
    tab,
    type_in,
)


def _concern(name: str, when: str) -> dict[str, str]:
    return {
        "subject_name": name,
        "subject_role": "Sports coach (agency)",
        "happened_at": when,
        "what": "Gave a pupil a lift home without telling the office",
        "raised_by": "Office manager",
    }


def test_the_head_corrects_a_low_level_concern_by_keyboard_and_reads_its_history(
    qtbot: QtBot, qtmodeltester: ModelTester, head_session: Session, tmp_path: Path
) -> None:
    head_session.clock = FixedClock(NOW)
    allegations.record_low_level(head_session, _concern("Mr Ray Stone", "2026-11-02T15:30"))
    typo = allegations.record_low_level(head_session, _concern("Mr Ray Ston", "2026-11-12T15:30"))
    page = make_page(qtbot, head_session)
    assert page.patterns.rowCount() == 2  # the typo splits one person's pattern in two

    qtbot.keyClick(page.tabs, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.tabs.currentIndex() == 1, timeout=WAIT)
    assert not page.correct_concern_button.isEnabled()  # until a concern is chosen
    page.low_level_table.setFocus()
    qtbot.keyClick(page.low_level_table, Qt.Key.Key_Space)  # the newest: the typo
    assert page.chosen_concern() is not None and page.chosen_concern().id == typo
    assert "No correction recorded." in page.low_level_view.toPlainText()
    # Tab from the list: the chosen concern, then its correction.
    assert tab(qtbot) is page.low_level_view
    assert tab(qtbot) is page.correct_concern_button
    qtbot.keyClick(page.correct_concern_button, Qt.Key.Key_Space)
    dialog = page.dialog
    assert isinstance(dialog, LowLevelCorrectDialog) and isinstance(dialog, CorrectDialog)
    qtbot.waitUntil(lambda: focused() is dialog.field, timeout=WAIT)
    assert dialog.field.currentData() == ""  # nothing chosen for the head
    labels = [dialog.field.itemText(i) for i in range(1, dialog.field.count())]
    assert labels == [
        "Who it is about",
        "Their role",
        "When it happened",
        "What happened",
        "Raised by",
    ]
    qtbot.keyClick(dialog.field, Qt.Key.Key_Down)
    assert dialog.field.currentData() == "subject_name"
    assert dialog.old.text() == "Now: Mr Ray Ston"
    assert tab(qtbot) is dialog.new_text
    type_in(qtbot, "Mr Ray Stone")
    qtbot.keyClick(dialog.new_text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert errors_shown(dialog) == {"reason": "Reason for the correction is required."}
    assert focused() is dialog.reason
    type_in(qtbot, "His surname was mistyped")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)

    assert page.status.text() == f"Low-level concern {typo}: correction saved."
    assert page.chosen_concern() is not None and page.chosen_concern().id == typo
    text = page.low_level_view.toPlainText()
    assert f"Low-level concern {typo}: about Mr Ray Stone (Sports coach (agency))" in text
    assert "a correction to “Who it is about”" in text
    assert "Was: Mr Ray Ston" in text and "Now: Mr Ray Stone" in text
    assert "Why: His surname was mistyped" in text
    assert "Recorded by Ms Ada Ngozi on 16/11/2026 10:00" in text
    # One person now, counted together; the list shows the name as corrected.
    assert page.patterns.rowCount() == 1
    assert page.patterns.data(page.patterns.index(0, page.patterns.TOTAL)) == "2"
    names = {page.low_level.data(page.low_level.index(r, 1)) for r in range(2)}
    assert names == {"Mr Ray Stone"}
    [kept] = [c for c in allegations.list_low_level(head_session) if c.id == typo]
    assert kept.subject.name == "Mr Ray Ston"  # as first recorded, kept
    for model in (page.low_level, page.patterns):
        qtmodeltester.check(model)

    page.grab().save(str(tmp_path / "low-level-corrected.png"))
    shot = QImage(str(tmp_path / "low-level-corrected.png"))
    assert (shot.width(), shot.height()) == (1366, 768)


def test_the_head_corrects_a_recorded_outcome_by_keyboard(
    qtbot: QtBot, head_session: Session, tmp_path: Path
) -> None:
    head_session.clock = FixedClock(NOW)
    number = allegations.record_allegation(
        head_session,
        {
            "subject_name": "Mr Kraglin Obfonteri",
            "subject_role": "Midday supervisor",
            "happened_at": "2026-11-13T12:40",
            "alleged": "Pulled a pupil off the climbing frame by the hood",
            "raised_by": "Mrs Mantis",
        },
    )
    page = make_page(qtbot, head_session)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Space)
    assert page.chosen() is not None
    assert not page.correct_outcome_button.isEnabled()  # no outcome yet: nothing to correct
    allegations.record_outcome(
        head_session, number, {"outcome": "unfounded", "decided_on": "2026-11-16"}
    )
    page.load()
    settle(qtbot)
    assert not page.outcome_button.isEnabled() and page.correct_outcome_button.isEnabled()

    qtbot.keyClick(page.table, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=WAIT)
    dialog = page.dialog
    assert isinstance(dialog, OutcomeCorrectDialog)
    qtbot.waitUntil(lambda: focused() is dialog.outcome, timeout=WAIT)
    assert "Now: Unfounded, decided 16/11/2026" in [
        w.text() for w in dialog.findChildren(type(dialog.error)) if w.isVisible()
    ]
    for _ in range(2):
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Down)
    assert dialog.outcome.currentData() == "false"
    assert tab(qtbot) is dialog.decided_on
    type_in(qtbot, "16/11/2026")
    assert tab(qtbot) is dialog.reason
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert errors_shown(dialog) == {"reason": "Reason for the correction is required."}
    type_in(qtbot, "The LADO's letter says false, not unfounded")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)

    cell = page.allegations.data(page.allegations.index(0, page.allegations.OUTCOME))
    assert cell == "False (corrected)"
    text = page.view.toPlainText()
    order = ["16/11/2026: the outcome", "16/11/2026 10:00: the outcome corrected"]
    assert text.index(order[0]) < text.index(order[1])
    assert "Was: Unfounded: no evidence or proper basis to support it; decided 16/11/2026" in text
    assert "Now: False: enough evidence to disprove the allegation; decided 16/11/2026" in text
    assert "Why: The LADO's letter says false, not unfounded" in text
    assert "The outcome now: False, decided 16/11/2026 (corrected)" in text
    [found] = allegations.list_allegations(head_session)
    assert found.outcome is not None and found.outcome.outcome is Outcome.UNFOUNDED
    assert found.decision is not None and found.decision.outcome is Outcome.FALSE
    page.grab().save(str(tmp_path / "outcome-corrected.png"))
