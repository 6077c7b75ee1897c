"""The chronology page: filters, detail on demand, export with progress, cancel, responsiveness."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from safedesk.domain.chronology import ItemGroup
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.services import records
from safedesk.services.session import Session
from safedesk.store import audit, pupils
from safedesk.ui.chronology_page import ChronologyPage
from tests import factories

START = datetime.fromisoformat("2026-09-07T09:00").astimezone()


def fill(session: Session, count: int) -> None:
    factories.add_pupils(session)
    for n in range(count):
        moment = START + timedelta(hours=n)
        session.clock = FixedClock(moment + timedelta(minutes=2))
        kind = Kind.CONCERN if n % 2 == 0 else Kind.BEHAVIOUR
        payload = factories.PAYLOADS[kind]() | {"occurred_at": moment.isoformat()}
        payload["description"] = f"Item {n:03d}: " + "a long account of what happened. " * 40
        records.record(session, kind, payload)
    session.clock = FixedClock(START + timedelta(days=60))


def pupil(session: Session):
    with session.store.read() as conn:
        return pupils.by_upns(conn, [factories.PUPIL_A])[factories.PUPIL_A]


@pytest.fixture
def page(qtbot: QtBot, head_session: Session) -> ChronologyPage:
    fill(head_session, 6)
    view = ChronologyPage(head_session)
    qtbot.addWidget(view)
    view.show_pupil(pupil(head_session))
    return view


def test_items_filters_and_detail(page: ChronologyPage, qtbot: QtBot) -> None:
    assert page.table.rowCount() == 6
    page.table.setCurrentCell(1, 0)
    assert "Item 001" in page.detail.toPlainText()
    page.group_boxes[ItemGroup.BEHAVIOUR].setChecked(False)
    assert page.table.rowCount() == 3
    assert {page.table.item(r, 1).text() for r in range(3)} == {"Safeguarding concern"}


def test_export_writes_the_pdf_with_a_password(
    page: ChronologyPage, qtbot: QtBot, tmp_path: Path
) -> None:
    target = tmp_path / "c.pdf"
    qtbot.keyClicks(page.password, "a long password")
    with qtbot.waitSignal(page.exported, timeout=20_000):
        page.export_to(target)
    reader = PdfReader(target)
    assert reader.is_encrypted
    reader.decrypt("a long password")
    assert "Item 005" in "".join(p.extract_text() for p in reader.pages)
    assert page.password.text() == ""
    assert "encrypted" in page.status.text()


def test_ui_stays_responsive_during_export(
    qtbot: QtBot, head_session: Session, tmp_path: Path, real_threads: None
) -> None:
    fill(head_session, 120)
    view = ChronologyPage(head_session)
    qtbot.addWidget(view)
    view.show_pupil(pupil(head_session))
    ticks_while_busy: list[float] = []

    def tick() -> None:
        if not view.export_button.isEnabled():
            ticks_while_busy.append(time.monotonic())

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    target = tmp_path / "big.pdf"
    with qtbot.waitSignal(view.exported, timeout=60_000):
        view.export_to(target)
    timer.stop()
    # The event loop kept turning (timers fired, progress was shown) while the worker rendered.
    assert len(ticks_while_busy) >= 3
    assert target.exists()


def test_cancel_leaves_no_file(
    qtbot: QtBot, head_session: Session, tmp_path: Path, real_threads: None
) -> None:
    fill(head_session, 120)
    view = ChronologyPage(head_session)
    qtbot.addWidget(view)
    view.show_pupil(pupil(head_session))
    target = tmp_path / "big.pdf"
    view.export_to(target)
    view.cancel()  # before the worker has got far: it stops at its next check
    qtbot.waitUntil(lambda: view.export_button.isEnabled(), timeout=60_000)
    assert "cancelled" in view.status.text()
    assert not target.exists()


def test_other_pupils_are_masked_until_the_box_is_ticked(
    page: ChronologyPage, qtbot: QtBot, tmp_path: Path
) -> None:
    assert not page.include_others.isChecked()
    page.table.setCurrentCell(1, 0)  # a behaviour incident: Shiv and Zoë
    assert "another pupil (A), target" in page.detail.toPlainText()
    assert "Zoë" not in page.detail.toPlainText()
    page.include_others.setChecked(True)  # reloads: the detail is chosen again
    page.show_detail(1)
    assert f"Zoë Wiśniewska ({factories.PUPIL_B}), target" in page.detail.toPlainText()
    target = tmp_path / "named.pdf"
    with qtbot.waitSignal(page.exported, timeout=20_000) as done:
        page.export_to(target)
    assert done.args[0].names_other_pupils
    assert "names other pupils" in page.status.text()
    assert "Zoë Wiśniewska" in " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(target).pages
    )
    with page.session.compartment(Compartment.SAFEGUARDING).read() as conn:
        actions = [e.action for e in audit.events(conn)]
    assert "chronology.other_pupils_named" in actions


@pytest.mark.parametrize("password", ["short one", "password1234"])
def test_a_weak_password_is_explained_and_nothing_is_written(
    page: ChronologyPage, qtbot: QtBot, tmp_path: Path, password: str
) -> None:
    qtbot.keyClicks(page.password, password)
    assert not page.password_problem.isHidden()
    assert "PDF password" in page.password_problem.text()
    target = tmp_path / "weak.pdf"
    page.export_to(target)
    assert "Not exported" in page.status.text()
    assert page.export_button.isEnabled()
    assert not target.exists()
    page.password.clear()
    assert page.password_problem.isHidden()


def test_the_title_shows_the_name_as_written(page: ChronologyPage) -> None:
    assert page.title.text() == f"Chronology: Shiv O'Connor-Nguyễn ({factories.PUPIL_A})"
    assert page.title.textFormat() == Qt.TextFormat.PlainText
