"""Who may come to hold an allegations file, after an outside break-it pass.

Each attacker holds only what that person holds: their own password and the key file, and raw
SQLCipher connections keyed with every key their slot unseals. They try through the program
(signing in, calling the services) and behind its back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import PermissionDenied, SafedeskError
from safedesk.domain.roles import Role
from safedesk.services import allegations, membership, upkeep, users
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore
from tests.security import attacker
from tests.security.conftest import ADMIN, DSL, PASSWORDS, STAFF, build_school

ALLEGED = "Took a pupil home in his own car, alone 4417"
XAVIER = STAFF  # the member of staff the allegation is about
XAVIER_NEW = "xavier's own new password 9"


def _about(username: str | None, name: str, what: str = ALLEGED) -> dict[str, str]:
    payload = {
        "subject_name": name,
        "subject_role": "Year 5 teacher",
        "happened_at": factories.earlier(2),
        "alleged": what,
        "raised_by": "A parent",
    }
    if username is not None:
        payload["subject_username"] = username
    return payload


def _opens_allegations(school: SchoolStore, name: str, password: str) -> bool:
    person = attacker.loot(school.paths.keys.read_bytes(), name, password)
    assert person.account is not None, "their own password opens their own slot"
    db = school.paths.root / "allegations.db"
    if attacker.opening_key(db, person.file_keys) is not None:
        return True
    return attacker.everything_readable(school.paths.root, person).any(ALLEGED)


# --- 1. the subject of an allegation made head ---------------------------------------------


@pytest.mark.parametrize("by_account", [True, False], ids=["by account", "by name only"])
def test_the_subject_of_an_allegation_made_head_never_reads_it(
    tmp_path: Path, by_account: bool
) -> None:
    school = build_school(tmp_path / "data")
    head = school.sign_in()
    try:
        allegations.record_allegation(
            head, _about(XAVIER if by_account else None, f"Test {XAVIER}")
        )
        membership.grant(
            head, XAVIER, Role.HEAD, PASSWORDS[XAVIER], new_password=XAVIER_NEW, kdf=FAST_KDF
        )
        told = head.warning
    finally:
        head.lock()
    assert told is not None and "an allegation about them is in that file" in told
    assert ALLEGED not in told and "Year 5" not in told
    xavier = school.sign_in(XAVIER, XAVIER_NEW)
    try:
        assert Role.HEAD in xavier.user.roles
        assert Compartment.SAFEGUARDING in xavier.compartments  # the pupils' files: given
        assert Compartment.ALLEGATIONS not in xavier.compartments
        upkeep.after_sign_in(xavier)  # founds nothing: the file exists
        with pytest.raises(PermissionDenied):
            allegations.list_allegations(xavier)
    finally:
        xavier.lock()
    assert not _opens_allegations(school, XAVIER, XAVIER_NEW)
    # The head's own password change rotates the file: resealed to its members only.
    head = school.sign_in()
    try:
        users.change_own_password(head, HEAD_PASSWORD, "the head's next password 1", FAST_KDF)
    finally:
        head.lock()
    head = school.sign_in(HEAD_USER, "the head's next password 1")
    try:
        upkeep.after_sign_in(head)
        assert [a.alleged for a in allegations.list_allegations(head)] == [ALLEGED]
    finally:
        head.lock()
    assert not _opens_allegations(school, XAVIER, XAVIER_NEW)
    # The school file shows nothing about it.
    admin = attacker.loot(school.paths.keys.read_bytes(), ADMIN, PASSWORDS[ADMIN])
    assert not attacker.everything_readable(school.paths.root, admin).any("withheld")


def test_a_head_not_the_subject_still_gets_the_allegations_file(tmp_path: Path) -> None:
    """Guard: the check withholds the file only from the person it is about."""
    school = build_school(tmp_path / "data")
    head = school.sign_in()
    try:
        allegations.record_allegation(head, _about(DSL, "Dee Lead"))
        membership.grant(
            head, XAVIER, Role.HEAD, PASSWORDS[XAVIER], new_password=XAVIER_NEW, kdf=FAST_KDF
        )
        assert head.warning is None
    finally:
        head.lock()
    assert _opens_allegations(school, XAVIER, XAVIER_NEW)


def test_the_chair_role_is_refused_to_the_subject_of_an_allegation_in_the_chairs_file(
    tmp_path: Path,
) -> None:
    from tests.conftest import add_account

    school = build_school(tmp_path / "data")
    head = school.sign_in()
    try:
        add_account(head, "carys.chair", {Role.CHAIR_OF_GOVERNORS}, "carys's own password 8")
    finally:
        head.lock()
    chair = school.sign_in("carys.chair", "carys's own password 8")
    try:
        allegations.record_allegation(
            chair, _about(HEAD_USER, "The head", "Shouted at a pupil 5093"), about_head=True
        )
        allegations.record_allegation(
            chair, _about(None, f"Test {DSL}", "Swore at a pupil 5094"), about_head=True
        )
        with pytest.raises(SafedeskError, match="an allegation about them"):
            membership.grant(
                chair,
                DSL,
                Role.CHAIR_OF_GOVERNORS,
                PASSWORDS[DSL],
                new_password="dee's next password 5",
                kdf=FAST_KDF,
            )
    finally:
        chair.lock()
    dsl = school.sign_in(DSL, PASSWORDS[DSL])  # nothing changed: their password still works
    try:
        assert Role.CHAIR_OF_GOVERNORS not in dsl.user.roles
    finally:
        dsl.lock()
