"""After a password change, each compartment hears of the new keys (signed with them,
vouched for by the old), so an old key file with the old password records nothing as them."""

from __future__ import annotations

from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import intake, records, users
from safedesk.store import members, sealed
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account

NEW_PASSWORD = "the teacher's new password 4"


def test_a_password_change_is_announced_and_taken_in_as_nothing_but_keys(
    school: SchoolStore,
) -> None:
    head = school.sign_in()
    try:
        factories.add_pupils(head)
        add_account(head, "t.teacher", {Role.STAFF})
    finally:
        head.lock()
    teacher = school.sign_in("t.teacher", OTHER_PASSWORD)
    try:
        records.record(teacher, Kind.CONCERN, factories.concern())
        users.change_own_password(teacher, OTHER_PASSWORD, NEW_PASSWORD, FAST_KDF)
        with teacher.store.read() as conn:
            waiting = {c: sealed.inbox_count(conn, c.value) for c in Compartment}
        mine = records.my_records(teacher)
    finally:
        teacher.lock()
    # The concern, then one announcement for each reading file; "My records" shows the concern.
    assert waiting[Compartment.SAFEGUARDING] == 2 and waiting[Compartment.BEHAVIOUR] == 1
    assert [e.kind for e in mine] == [Kind.CONCERN]

    head = school.sign_in()
    try:
        taken = intake.take_in(head, Compartment.SAFEGUARDING)
        intake.take_in(head, Compartment.BEHAVIOUR)
        assert (taken.taken_in, taken.quarantined) == (1, 0)
        with head.compartment(Compartment.SAFEGUARDING).read() as conn:
            known = members.author(conn, "t.teacher")
            alarms = members.open_alarms(conn)
    finally:
        head.lock()
    assert alarms == []
    teacher = school.sign_in("t.teacher", NEW_PASSWORD)
    try:
        assert known is not None and known.sign_public == teacher.account.secrets.sign.public  # type: ignore[union-attr]
        records.record(teacher, Kind.CONCERN, factories.concern())
    finally:
        teacher.lock()
    head = school.sign_in()
    try:
        taken = intake.take_in(head, Compartment.SAFEGUARDING)
        intake.check_sequences(head, Compartment.SAFEGUARDING)
        with head.compartment(Compartment.SAFEGUARDING).read() as conn:
            alarms = members.open_alarms(conn)
    finally:
        head.lock()
    assert (taken.taken_in, alarms) == (1, [])  # numbered on from the announcement: no gap
