"""What a queue row says before it is opened: the pupils' safeguarding status that holds now
(for those who may see it), and who asked for a role by their full name."""

from __future__ import annotations

from datetime import date

from safedesk.domain.entries import Kind
from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.services import pupil_status, queue, records, users
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import OTHER_PASSWORD


def test_a_concern_row_says_the_pupils_status_that_holds_now(head_session: Session) -> None:
    factories.add_pupils(head_session)
    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    started = pupil_status.start_status(
        head_session, factories.PUPIL_A, StatusKind.CHILD_PROTECTION_PLAN, date(2026, 9, 3)
    )
    pupil_status.start_status(head_session, factories.PUPIL_B, StatusKind.YOUNG_CARER, "2026-09-03")
    row = next(i for i in queue.load_queue(head_session).items if i.case_ref == ref)
    assert row.statuses == ("Child protection plan",)

    pupil_status.end_status(head_session, started.id, date.today())
    row = next(i for i in queue.load_queue(head_session).items if i.case_ref == ref)
    assert row.statuses == ()


def test_a_request_names_who_asked_by_full_name(head_session: Session) -> None:
    users.add_user(
        head_session,
        username="t.hughes",
        display_name="Mr Tom Hughes",
        roles={Role.DSL},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    asked = [i for i in queue.load_queue(head_session).items if i.kind is ItemKind.REQUEST]
    assert len(asked) == 1
    who = users.list_users(head_session)
    head_name = next(u.display_name for u in who if u.username == head_session.user.username)
    assert f"asked by {head_name}" in asked[0].what
    assert f"asked by {head_session.user.username})" not in asked[0].what


def test_the_queue_table_shows_the_status_under_the_pupils_name(head_session: Session) -> None:
    from PySide6.QtCore import Qt

    from safedesk.ui.queue_model import PUPILS, QueueModel

    factories.add_pupils(head_session)
    records.record(head_session, Kind.CONCERN, factories.concern())
    pupil_status.start_status(
        head_session, factories.PUPIL_A, StatusKind.CHILD_IN_NEED, date(2026, 9, 3)
    )
    model = QueueModel()
    model.set_queue(queue.load_queue(head_session))
    shown = [
        model.index(r, PUPILS).data(Qt.ItemDataRole.DisplayRole) for r in range(model.rowCount())
    ]
    assert any(text.endswith("\nChild in need") for text in shown), shown
