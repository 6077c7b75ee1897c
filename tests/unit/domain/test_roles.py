"""Roles are sets of permissions, as the design's table of people and roles says."""

from __future__ import annotations

import pytest

from safedesk.domain.people import User
from safedesk.domain.roles import Permission, Role, parse_role, permissions_for

READING = {Permission.READ_CONCERNS, Permission.READ_BEHAVIOUR}


def test_an_administrator_reads_no_pupil_record_and_does_no_casework() -> None:
    admin = permissions_for(frozenset({Role.ADMIN}))
    assert not admin & READING
    assert Permission.CASEWORK not in admin
    assert Permission.AMEND_ANY not in admin
    assert {Permission.USER_MANAGE, Permission.PUPIL_IMPORT, Permission.BACKUP} <= admin
    assert Permission.SETTINGS_MANAGE in admin


def test_staff_record_but_read_nothing_back() -> None:
    staff = permissions_for(frozenset({Role.STAFF}))
    assert Permission.RECORD_CREATE in staff
    assert not staff & READING
    assert Permission.CASEWORK not in staff


def test_the_behaviour_lead_reads_behaviour_not_safeguarding() -> None:
    lead = permissions_for(frozenset({Role.BEHAVIOUR_LEAD}))
    assert Permission.READ_BEHAVIOUR in lead
    assert Permission.READ_CONCERNS not in lead
    assert Permission.CASEWORK not in lead


def test_the_dsl_works_the_whole_safeguarding_domain() -> None:
    dsl = permissions_for(frozenset({Role.DSL}))
    assert READING | {Permission.CASEWORK, Permission.AMEND_ANY, Permission.RECORD_CREATE} <= dsl
    assert Permission.USER_MANAGE not in dsl
    # They see the accounts, to grant reading roles and confirm administrators in person.
    assert Permission.USER_LIST in dsl
    assert Permission.USER_LIST not in permissions_for(frozenset({Role.STAFF}))
    assert Permission.USER_LIST not in permissions_for(frozenset({Role.BEHAVIOUR_LEAD}))


def test_the_head_can_do_all_a_dsl_can() -> None:
    assert permissions_for(frozenset({Role.DSL})) <= permissions_for(frozenset({Role.HEAD}))


def test_one_person_holding_several_roles_has_the_union() -> None:
    both = permissions_for(frozenset({Role.ADMIN, Role.HEAD}))
    assert both == permissions_for(frozenset({Role.ADMIN})) | permissions_for(
        frozenset({Role.HEAD})
    )
    assert Permission.CASEWORK in both and Permission.USER_MANAGE in both


def test_no_roles_no_permissions() -> None:
    assert permissions_for(frozenset()) == frozenset()


def test_a_user_can_what_their_roles_allow() -> None:
    user = User(1, "b.lead", "Bo Lead", frozenset({Role.BEHAVIOUR_LEAD}), active=True)
    assert user.can(Permission.READ_BEHAVIOUR)
    assert not user.can(Permission.READ_CONCERNS)


@pytest.mark.parametrize(
    ("text", "role"),
    [("dsl", Role.DSL), ("  Behaviour_Lead ", Role.BEHAVIOUR_LEAD), ("HEAD", Role.HEAD)],
)
def test_roles_are_read_whatever_their_case_and_spacing(text: str, role: Role) -> None:
    assert parse_role(text) is role


def test_an_unknown_role_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown role") as caught:
        parse_role("governor")
    assert str(caught.value) == (
        "unknown role 'governor'; choose one of staff, dsl, behaviour_lead, head, admin, "
        "chair_of_governors"
    )
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_role_labels_as_people_read_them() -> None:
    assert Role.DSL.label == "Designated Safeguarding Lead"
    assert Role.HEAD.label == "Headteacher"
    assert Role.ADMIN.label == "Administrator"


def test_only_the_head_keeps_allegations_and_only_the_chair_those_about_the_head() -> None:
    for role in Role:
        held = permissions_for(frozenset({role}))
        assert (Permission.ALLEGATIONS in held) == (role is Role.HEAD)
        assert (Permission.ALLEGATIONS_ABOUT_HEAD in held) == (role is Role.CHAIR_OF_GOVERNORS)
    # A governor reads no pupil's records and records none; they verify their own file.
    assert permissions_for(frozenset({Role.CHAIR_OF_GOVERNORS})) == {
        Permission.ALLEGATIONS_ABOUT_HEAD,
        Permission.AUDIT_VERIFY,
    }
