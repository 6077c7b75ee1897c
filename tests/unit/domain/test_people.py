"""Users and pupils as the program shows them; usernames and passwords people may choose."""

from __future__ import annotations

from datetime import date

import pytest

from safedesk.domain.people import (
    Pupil,
    PupilDetails,
    User,
    validate_password,
    validate_username,
)
from safedesk.domain.roles import Permission, Role

USERNAME_RULE = (
    "must be 2–32 characters: lower-case letters, digits, dots, hyphens or underscores "
    "(for example j.smith)"
)


def test_roles_are_listed_in_the_designs_order_whatever_order_they_were_given() -> None:
    user = User(7, "a.ngozi", "Ms Ada Ngozi", frozenset({Role.ADMIN, Role.HEAD, Role.DSL}), True)
    assert user.roles_label == "Designated Safeguarding Lead, Headteacher, Administrator"
    staff = User(8, "t.ash", "Tom Ash", frozenset({Role.BEHAVIOUR_LEAD, Role.STAFF}), True)
    assert staff.roles_label == "Staff, Behaviour lead"


def test_a_users_permissions_come_from_all_their_roles() -> None:
    user = User(7, "a.ngozi", "Ms Ada Ngozi", frozenset({Role.ADMIN, Role.DSL}), True)
    assert Permission.USER_MANAGE in user.permissions
    assert Permission.CASEWORK in user.permissions
    assert user.can(Permission.LISTS_MANAGE)


def test_a_pupil_is_known_by_their_preferred_name_when_they_have_one() -> None:
    shiv = PupilDetails("B801200005001", "O'Connor", "Siobhán", date(2017, 5, 1), "Shiv")
    zoe = PupilDetails("B801200005001", "Wiśniewska", "Zoë", date(2016, 11, 30))
    assert shiv.known_as == "Shiv"
    assert shiv.display_name == "Shiv O'Connor"
    assert zoe.display_name == "Zoë Wiśniewska"
    pupil = Pupil(3, shiv)
    assert pupil.upn == "B801200005001"
    assert pupil.display_name == "Shiv O'Connor"


@pytest.mark.parametrize("name", ["jo", "j.smith", "mr-ng_2", "a" * 32, "0.9"])
def test_usernames_people_may_choose(name: str) -> None:
    assert validate_username(name) is None


@pytest.mark.parametrize("name", ["j", "a" * 33, "J.Smith", "j smith", "jo!", "zoë", "", "jo\n"])
def test_usernames_that_are_refused(name: str) -> None:
    assert validate_username(name) == USERNAME_RULE


def test_passwords_need_ten_characters() -> None:
    assert validate_password("a" * 10) is None
    assert validate_password("a" * 9) == "must be at least 10 characters long"


@pytest.mark.parametrize("password", [" leading space", "trailing space ", "\tcorrect horse"])
def test_passwords_must_not_begin_or_end_with_a_space(password: str) -> None:
    assert validate_password(password) == "must not begin or end with a space"


def test_passwords_must_not_hold_a_nul() -> None:
    assert validate_password("correct\0horse") == "must not contain control characters"


def test_a_password_with_inner_spaces_and_any_unicode_is_fine() -> None:
    assert validate_password("correct horse battery") is None
    assert validate_password("ñandú 🐎 staple") is None
