"""The table models of My records, a pupil's list, the pupil roll and search: Qt's model rules
(qtmodeltester), one meaning per item role, words not "(s)", and columns read whole."""

# pytest-qt's model tester is untyped:
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

from collections.abc import Callable

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import amendments, pupils, records
from safedesk.services.search import search
from safedesk.services.session import Session
from safedesk.ui import item_roles
from safedesk.ui.entry_model import KIND, NOTE, STATUS, EntryTableModel
from safedesk.ui.item_roles import OBJECT_ROLE, REF_ROLE, RICH_TEXT_ROLE, SORT_ROLE
from safedesk.ui.my_records_page import MyRecordsPage
from safedesk.ui.pupil_model import DOB, PupilFilter, PupilTableModel
from safedesk.ui.search_box import SearchResultModel
from tests import factories


def _recorded(head: Session) -> list[str]:
    factories.add_pupils(head)
    refs = [
        records.record(head, Kind.CONCERN, factories.concern()),
        records.record(head, Kind.BEHAVIOUR, factories.behaviour()),
        records.record(head, Kind.INTERVENTION, factories.intervention()),
    ]
    factories.take_in_all(head)
    return refs


def test_the_entry_model_keeps_qt_rules(qtmodeltester: ModelTester, head_session: Session) -> None:
    _recorded(head_session)
    model = EntryTableModel()
    model.set_entries(records.my_records(head_session))
    assert model.rowCount() == 3
    qtmodeltester.check(model)
    entry = model.index(0, 0).data(OBJECT_ROLE)
    assert entry.ref == model.index(0, 0).data()
    assert model.index(0, 1).data(SORT_ROLE) == entry.occurred_at.isoformat()


def test_amendments_are_counted_in_words(qtbot: QtBot, head_session: Session) -> None:
    ref = _recorded(head_session)[0]
    amendments.amend(head_session, ref, "action_taken", "Spoke to Mum at pick-up.", "Left out")
    model = EntryTableModel()
    model.set_entries(records.pupil_records(head_session, factories.PUPIL_A))
    notes = [model.index(r, NOTE).data() for r in range(model.rowCount())]
    assert "(1 amendment)" in notes
    assert not any("(s)" in n for n in notes)


def test_my_records_counts_in_words(qtbot: QtBot, session_as: Callable[[Role], Session]) -> None:
    teacher = session_as(Role.STAFF)
    factories.add_pupils(teacher)
    records.record(teacher, Kind.CONCERN, factories.concern())
    page = MyRecordsPage(teacher)
    qtbot.addWidget(page)
    page.load()
    qtbot.waitUntil(lambda: page.count.text() == "1 record")


def test_my_records_shows_kind_and_status_whole(qtbot: QtBot, head_session: Session) -> None:
    """At 1366x768 the Kind ("Physical intervention") and Status ("Sent, not yet received")
    columns were cut to 100 px; they are read whole, and the notes column elides with the
    whole text in a tooltip."""
    _recorded(head_session)
    page = MyRecordsPage(head_session)
    qtbot.addWidget(page)
    page.resize(1366 - 200, 700)  # the main window's page area, beside the navigation
    page.show()
    page.load()
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 3)
    table = page.list.table
    labels = {page.list.model.index(r, KIND).data() for r in range(3)}
    assert Kind.INTERVENTION.label in labels
    for column in (KIND, STATUS):
        needed = table.sizeHintForColumn(column)  # the widest cell, with its margins
        assert table.columnWidth(column) >= needed, (column, table.columnWidth(column), needed)
    assert table.horizontalScrollBar().maximum() == 0
    note = page.list.model.index(0, NOTE)
    assert note.data(0) == (note.data(3) or "")  # DisplayRole's whole text as ToolTipRole


def test_the_pupil_model_and_filter_keep_qt_rules(
    qtmodeltester: ModelTester, head_session: Session
) -> None:
    factories.add_pupils(head_session)
    model = PupilTableModel()
    model.set_pupils(pupils.list_pupils(head_session))
    qtmodeltester.check(model)
    proxy = PupilFilter()
    proxy.setSourceModel(model)
    proxy.set_query("zoe")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1
    pupil = proxy.index(0, 0).data(OBJECT_ROLE)
    assert pupil.details.known_as == "Zoë"
    assert proxy.index(0, DOB).data() == "30/11/2016"


def test_the_search_model_keeps_qt_rules(qtmodeltester: ModelTester, head_session: Session) -> None:
    refs = _recorded(head_session)
    model = SearchResultModel()
    model.set_hits(search(head_session, "coat", 50))
    assert model.rowCount() >= 1
    qtmodeltester.check(model)
    assert model.index(0, 0).data(REF_ROLE) == refs[0]
    assert "<b>" in model.index(0, 0).data(RICH_TEXT_ROLE)


def test_every_role_has_one_meaning() -> None:
    roles = [OBJECT_ROLE, SORT_ROLE, REF_ROLE, RICH_TEXT_ROLE, item_roles.FILTER_ROLE]
    assert len(set(roles)) == len(roles)
    from safedesk.ui import entry_model, pupil_model, search_box

    assert entry_model.ENTRY_ROLE == pupil_model.PUPIL_ROLE == search_box.HIT_ROLE == OBJECT_ROLE
    assert search_box.REF_ROLE == REF_ROLE and search_box.RICH_TEXT_ROLE == RICH_TEXT_ROLE
