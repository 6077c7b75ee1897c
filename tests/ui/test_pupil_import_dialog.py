"""The pupil import dialog: choose a file, see what it would change, import exactly that."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain import upn
from safedesk.services import pupils
from safedesk.services.pupil_import import import_pupils
from safedesk.services.session import Session
from safedesk.ui import pickers
from safedesk.ui.pupil_import_dialog import PupilImportDialog
from tests.ui.conftest import activate

LEFT = Qt.MouseButton.LeftButton
SAMPLE = Path(__file__).parents[2] / "docs" / "samples" / "pupils.ctf.xml"
A, B, C = upn.make("801200005001"), upn.make("801200005002"), upn.make("801200005003")
CSV = (
    "UPN,Surname,Forename,DOB,Sex,Year,Class\n"
    f"{A},O'Connor-Nguyễn,Siobhán,04/03/2019,F,1,Oak\n"
    f"{B},Wiśniewska,Zoë,30/11/2018,F,3,Ash\n"
)


def opened(qtbot: QtBot, session: Session) -> PupilImportDialog:
    dialog = PupilImportDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def load(qtbot: QtBot, dialog: PupilImportDialog, path: Path) -> None:
    with qtbot.waitSignal(dialog.previewed), qtbot.waitSignal(dialog.settled):
        dialog.load(path)


def cells(dialog: PupilImportDialog) -> list[list[str]]:
    table = dialog.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_choose_a_ctf_see_the_changes_and_import_them(
    qtbot: QtBot, head_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_pupils(head_session, CSV.encode())
    dialog = opened(qtbot, head_session)
    assert not dialog.import_button.isEnabled()
    monkeypatch.setattr(pickers, "choose_file", lambda *_a: SAMPLE)
    with qtbot.waitSignal(dialog.previewed), qtbot.waitSignal(dialog.settled):
        qtbot.mouseClick(dialog.choose_button, LEFT)

    assert "Common Transfer File (CTF 25.0) from Brookside Primary School" in (
        dialog.summary.text()
    )
    assert "would add 1 pupil, update 1 pupil and leave 1 pupil as they are" in (
        dialog.summary.text()
    )
    rows = cells(dialog)
    assert rows[0] == ["De la Cruz, Mateo", C, "1", "New pupil"]
    assert rows[1][:3] == ["O'Connor-Nguyễn, Shiv", A, "2"]
    assert rows[1][3] == (
        "Preferred name: none → Shiv; Year: 1 → 2; SEN: none → E; Free school meals: no → yes; "
        "Looked after: no → yes; EAL: no → yes"
    )
    assert len(rows) == 2  # the unchanged pupil is only counted
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import 2 changes"
    assert not dialog.table.tabKeyNavigation()
    assert {p.upn for p in pupils.list_pupils(head_session)} == {A, B}  # nothing yet

    with qtbot.waitSignal(dialog.imported) as done, qtbot.waitSignal(dialog.settled):
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert (done.args[0].added, done.args[0].updated) == (1, 1)
    assert dialog.status.text() == (
        "Done: 1 pupil added, 1 pupil updated, 1 pupil already up to date."
    )
    assert not dialog.import_button.isEnabled()
    listed = {p.upn: p.details for p in pupils.list_pupils(head_session)}
    assert listed[C].legal_forename == "Mateo"
    assert (listed[A].year_group, listed[A].cla, listed[A].class_name) == ("2", True, "Oak")

    dialog.grab().save(str(tmp_path / "after.png"))


def test_a_bad_file_shows_every_problem_and_import_stays_off(
    qtbot: QtBot, head_session: Session, tmp_path: Path
) -> None:
    bad = tmp_path / "export.csv"
    bad.write_text(
        "UPN,Surname,Forename,DOB\n"
        f"{A},Okafor,Chidi,04/03/2019\n"
        f"C{A[1:]},Nguyen,Minh,31/02/2018\n"
        f"{B},,Zoë,01/09/2017\n",
        "utf-8",
    )
    dialog = opened(qtbot, head_session)
    load(qtbot, dialog, bad)
    assert "cannot be imported: 2 problems below. Nothing has been changed" in (
        dialog.summary.text()
    )
    rows = cells(dialog)
    assert [r[0] for r in rows] == ["Line 3", "Line 4"]
    assert "wrong check letter" in rows[0][1] and "not a real date" in rows[0][1]
    assert rows[1][1] == "Surname is blank"
    assert not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, LEFT)  # disabled: nothing happens
    assert pupils.list_pupils(head_session) == []


def test_a_hostile_ctf_is_refused_in_plain_words(
    qtbot: QtBot, head_session: Session, tmp_path: Path
) -> None:
    bomb = tmp_path / "pupils.ctf"
    bomb.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY a "aaaa">]><CTfile>&a;</CTfile>'
    )
    dialog = opened(qtbot, head_session)
    load(qtbot, dialog, bomb)
    [[where, reason]] = cells(dialog)
    assert where == "The file"
    assert reason.startswith("declares a document type or entities")
    assert not dialog.import_button.isEnabled()


def test_changed_since_the_preview_asks_to_preview_again(
    qtbot: QtBot, head_session: Session
) -> None:
    import_pupils(head_session, CSV.encode())
    dialog = opened(qtbot, head_session)
    load(qtbot, dialog, SAMPLE)
    import_pupils(head_session, CSV.replace("Oak", "Elm").encode())  # someone else, meanwhile
    with qtbot.waitSignal(dialog.settled):
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert "changed in safedesk after this preview was made" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.again_button.isVisible()
    assert C not in {p.upn for p in pupils.list_pupils(head_session)}
    activate(qtbot, dialog)
    with qtbot.waitSignal(dialog.previewed):
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert dialog.import_button.isEnabled()
    assert not dialog.again_button.isVisible()


def test_the_preview_fits_at_its_opening_size(
    qtbot: QtBot, head_session: Session, tmp_path: Path
) -> None:
    import_pupils(head_session, CSV.encode())
    dialog = opened(qtbot, head_session)
    load(qtbot, dialog, SAMPLE)
    assert dialog.grab().save(str(tmp_path / "pupil_import.png"))
    # Nothing clipped: the wrapped summary gets the height it needs, and every column shows.
    summary = dialog.summary
    assert summary.height() >= summary.heightForWidth(summary.width())
    table = dialog.table
    width = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert width <= table.viewport().width()


def test_a_file_with_hundreds_of_problems_lists_the_first_hundred_and_says_more(
    qtbot: QtBot, head_session: Session, tmp_path: Path
) -> None:
    bad = tmp_path / "export.csv"
    lines = [f"{A},Okafor,Chidi,31/02/2018" for _ in range(150)]
    bad.write_text("UPN,Surname,Forename,DOB\n" + "\n".join(lines) + "\n", "utf-8")
    dialog = opened(qtbot, head_session)
    load(qtbot, dialog, bad)
    assert "cannot be imported: more than 100 problems below." in dialog.summary.text()
    rows = cells(dialog)
    assert len(rows) == 101 and "more problems not listed here" in rows[-1][1]
    assert not dialog.import_button.isEnabled()


# Other children under the sample's UPNs: the CTF would change their names or birthdays.
OTHER_CHILDREN = (
    "UPN,Surname,Forename,DOB,Sex,Year,Class\n"
    f"{A},O'Connor-Nguyễn,Siobhán,04/03/2019,F,2,Oak\n"
    f"{B},Okafor,Chidi,30/11/2018,M,3,Ash\n"
    f"{C},Mensah,Kofi,15/06/2016,M,5,Elm\n"
)


def test_identity_changes_come_first_and_must_be_ticked_before_importing(
    qtbot: QtBot, head_session: Session, tmp_path: Path
) -> None:
    import_pupils(head_session, OTHER_CHILDREN.encode())
    dialog = opened(qtbot, head_session)
    load(qtbot, dialog, SAMPLE)

    # Who made the file, and for whom.
    assert dialog.summary.text().startswith(
        "This is a Common Transfer File (CTF 25.0) from Brookside Primary School (LA 801, "
        "establishment 2001). It was made for LA 801, establishment 2002: check that is this "
        "school. Importing it would"
    )
    warning = dialog.identity_warning
    assert warning.isVisible() and warning.wordWrap()
    assert warning.text().startswith(
        "2 pupils would change their date of birth or their names: the file may be for "
        "another school, or a UPN may be wrong. Check these are the same children before "
        "importing."
    )
    rows = cells(dialog)
    assert [r[1] for r in rows] == [B, C, A]  # the two to check first
    assert rows[0][3] == (
        "Check this is the same child. Surname: Okafor → Wiśniewska; Forename: Chidi → Zoë; "
        "Sex: M → F"
    )
    assert "Date of birth: 15/06/2016 → 15/06/2020" in rows[1][3]
    assert dialog.table.item(0, 0).font().bold() and not dialog.table.item(2, 0).font().bold()
    assert not dialog.import_button.isEnabled()
    assert not dialog.import_button.isDefault()
    qtbot.waitUntil(lambda: warning.height() >= warning.heightForWidth(warning.width()))
    dialog.grab().save(str(tmp_path / "identity_changes.png"))

    # Enter does not import; the tick box (Alt+S) turns Import on.
    activate(qtbot, dialog)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert {p.upn: p.details.legal_forename for p in pupils.list_pupils(head_session)}[B] == (
        "Chidi"
    )
    dialog.show()  # Enter pressed Close, the default: open again to go on
    activate(qtbot, dialog)
    tick = dialog.identity_checked
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(tick.isChecked)  # a mnemonic animates the click
    assert tick.hasFocus()
    assert dialog.import_button.isEnabled()
    qtbot.keyClick(tick, Qt.Key.Key_Space)  # off again
    assert not dialog.import_button.isEnabled()
    qtbot.keyClick(tick, Qt.Key.Key_Space)
    assert dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.imported) as done, qtbot.waitSignal(dialog.settled):
        qtbot.keyClick(dialog, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    assert done.args[0].updated == 3
    listed = {p.upn: p.details for p in pupils.list_pupils(head_session)}
    assert (listed[B].legal_forename, listed[C].date_of_birth.year) == ("Zoë", 2020)
    assert not dialog.identity_warning.isVisible()
    assert not dialog.identity_checked.isVisible()


def test_an_ordinary_update_needs_no_tick(qtbot: QtBot, head_session: Session) -> None:
    import_pupils(head_session, CSV.encode())
    dialog = opened(qtbot, head_session)
    load(qtbot, dialog, SAMPLE)
    assert not dialog.identity_warning.isVisible()
    assert not dialog.identity_checked.isVisible()
    assert dialog.import_button.isEnabled()
    activate(qtbot, dialog)
    dialog.table.setFocus()
    with qtbot.waitSignal(dialog.imported) as done, qtbot.waitSignal(dialog.settled):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Import is the default button
    assert (done.args[0].added, done.args[0].updated) == (1, 1)
