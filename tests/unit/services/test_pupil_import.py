"""Importing pupils into the store: all or nothing, updates audited, admin only."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safedesk.domain import upn
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.pupil_csv import ImportRejected
from safedesk.domain.roles import Role
from safedesk.services import pupils
from safedesk.services.pupil_import import ImportResult, import_pupils
from safedesk.services.session import Session
from safedesk.store import audit

A, B = upn.make("801200005001"), upn.make("801200005002")
FIRST = (
    "UPN,Surname,Forename,DOB,Class\n"
    f"{A},O'Brien,Siobhán,04/03/2018,Oak\n"
    f"{B},Ng,Minh,01/09/2017,Ash\n"
)


def test_import_then_update(head_session: Session) -> None:
    assert import_pupils(head_session, FIRST.encode()) == ImportResult(2, 0, 0)
    moved = FIRST.replace("Oak", "Elm")
    assert import_pupils(head_session, moved.encode()) == ImportResult(0, 1, 1)
    listed = {p.upn: p for p in pupils.list_pupils(head_session)}
    assert listed[A].details.class_name == "Elm"
    with head_session.store.read() as conn:
        [updated] = audit.events_with_action(conn, "pupil.updated")
        imports = audit.events_with_action(conn, "pupils.imported")
    assert (updated.object_id, updated.detail["fields"]) == (A, ["class_name"])
    assert [row[0] for row in updated.detail["rows"]] == ["pupil"]  # its ledger hash
    assert [e.detail["added"] for e in imports] == [2, 0]


def test_bad_file_changes_nothing(head_session: Session) -> None:
    import_pupils(head_session, FIRST.encode())
    bad = FIRST.replace("Oak", "Elm") + "C801200005003,Bad,Row,01/01/2018,Oak\n"
    with pytest.raises(ImportRejected) as caught:
        import_pupils(head_session, bad.encode())
    assert list(caught.value.problems) == ["line 4"]
    assert {p.details.class_name for p in pupils.list_pupils(head_session)} == {"Oak", "Ash"}


def test_pupils_missing_from_a_later_file_are_kept(head_session: Session) -> None:
    import_pupils(head_session, FIRST.encode())
    only_one = "\n".join(FIRST.splitlines()[:2]) + "\n"
    import_pupils(head_session, only_one.encode())
    assert len(pupils.list_pupils(head_session)) == 2


@pytest.mark.parametrize("role", [Role.STAFF, Role.DSL, Role.BEHAVIOUR_LEAD, Role.HEAD])
def test_only_admin_imports(session_as: Callable[[Role], Session], role: Role) -> None:
    with pytest.raises(PermissionDenied):
        import_pupils(session_as(role), FIRST.encode())
