"""Controlled lists: administrators add, retire and restore values; fixed lists stay fixed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import lists
from safedesk.services.session import Session
from safedesk.store import audit


def test_retire_and_restore_are_audited_and_change_what_is_offered(head_session: Session) -> None:
    lists.add_value(head_session, "restraint_types", "team_teach_hold", "Team Teach hold")
    lists.retire_value(head_session, "restraint_types", "team_teach_hold")
    offered = [v for v, _ in lists.choices(head_session)["restraint_types"]]
    assert "team_teach_hold" not in offered
    every = dict(lists.choices(head_session, include_retired=True)["restraint_types"])
    assert every["team_teach_hold"] == "Team Teach hold"

    lists.restore_value(head_session, "restraint_types", "team_teach_hold")
    assert "team_teach_hold" in dict(lists.choices(head_session)["restraint_types"])
    with head_session.store.read() as conn:
        [event] = audit.events_with_action(conn, "list.value_restored")
    assert (event.actor, event.object_id) == ("head", "restraint_types:team_teach_hold")


def test_values_by_list_marks_retired_values(head_session: Session) -> None:
    lists.retire_value(head_session, "locations", "field")
    found = lists.values_by_list(head_session)
    field = next(v for v in found["locations"] if v.value == "field")
    assert (field.label, field.active) == ("Field", False)
    assert all(v.active for v in found["urgencies"])


def test_retiring_twice_or_restoring_an_active_value_is_refused(head_session: Session) -> None:
    lists.retire_value(head_session, "locations", "field")
    with pytest.raises(ValidationError, match="already retired"):
        lists.retire_value(head_session, "locations", "field")
    with pytest.raises(ValidationError, match="already in use"):
        lists.restore_value(head_session, "locations", "hall")


def test_adding_a_retired_value_says_restore_it(head_session: Session) -> None:
    lists.retire_value(head_session, "locations", "field")
    with pytest.raises(ValidationError, match="restore it instead"):
        lists.add_value(head_session, "locations", "field", "Field")


def test_fixed_and_unknown_lists(head_session: Session) -> None:
    with pytest.raises(ValidationError, match="urgencies is fixed"):
        lists.restore_value(head_session, "urgencies", "routine")
    with pytest.raises(NotFound, match="no list called"):
        lists.restore_value(head_session, "colours", "red")
    with pytest.raises(NotFound, match="has no value"):
        lists.restore_value(head_session, "locations", "moon")


@pytest.mark.parametrize("role", [Role.DSL, Role.STAFF, Role.BEHAVIOUR_LEAD])
def test_only_an_administrator_may_restore(
    session_as: Callable[[Role], Session], head_session: Session, role: Role
) -> None:
    lists.retire_value(head_session, "locations", "field")
    with pytest.raises(PermissionDenied):
        lists.restore_value(session_as(role), "locations", "field")
    assert "field" not in dict(lists.choices(head_session)["locations"])


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("Library", "library"),
        ("Hall / PE", "hall_pe"),
        ("  Forest School (off-site)  ", "forest_school_off_site"),
        ("Zoë's café", "zoe_s_cafe"),
        ("Year 6 classroom", "year_6_classroom"),
        ("✓✓", ""),
        ("a" * 39 + " b", "a" * 39),
        ("x" * 60, "x" * 40),
    ],
)
def test_suggest_value(label: str, value: str) -> None:
    assert lists.suggest_value(label) == value
