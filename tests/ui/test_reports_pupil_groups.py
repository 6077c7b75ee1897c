"""Each pupil group chosen on the Reports page gives its figures (a new user found every group
- SEN, pupil premium, looked after - stopped the page with an unexpected problem: the combo
box handed the service the group's text, not the group)."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.analysis import PupilGroup
from safedesk.services.session import Session
from tests.ui.test_reports_page import opened, school_with_records


@pytest.mark.parametrize("group", list(PupilGroup))
def test_each_pupil_group_gives_its_figures(
    qtbot: QtBot, head_session: Session, group: PupilGroup
) -> None:
    school_with_records(head_session)
    page = opened(qtbot, head_session)
    page.activateWindow()
    page.group.setFocus()
    while page.group.currentText() != group.label:
        qtbot.keyClick(page.group, Qt.Key.Key_Down)
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        qtbot.keyClick(page.group, Qt.Key.Key_Return)
    assert page.analysis is not None
    assert page.analysis.filters.group == group
    assert "unexpected" not in page.status.text()
