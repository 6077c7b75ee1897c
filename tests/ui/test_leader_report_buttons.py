"""The governors' report and the inspection pack from the Reports page, on a real school: offered
to the head and not to the behaviour lead; saved where the person chose, off the UI thread, as
a real PDF for the page's dates; a file that cannot be written is said in words."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services import leader_reports
from safedesk.services.leader_reports import ReportResult
from safedesk.services.session import Session
from safedesk.ui.leader_report_buttons import LeaderReports, Report
from safedesk.ui.reports_page import ReportsPage
from tests.ui.test_reports_page import school_with_records

SaveCalls = list[tuple[str, str]]


def opened(qtbot: QtBot, session: Session) -> ReportsPage:
    page = ReportsPage(session)
    qtbot.addWidget(page)
    page.resize(1093, 576)
    with qtbot.waitSignal(page.loaded, timeout=120_000):
        page.show()
    return page


def buttons_of(page: ReportsPage) -> LeaderReports:
    assert page.leader_reports is not None
    return page.leader_reports


def save_dialog_answers(monkeypatch: pytest.MonkeyPatch, answer: Path | None) -> SaveCalls:
    """QFileDialog.getSaveFileName answers ``answer`` (None: Cancel); what it was asked."""
    asked: SaveCalls = []

    def fake(_parent: QWidget, title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append((title, suggested))
        return (str(answer) if answer is not None else "", "PDF (*.pdf)")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return asked


def pages_in(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def test_the_head_is_offered_both_with_what_each_holds(qtbot: QtBot, head_session: Session) -> None:
    page = opened(qtbot, head_session)
    bar = buttons_of(page)
    governors, inspection = bar.buttons[Report.GOVERNORS], bar.buttons[Report.INSPECTION]
    assert governors.text() == "Go&vernors' report (PDF)…"
    assert inspection.text() == "Inspection pack (P&DF)…"
    assert governors.isVisible() and inspection.isVisible()
    assert "Anonymised" in bar.notes[Report.GOVERNORS].text()
    assert bar.notes[Report.GOVERNORS].isVisible()
    assert bar.notes[Report.INSPECTION].text() == "Names pupils and staff"
    assert bar.notes[Report.INSPECTION].isVisible()
    assert "naming pupils and staff" in inspection.accessibleDescription()
    assert not bar.status.isVisible()  # nothing to say yet


def test_the_behaviour_lead_is_not_offered_them(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    lead = session_as(Role.BEHAVIOUR_LEAD)
    assert not leader_reports.may_make(lead.user)
    page = opened(qtbot, lead)
    assert page.leader_reports is None
    texts = [b.text().replace("&", "") for b in page.findChildren(QPushButton)]
    assert not [t for t in texts if "Governors" in t or "Inspection pack" in t]


def test_the_governors_report_is_written_off_the_ui_thread(
    qtbot: QtBot,
    head_session: Session,
    tmp_path: Path,
    real_threads: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    school_with_records(head_session)
    page = opened(qtbot, head_session)
    bar = buttons_of(page)
    target = tmp_path / "governors.pdf"
    asked = save_dialog_answers(monkeypatch, target)
    write = leader_reports.write_governors_report
    gate = threading.Event()
    seen: dict[str, Any] = {}

    def held_write(session: Session, *args: Any, **kwargs: Any) -> ReportResult:
        seen["thread"], seen["args"], seen["kwargs"] = threading.current_thread(), args, kwargs
        assert gate.wait(60)  # until the test has seen the page answer while it works
        return write(session, *args, **kwargs)

    monkeypatch.setattr(leader_reports, "write_governors_report", held_write)
    filters = page.chosen_filters()
    try:
        qtbot.mouseClick(bar.buttons[Report.GOVERNORS], Qt.MouseButton.LeftButton)
        # The click came back while the PDF is still being made: the UI thread is free.
        qtbot.waitUntil(lambda: "thread" in seen, timeout=60_000)
        assert seen["thread"] is not threading.main_thread()
        assert not bar.buttons[Report.GOVERNORS].isEnabled()
        assert not bar.buttons[Report.INSPECTION].isEnabled()
        assert bar.status.text().startswith("Making the governors' report for ")
        assert not target.exists()
    finally:
        with qtbot.waitSignal(bar.made, timeout=120_000) as made:
            gate.set()
    result = made.args[0]
    assert isinstance(result, ReportResult)
    first, last = filters.first_day.isoformat(), filters.last_day.isoformat()
    assert asked == [
        (
            "Save the governors' report as",
            str(Path.home() / f"Governors report {first} to {last}.pdf"),
        )
    ]
    # The page's From and To, and the file the dialog chose, which it asked about replacing.
    assert seen["args"] == (filters.first_day, filters.last_day, target)
    assert seen["kwargs"] == {"replace": True}
    assert result.path == target.resolve()
    assert result.pages >= 1 and pages_in(target) == result.pages
    assert bar.status.text() == (
        f"Saved the governors' report as {result.path} ({result.pages} page"
        f"{'s' if result.pages != 1 else ''}). It is anonymised: it names no pupil or member "
        "of staff."
    )
    assert bar.status.objectName() == "Subtitle"
    assert bar.buttons[Report.GOVERNORS].isEnabled()
    assert bar.buttons[Report.INSPECTION].isEnabled()


def test_the_inspection_pack_replaces_the_file_the_dialog_asked_about(
    qtbot: QtBot, head_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school_with_records(head_session)
    page = opened(qtbot, head_session)
    bar = buttons_of(page)
    target = tmp_path / "pack.pdf"
    target.write_bytes(b"last term's pack")
    asked = save_dialog_answers(monkeypatch, target)
    button = bar.buttons[Report.INSPECTION]
    button.setFocus()
    with qtbot.waitSignal(bar.made, timeout=120_000) as made:
        qtbot.keyClick(button, Qt.Key.Key_Space)
    assert asked[0][0] == "Save the inspection pack as"
    assert Path(asked[0][1]).name.startswith("Inspection pack ")
    result = made.args[0]
    assert result.path == target.resolve()
    assert target.read_bytes().startswith(b"%PDF")
    assert pages_in(target) == result.pages >= 1
    assert bar.status.text().endswith(
        "It names pupils and staff: keep it as safe as the records themselves."
    )

    # The next dialog starts in the folder last saved to.
    asked = save_dialog_answers(monkeypatch, None)  # Cancel: nothing is made
    with qtbot.assertNotEmitted(bar.made), qtbot.assertNotEmitted(bar.failed):
        qtbot.mouseClick(bar.buttons[Report.GOVERNORS], Qt.MouseButton.LeftButton)
    assert Path(asked[0][1]).parent == target.resolve().parent
    assert bar.buttons[Report.GOVERNORS].isEnabled()


def test_a_folder_that_does_not_exist_is_said_in_words(
    qtbot: QtBot, head_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = opened(qtbot, head_session)
    bar = buttons_of(page)
    missing = tmp_path / "no such folder"
    save_dialog_answers(monkeypatch, missing / "governors.pdf")
    with qtbot.waitSignal(bar.failed, timeout=120_000) as failed:
        qtbot.mouseClick(bar.buttons[Report.GOVERNORS], Qt.MouseButton.LeftButton)
    said = f"The governors' report was not made. The folder {missing} does not exist."
    assert failed.args == [said]
    assert bar.status.text() == said
    assert bar.status.objectName() == "FieldError"
    assert bar.status.isVisible()
    assert bar.buttons[Report.GOVERNORS].isEnabled()
    assert not missing.exists()


def test_a_name_typed_without_pdf_gets_it_and_is_not_replaced_unasked(
    qtbot: QtBot, head_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = opened(qtbot, head_session)
    bar = buttons_of(page)
    kept = tmp_path / "Governors.pdf"
    kept.write_bytes(b"not this one")
    save_dialog_answers(monkeypatch, tmp_path / "Governors")  # the dialog asked of this name
    with qtbot.waitSignal(bar.failed, timeout=120_000) as failed:
        qtbot.mouseClick(bar.buttons[Report.GOVERNORS], Qt.MouseButton.LeftButton)
    assert failed.args[0] == (
        f"The governors' report was not made. {kept} already exists. Choose another name, or "
        "move the old file away first: it is not replaced."
    )
    assert kept.read_bytes() == b"not this one"

    kept.unlink()
    with qtbot.waitSignal(bar.made, timeout=120_000) as made:
        qtbot.mouseClick(bar.buttons[Report.GOVERNORS], Qt.MouseButton.LeftButton)
    assert made.args[0].path == kept.resolve()
    assert pages_in(kept) >= 1


def test_to_before_from_is_said_before_any_file_is_asked_for(
    qtbot: QtBot, head_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = opened(qtbot, head_session)
    bar = buttons_of(page)
    asked = save_dialog_answers(monkeypatch, None)
    first = page.first_day.date()
    page.last_day.setDate(QDate(first.addDays(-1)))
    qtbot.mouseClick(bar.buttons[Report.INSPECTION], Qt.MouseButton.LeftButton)
    assert asked == []
    assert bar.status.text() == (
        "The inspection pack was not made. To: is before From: choose a last day on or after "
        "the first."
    )
    assert bar.status.objectName() == "FieldError"
