# mypy: disallow-untyped-calls=False
"""Allegations page: the head records an allegation and a low-level concern with the form, sees
them listed and counted, is told the LADO is due until the contact is recorded, and is told
by label what is missing; the page is the head's and the chair's only."""

from __future__ import annotations

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.allegations_page import AllegationsPage, may_keep_allegations

WAIT = 60_000


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)


def _fill(page: AllegationsPage, kind: int, what: str) -> None:
    page.kind.setCurrentIndex(kind)
    page.subject_name.setText("Mr Kraglin Obfonteri")
    page.subject_role.setText("Midday supervisor")
    page.what.setPlainText(what)
    page.raised_by.setText("Year 2 teacher")


def test_the_head_records_and_follows_an_allegation(
    qtbot: QtBot, qtmodeltester: ModelTester, head_session: Session
) -> None:
    page = AllegationsPage(head_session)
    qtbot.addWidget(page)
    page.load()
    settle(qtbot)
    page.save()  # nothing filled in
    settle(qtbot)
    for label in ("subject_name", "subject_role", "alleged", "raised_by"):
        assert label in page.status.text()
    _fill(page, 0, "Pulled a pupil off the climbing frame by the hood")
    page.save()
    settle(qtbot)
    assert page.allegations.rowCount() == 1
    assert "waiting for contact with the LADO" in page.due_label.text()
    _fill(page, 1, "Ate his lunch in the pupils' toilets")
    page.save()
    settle(qtbot)
    assert page.low_level.rowCount() == 1 and page.patterns.rowCount() == 1
    for model in (page.allegations, page.low_level, page.patterns):
        qtmodeltester.check(model)
    page.allegations_table.selectRow(0)
    page.lado_contacted()  # no name given
    settle(qtbot)
    assert "lado_name" in page.status.text()
    page.lado_name.setText("Mr Stakar Ogord")
    page.lado_contacted()
    settle(qtbot)
    assert page.due_label.text() == ""
    page.allegations_table.selectRow(0)
    page.record_outcome()
    settle(qtbot)
    assert "Substantiated" in page.allegations.data(
        page.allegations.index(0, page.allegations.OUTCOME)
    )


def test_only_the_head_and_the_chair_have_the_page(session_as: object) -> None:
    for role in (Role.STAFF, Role.DSL, Role.BEHAVIOUR_LEAD, Role.ADMIN):
        assert not may_keep_allegations(session_as(role))  # type: ignore[operator]
    assert may_keep_allegations(session_as(Role.CHAIR_OF_GOVERNORS))  # type: ignore[operator]
