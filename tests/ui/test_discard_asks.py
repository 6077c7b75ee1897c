"""Esc, Cancel or another button never throws away a half-written review or casework form
unasked. Found by the Step 9 break-it pass: Esc closed a 325-character review note, and a
DSL's half-typed referral went when another act button was pressed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.casework import ActType
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import behaviour_review
from safedesk.services.session import Session
from safedesk.ui import msgbox
from safedesk.ui.case_view import CaseView
from safedesk.ui.review_dialog import ReviewDialog
from tests import factories
from tests.ui.test_case_view import case_ref, dsl, view  # noqa: F401 - fixtures
from tests.unit.services.test_behaviour_review import at, record_at


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each question asked; every answer is "No, keep it"."""
    questions: list[str] = []

    def keep(_parent: object, title: str, _text: str) -> bool:
        questions.append(title)
        return False

    monkeypatch.setattr(msgbox, "confirm", keep)
    return questions


def test_esc_keeps_a_half_written_review(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session], asked: list[str]
) -> None:
    factories.add_pupils(head_session)
    lead = session_as(Role.BEHAVIOUR_LEAD)
    ref = record_at(head_session, Kind.BEHAVIOUR, "2026-11-23T10:00")
    lead.clock = FixedClock(at("2026-11-23T11:00"))
    dialog = ReviewDialog(lead, behaviour_review.open_for_review(lead, ref), None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: goes at once
    assert not dialog.isVisible() and asked == []

    dialog.show()
    qtbot.keyClicks(dialog.note, "Spoke to both pupils at lunch; agreed a plan.")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Escape)
    assert asked == ["Discard this review?"]
    assert dialog.isVisible()
    assert dialog.note.toPlainText().startswith("Spoke to both pupils")


def test_a_half_typed_casework_form_is_kept_unless_let_go(
    qtbot: QtBot,
    view: CaseView,  # noqa: F811 - the fixture
    asked: list[str],
) -> None:
    view.start_act(ActType.CONTACT)
    form = view.form
    assert form is not None
    text = form.fields.inputs["what_was_said"].editor
    qtbot.keyClicks(text, "Mum said she would come in on Friday.")
    view.start_act(ActType.ACTION)  # another button
    assert view.form is form and asked == ["Discard this form?"]
    qtbot.keyClick(text, Qt.Key.Key_Escape)
    assert view.form is form and len(asked) == 2
    form._cancel()
    assert view.form is form and len(asked) == 3
