"""A member of staff corrects the further holds on their own intervention: checked against
their copy, sealed through the inbox, checked again and stored when a member takes it in."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import ValidationError
from safedesk.domain.roles import Role
from safedesk.services import amendments, intake, records
from safedesk.services.session import Session
from tests import factories


def test_staff_amend_their_further_holds_through_the_inbox(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    staff = session_as(Role.STAFF)
    first = [{"hold": "seated_hold", "minutes": 2}]
    ref = records.record(staff, Kind.INTERVENTION, factories.intervention() | {"more_holds": first})
    with pytest.raises(ValidationError) as caught:
        amendments.amend(staff, ref, "more_holds", [{"hold": "seated_hold", "minutes": 90}], "x")
    assert caught.value.problems["more_holds"].startswith("add up to 1 hour 30 minutes")
    amendments.amend(
        staff, ref, "more_holds", [{"hold": "single_elbow", "minutes": 3}], "It was 3 minutes."
    )
    mine = next(e for e in records.my_records(staff) if e.ref == ref)
    assert mine.current()["more_holds"] == '[{"hold":"single_elbow","minutes":3}]'
    report = intake.take_in(head_session, Compartment.BEHAVIOUR)
    assert (report.taken_in, report.quarantined) == (2, 0)
    stored = records.open_record(head_session, ref)
    assert stored.original["more_holds"] == '[{"hold":"seated_hold","minutes":2}]'
    assert stored.current()["more_holds"] == '[{"hold":"single_elbow","minutes":3}]'
