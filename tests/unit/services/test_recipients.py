"""What the Record page says after a submit: who a new record reaches, truthfully, for the
school as it is (a behaviour lead or none, a DSL or none, an account disabled)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import users
from safedesk.services.recipients import readers, where_it_goes
from safedesk.services.session import Session
from tests.conftest import add_account

DSL = "the Designated Safeguarding Lead"
LEAD = "the behaviour lead"
HEAD = "the headteacher"


def test_a_school_of_only_the_head_sends_everything_to_the_head(head_session: Session) -> None:
    assert where_it_goes(head_session, Kind.CONCERN) == f"It has gone to {HEAD}'s queue."
    for kind in (Kind.BEHAVIOUR, Kind.INTERVENTION):
        assert where_it_goes(head_session, kind) == (
            f"The school has no behaviour lead, so it has gone to {HEAD}."
        )


def test_a_concern_goes_to_the_dsl_when_the_school_has_one(head_session: Session) -> None:
    add_account(head_session, "dsl", {Role.DSL})
    assert readers(head_session, Kind.CONCERN) == [Role.DSL]
    assert where_it_goes(head_session, Kind.CONCERN) == f"It has gone to {DSL}'s queue."


def test_with_a_behaviour_lead_incidents_go_to_the_lead_and_force_to_the_head_too(
    head_session: Session,
) -> None:
    add_account(head_session, "lead", {Role.BEHAVIOUR_LEAD})
    assert where_it_goes(head_session, Kind.BEHAVIOUR) == f"It has gone to {LEAD}."
    assert where_it_goes(head_session, Kind.INTERVENTION) == f"It has gone to {LEAD} and {HEAD}."
    # Concerns are never the behaviour lead's.
    assert where_it_goes(head_session, Kind.CONCERN) == f"It has gone to {HEAD}'s queue."


def test_without_a_behaviour_lead_the_message_names_who_does_see_it(
    head_session: Session,
) -> None:
    add_account(head_session, "dsl", {Role.DSL})
    for kind in (Kind.BEHAVIOUR, Kind.INTERVENTION):
        assert where_it_goes(head_session, kind) == (
            f"The school has no behaviour lead, so it has gone to {HEAD} and {DSL}."
        )
        assert LEAD not in where_it_goes(head_session, kind).removeprefix(
            "The school has no behaviour lead"
        )


def test_a_disabled_behaviour_lead_is_not_promised(head_session: Session) -> None:
    add_account(head_session, "lead", {Role.BEHAVIOUR_LEAD})
    users.disable_user(head_session, "lead")
    assert Role.BEHAVIOUR_LEAD not in readers(head_session, Kind.BEHAVIOUR)
    assert where_it_goes(head_session, Kind.BEHAVIOUR).startswith(
        "The school has no behaviour lead"
    )


@pytest.mark.parametrize("kind", list(Kind))
def test_a_member_of_staff_is_told_the_same(
    head_session: Session, session_as: Callable[[Role], Session], kind: Kind
) -> None:
    """Staff read who holds which role from the school file they can open."""
    add_account(head_session, "lead", {Role.BEHAVIOUR_LEAD})
    staff = session_as(Role.STAFF)
    assert where_it_goes(staff, kind) == where_it_goes(head_session, kind)
