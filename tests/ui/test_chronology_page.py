"""The chronology page: filters, detail on demand, export with progress, cancel, responsiveness."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.chronology import ItemGroup
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.people import Pupil
from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.roles import Role
from safedesk.services import pupil_status, records
from safedesk.services.session import Session
from safedesk.store import audit, pupils
from safedesk.ui.chronology_page import ChronologyPage
from safedesk.ui.item_roles import OBJECT_ROLE, REF_ROLE
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


def pupil(session: Session) -> Pupil:
    with session.store.read() as conn:
        return pupils.by_upns(conn, [factories.PUPIL_A])[factories.PUPIL_A]


@pytest.fixture
def page(qtbot: QtBot, head_session: Session) -> ChronologyPage:
    fill(head_session, 6)
    view = ChronologyPage(head_session)
    qtbot.addWidget(view)
    view.show_pupil(pupil(head_session))
    return view


def choose(page: ChronologyPage, row: int) -> None:
    page.table.setCurrentIndex(page.model.index(row, 0))


def test_items_filters_and_detail(page: ChronologyPage, qtbot: QtBot) -> None:
    assert page.model.rowCount() == 6
    choose(page, 1)
    assert "Item 001" in page.detail.toPlainText()
    page.group_boxes[ItemGroup.BEHAVIOUR].setChecked(False)
    assert page.model.rowCount() == 3
    whats = {page.model.index(r, 1).data() for r in range(3)}
    assert whats == {"Safeguarding concern"}


def test_export_writes_the_pdf_with_a_password(
    page: ChronologyPage, qtbot: QtBot, tmp_path: Path
) -> None:
    target = tmp_path / "c.pdf"
    qtbot.keyClicks(page.password, "a long password")  # type: ignore[no-untyped-call]
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
    choose(page, 1)  # a behaviour incident: Shiv and Zoë
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
    qtbot.keyClicks(page.password, password)  # type: ignore[no-untyped-call]
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


def test_the_model_passes_the_model_tester(
    page: ChronologyPage, qtmodeltester: ModelTester
) -> None:
    qtmodeltester.check(page.model)  # type: ignore[no-untyped-call]
    assert page.current is not None
    assert page.model.index(0, 0).data(OBJECT_ROLE) is page.current.items[0]
    assert page.model.index(0, 0).data(REF_ROLE) == page.current.items[0].ref
    assert page.model.headerData(3, Qt.Orientation.Horizontal) == "By"
    assert page.model.index(0, 3).data() == "Ms Ada Ngozi"  # who recorded it


def test_the_date_boxes_password_and_table_have_accessible_names(page: ChronologyPage) -> None:
    assert page.first_day.accessibleName() == "First day of the chronology"
    assert page.last_day.accessibleName() == "Last day of the chronology"
    assert page.password.accessibleName() == "PDF password"
    assert page.table.accessibleName() == "Chronology items"


def test_the_suggested_file_name_does_not_name_the_child(
    page: ChronologyPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[str] = []

    def save_as(_parent: object, _title: str, path: str, _filter: str) -> tuple[str, str]:
        offered.append(path)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    page.export_button.click()
    name = Path(offered[0]).name
    assert name == "Chronology 2026-11-06 0800.pdf"  # what it is and when it was made
    for part in (factories.PUPIL_A, "Shiv", "Siobh", "Nguy", "Connor"):
        assert part not in name


def test_the_header_shows_the_safeguarding_status(
    qtbot: QtBot, head_session: Session, tmp_path: Path
) -> None:
    fill(head_session, 2)
    head_session.clock = FixedClock(START + timedelta(days=60))
    pupil_status.start_status(
        head_session, factories.PUPIL_A, StatusKind.CHILD_PROTECTION_PLAN, date(2026, 9, 1)
    )
    view = ChronologyPage(head_session)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.show_pupil(pupil(head_session))
    assert "Safeguarding status: Child protection plan since 01/09/2026" in view.needs.text()
    assert "From the school's MIS: none recorded" in view.needs.text()
    titles = [view.model.index(r, 1).data() for r in range(view.model.rowCount())]
    assert titles[0] == "Safeguarding status"  # on its day, before the records
    assert view.model.index(0, 0).data() == "01/09/2026  (recorded 06/11/2026 08:00)"
    view.grab().save(str(tmp_path / "chronology-page.png"))  # to look at when it changes


def test_a_behaviour_lead_sees_no_safeguarding_status(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    fill(head_session, 2)
    pupil_status.start_status(
        head_session, factories.PUPIL_A, StatusKind.CHILD_PROTECTION_PLAN, date(2026, 9, 1)
    )
    view = ChronologyPage(session_as(Role.BEHAVIOUR_LEAD))
    qtbot.addWidget(view)
    view.show_pupil(pupil(head_session))
    assert "Safeguarding status" not in view.needs.text()
    assert "protection" not in view.needs.text()
    assert view.model.rowCount() == 1  # the behaviour incident only


def test_a_body_map_is_drawn_in_the_detail_with_its_marks_masked(
    qtbot: QtBot, head_session: Session
) -> None:
    factories.add_pupils(head_session)
    head_session.clock = FixedClock(START + timedelta(minutes=5))
    mark = {"side": "front", "x": 0.3, "y": 0.5, "kind": "bruise", "size_mm": 20}
    payload = factories.concern() | {
        "occurred_at": START.isoformat(),
        "pupils": [factories.PUPIL_A, factories.PUPIL_B],
        "body_map": [mark | {"note": "Zoë said it was from football"}],
    }
    records.record(head_session, Kind.CONCERN, payload)
    head_session.clock = FixedClock(START + timedelta(days=1))
    view = ChronologyPage(head_session)
    qtbot.addWidget(view)
    view.show_pupil(pupil(head_session))
    choose(view, 0)
    html = view.detail.toHtml()
    assert "data:image/png;base64," in html  # the outline with its mark, drawn
    text = view.detail.toPlainText()
    assert "Bruise" in text and "football" in text
    assert "Zoë" not in text  # the other pupil's name in the note is masked, as elsewhere
