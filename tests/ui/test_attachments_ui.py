"""Attachments on a record's page, by keyboard at 1366x768: adding one with its description,
the plain refusals, viewing a PNG and a PDF page from memory (no file made in the temporary
folder or the data folder), saving a copy, and the panel hidden from those who may not."""

# pytest-qt's QtBot is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from safedesk.demo.attachments import letter_pdf, scanned_note
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import attachments, lists, records
from safedesk.services.session import Session
from safedesk.ui import attachment_viewer, attachments_panel
from safedesk.ui.attachment_viewer import AttachmentViewer
from safedesk.ui.attachments_panel import AttachmentsPanel
from safedesk.ui.record_view import RecordView
from tests import factories
from tests.ui.conftest import activate

WAIT = 60_000


def make_view(qtbot: QtBot, session: Session) -> RecordView:
    labels = {
        name: dict(values) for name, values in lists.choices(session, include_retired=True).items()
    }
    made = RecordView(session, labels)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    return made


@pytest.fixture
def view(qtbot: QtBot, head_session: Session) -> RecordView:
    factories.add_pupils(head_session)
    return make_view(qtbot, head_session)


@pytest.fixture
def files_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head_session: Session):
    """What appears in the temporary folder (Python's and Qt's) or the data folder."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    watched = [temp, head_session.paths.root]

    def listing() -> set[Path]:
        return {p for folder in watched for p in folder.rglob("*") if p.is_file()}

    before = listing()
    return lambda: listing() - before


def open_attachments(qtbot: QtBot, view: RecordView) -> AttachmentsPanel:
    """Alt+H on the record's page opens its attachments' window."""
    activate(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # Attac&hments
    dialog = view.attachments
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    activate(qtbot, dialog)
    return dialog.panel


def viewers() -> list[AttachmentViewer]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, AttachmentViewer)]


def letter_with_a_scan() -> bytes:
    """A PDF page as a scanner makes it: one picture (the note), with a line of text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 780, "Dear Headteacher, please see the note below.")
    page.drawImage(ImageReader(io.BytesIO(scanned_note())), 72, 400, 480, 320)
    page.showPage()
    page.save()
    return buffer.getvalue()


def test_attach_by_keyboard_then_view_the_png_from_memory(
    qtbot: QtBot,
    view: RecordView,
    head_session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files_made: Callable[[], set[Path]],
) -> None:
    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    scan = tmp_path / "scan of the note.png"
    scan.write_bytes(scanned_note())
    chosen: list[bool] = []
    monkeypatch.setattr(
        attachments_panel, "choose_file", lambda _parent: chosen.append(True) or scan
    )
    view.show_entry(ref)
    assert view.attachments_button.text() == "Attac&hments (0)…"
    panel = open_attachments(qtbot, view)
    assert panel.description.hasFocus()
    panel.view_button.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # &Description
    assert panel.description.hasFocus()
    qtbot.keyClick(panel.description, Qt.Key.Key_Return)  # nothing typed yet
    assert chosen == []
    assert panel.message.text() == "Description: is required: say what the file is."
    qtbot.keyClicks(panel.description, "Teacher's handwritten note")
    qtbot.keyClick(panel.description, Qt.Key.Key_Tab)
    assert panel.attach_button.hasFocus()
    qtbot.keyClick(panel.attach_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=WAIT)
    assert chosen == [True]
    assert panel.message.text() == "Attached scan of the note.png. This record has 1 attachment."
    assert view.attachments_button.text() == "Attac&hments (1)…"
    assert panel.description.text() == ""
    index = panel.model.index(0, attachments_panel.DESCRIPTION)
    assert panel.model.data(index) == "Teacher's handwritten note"
    assert panel.model.data(panel.model.index(0, attachments_panel.KIND)) == "PNG image"
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(viewers()) == 1, timeout=WAIT)
    [shown] = viewers()
    qtbot.addWidget(shown)
    assert shown.shown == 1
    pictures = [label for label in shown.findChildren(QLabel) if not label.pixmap().isNull()]
    assert len(pictures) == 1 and pictures[0].pixmap().width() == 480
    assert files_made() == set()  # nothing decrypted was written anywhere
    shown.close()


def test_a_pdf_page_is_shown_from_memory_and_a_copy_saved_on_request(
    qtbot: QtBot,
    view: RecordView,
    head_session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files_made: Callable[[], set[Path]],
) -> None:
    ref = records.record(head_session, Kind.INTERVENTION, factories.intervention())
    letter = letter_with_a_scan()
    attachments.attach(
        head_session, ref, data=letter, file_name="letter.pdf", description="Letter from home"
    )
    view.show_entry(ref)
    panel = open_attachments(qtbot, view)
    qtbot.keyClick(panel, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # &View
    qtbot.waitUntil(lambda: len(viewers()) == 1, timeout=WAIT)
    [shown] = viewers()
    qtbot.addWidget(shown)
    shown.resize(1000, 700)
    assert shown.shown == 1  # one page, drawn as printed (PDFium, from memory)
    pdf_view = shown.pdf_view
    assert pdf_view is not None and pdf_view.page_label.text() == "Page 1 of 1"
    qtbot.waitUntil(lambda: not pdf_view.picture.pixmap().isNull(), timeout=WAIT)
    page = pdf_view.picture.pixmap().toImage()
    assert page.width() > 500 and page.height() > page.width()  # an A4 page, fitted
    scale = page.width() / 595
    note = page.pixelColor(int(300 * scale), int(280 * scale))  # inside the scanned note
    paper = page.pixelColor(int(300 * scale), int(800 * scale))  # below it
    assert paper.name() == "#ffffff" and note.name() != "#ffffff"
    assert files_made() == set()
    copy = tmp_path / "out" / "copy.pdf"
    copy.parent.mkdir()
    monkeypatch.setattr(attachment_viewer, "choose_save_path", lambda _parent, _suggested: copy)
    activate(qtbot, shown)
    qtbot.keyClick(shown, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Save a &copy
    qtbot.waitUntil(lambda: copy.exists(), timeout=WAIT)
    assert copy.read_bytes() == letter
    assert shown.status.text().startswith(f"Saved a copy as {copy}.")
    assert files_made() == set()  # the copy is only where the member chose
    assert panel.model.rowCount() == 1


def test_a_file_that_is_not_a_scan_is_refused_under_the_row(
    qtbot: QtBot,
    view: RecordView,
    head_session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref = records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"GIF89a not a jpeg at all")
    monkeypatch.setattr(attachments_panel, "choose_file", lambda _parent: fake)
    view.show_entry(ref)
    panel = open_attachments(qtbot, view)
    qtbot.keyClicks(panel.description, "Photo of the broken chair")
    qtbot.keyClick(panel.description, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.message.text().startswith("Not attached."), timeout=WAIT)
    assert panel.message.text() == (
        "Not attached. File: is not a PDF, a PNG image or a JPEG photograph (whatever its name "
        "says); save or scan it as one of those."
    )
    assert panel.model.rowCount() == 0
    assert panel.description.text() == "Photo of the broken chair"  # kept, to try again
    assert letter_pdf()  # the demo's letter is a PDF too


def test_hidden_from_those_who_may_not_open_them(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    staff = session_as(Role.STAFF)
    own = records.record(staff, Kind.CONCERN, factories.concern())
    staff_view = make_view(qtbot, staff)
    staff_view.show_entry(own)  # their own record, from "My records"
    assert not staff_view.attachments_button.isVisible()
    lead = session_as(Role.BEHAVIOUR_LEAD)
    lead_view = make_view(qtbot, lead)
    lead_view.show_entry(records.record(head_session, Kind.BEHAVIOUR, factories.behaviour()))
    assert lead_view.attachments_button.isVisible()


def test_the_model(qtmodeltester, head_session: Session) -> None:
    factories.add_pupils(head_session)
    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    attachments.attach(head_session, ref, data=scanned_note(), file_name="n.png", description="N")
    model = attachments_panel.AttachmentsModel()
    model.set_rows(attachments.listed(head_session, ref))
    qtmodeltester.check(model)


def test_the_chronology_lists_them_and_its_export_adds_them_when_ticked(
    qtbot: QtBot, head_session: Session, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from safedesk.store import pupils
    from safedesk.ui.chronology_page import ChronologyPage

    factories.add_pupils(head_session)
    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    attachments.attach(
        head_session, ref, data=scanned_note(), file_name="n.png", description="Teacher's note"
    )
    page = ChronologyPage(head_session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    with head_session.store.read() as conn:
        page.show_pupil(pupils.by_upns(conn, [factories.PUPIL_A])[factories.PUPIL_A])
    page.table.setCurrentIndex(page.model.index(0, 0))
    assert "Teacher's note (PNG image, " in page.detail.toPlainText()
    plain, full = tmp_path / "plain.pdf", tmp_path / "full.pdf"
    page.export_to(plain)
    qtbot.waitUntil(lambda: page.status.text().startswith("Saved"), timeout=WAIT)
    activate(qtbot, page)
    qtbot.keyClick(page, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # Include a&ttachments
    qtbot.waitUntil(page.include_attachments.isChecked, timeout=WAIT)  # an animated click
    page.export_to(full)
    qtbot.waitUntil(lambda: full.exists() and page.status.text().startswith("Saved"), timeout=WAIT)
    assert len(PdfReader(full).pages) == len(PdfReader(plain).pages) + 1  # the note's page


def test_a_picture_in_name_only_is_refused_and_a_swapped_file_is_flagged_not_shown(
    qtbot: QtBot,
    view: RecordView,
    head_session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hashlib

    from safedesk.domain.compartments import Compartment

    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    fake = tmp_path / "body map.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n<html><body>not a picture</body></html>")
    monkeypatch.setattr(attachments_panel, "choose_file", lambda _parent: fake)
    attachments.attach(
        head_session, ref, data=scanned_note(), file_name="n.png", description="Teacher's note"
    )
    # Someone with the file key swaps the note for another file, and its hash column with it.
    other = letter_pdf(["Not the note."])
    conn = head_session.compartment(Compartment.SAFEGUARDING).connection()
    kept = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'attachment_no_update'")
    trigger = kept.fetchone()[0]
    conn.execute("DROP TRIGGER attachment_no_update")
    conn.execute(
        "UPDATE attachment SET content = ?, sha256 = ?, size = ?, media_type = 'application/pdf'",
        (other, hashlib.sha256(other).hexdigest(), len(other)),
    )
    conn.execute(trigger)
    conn.commit()
    view.show_entry(ref)
    panel = open_attachments(qtbot, view)
    assert panel.message.text() == (
        "An attachment marked CHANGED is not the file that was added: run Verify, and tell "
        "the headteacher."
    )
    qtbot.keyClicks(panel.description, "Photo of the body map")
    qtbot.keyClick(panel.description, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.message.text().startswith("Not attached."), timeout=WAIT)
    assert panel.message.text() == (
        "Not attached. File: is not a picture safedesk can read (it may be damaged, or only "
        "named like one)."
    )
    assert panel.model.rowCount() == 1
    first = panel.model.index(0, attachments_panel.DESCRIPTION)
    assert panel.model.data(first) == "CHANGED: Teacher's note"
    assert panel.model.data(first, Qt.ItemDataRole.ToolTipRole) == (
        "Teacher's note: this file has been changed since it was added: run Verify, and tell "
        "the headteacher."
    )
    panel.window().grab().save(str(tmp_path / "changed.png"))  # looked at while written
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "changed since it was added" in panel.message.text(), timeout=WAIT)
    assert panel.message.text() == (
        "Attachment 1 of " + ref + " has been changed since it was added: run Verify, and tell "
        "the headteacher."
    )  # Enter on the list viewed it, and attached nothing
    assert viewers() == []  # never shown as if it were the note
