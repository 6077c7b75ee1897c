"""Who may come to hold an allegations file, after an outside break-it pass.

Each attacker holds only what that person holds: their own password and the key file, and raw
SQLCipher connections keyed with every key their slot unseals. They try through the program
(signing in, calling the services) and behind its back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import PermissionDenied, SafedeskError
from safedesk.domain.roles import Role
from safedesk.services import (
    allegations,
    integrity,
    membership,
    restricted_files,
    upkeep,
    users,
)
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore
from tests.security import attacker
from tests.security.conftest import ADMIN, DSL, HEAD, PASSWORDS, STAFF, build_school

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
        with pytest.raises(PermissionDenied, match="Only a headteacher who already holds"):
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


# --- 2. losing the only member ---------------------------------------------------------------


def _only_head_school(root: Path) -> SchoolStore:
    """The security school, its second head disabled: the first head is the only member."""
    school = build_school(root)
    head = school.sign_in()
    try:
        allegations.record_allegation(head, _about(XAVIER, f"Test {XAVIER}"))
    finally:
        head.lock()
    administrator = school.sign_in(ADMIN, PASSWORDS[ADMIN])
    try:
        assert users.last_holder_warning(administrator, HEAD) is None  # two heads hold it
        users.disable_user(administrator, HEAD)
    finally:
        administrator.lock()
    head = school.sign_in()
    try:
        upkeep.after_sign_in(head)  # the rotation the disabling asked for
    finally:
        head.lock()
    return school


def test_resetting_the_only_heads_password_is_warned_then_a_new_file_is_made(
    tmp_path: Path,
) -> None:
    school = _only_head_school(tmp_path / "data")
    administrator = school.sign_in(ADMIN, PASSWORDS[ADMIN])
    try:
        warning = users.last_holder_warning(administrator, HEAD_USER)
        assert warning is not None and "only headteacher" in warning
        assert ALLEGED not in warning
        users.reset_password(administrator, HEAD_USER, "one-time for the head 1", FAST_KDF)
    finally:
        administrator.lock()
    # The head, back, chooses their own password; a DSL grants the head's role in person.
    dsl = school.sign_in(DSL, PASSWORDS[DSL])
    try:
        membership.grant(
            dsl,
            HEAD_USER,
            Role.HEAD,
            "one-time for the head 1",
            new_password="the head's own again 2",
            kdf=FAST_KDF,
        )
    finally:
        dsl.lock()
    head = school.sign_in(HEAD_USER, "the head's own again 2")
    try:
        assert Compartment.ALLEGATIONS not in head.compartments
        with pytest.raises(PermissionDenied, match="Only a headteacher who already holds"):
            allegations.list_allegations(head)
        upkeep.after_sign_in(head)
        assert Compartment.ALLEGATIONS in head.compartments  # a new, empty file
        assert allegations.list_allegations(head) == []
        allegations.record_allegation(head, _about(DSL, "Dee Lead", "A new one 2288"))
        kept = restricted_files.kept_aside(head, Compartment.ALLEGATIONS)
        assert len(kept) == 1 and "allegations-unopened-" in kept[0]
        report = integrity.verify(head)
        assert report.ok, report.problems
        assert report.notes == tuple(kept)
    finally:
        head.lock()
    aside = list(school.paths.root.glob("allegations-unopened-*.db"))
    assert len(aside) == 1 and aside[0].stat().st_size > 0  # kept, never overwritten
    # Nobody now holding a key opens the old file: not the head, not the administrator.
    for name, password in ((HEAD_USER, "the head's own again 2"), (ADMIN, PASSWORDS[ADMIN])):
        person = attacker.loot(school.paths.keys.read_bytes(), name, password)
        assert attacker.opening_key(aside[0], person.file_keys) is None
        assert not attacker.everything_readable(school.paths.root, person).any(ALLEGED)
    # A later sign-in makes nothing more.
    head = school.sign_in(HEAD_USER, "the head's own again 2")
    try:
        upkeep.after_sign_in(head)
        assert [a.alleged for a in allegations.list_allegations(head)] == ["A new one 2288"]
    finally:
        head.lock()
    assert len(list(school.paths.root.glob("allegations-unopened-*.db"))) == 1


def test_disabling_the_only_head_is_warned(tmp_path: Path) -> None:
    school = _only_head_school(tmp_path / "data")
    administrator = school.sign_in(ADMIN, PASSWORDS[ADMIN])
    try:
        warning = users.last_holder_warning(administrator, HEAD_USER)
        assert warning is not None and "nobody can ever open" in warning
        assert users.last_holder_warning(administrator, DSL) is None
    finally:
        administrator.lock()


# --- 3. the administrator founding the chair's file -----------------------------------------


def test_only_one_chair_is_given_the_role_without_a_grant(tmp_path: Path) -> None:
    school = build_school(tmp_path / "data")
    administrator = school.sign_in(ADMIN, PASSWORDS[ADMIN])
    try:
        for name in ("carys.chair", "mallory.chair"):
            users.add_user(
                administrator,
                username=name,
                display_name=name,
                roles={Role.CHAIR_OF_GOVERNORS},
                password=f"one-time for {name} 1",
                kdf=FAST_KDF,
            )
    finally:
        administrator.lock()
    # The administrator, who knows the second account's one-time password, signs in as it
    # first and chooses a password: the role was only asked for, so no file is made.
    mallory = school.sign_in("mallory.chair", "one-time for mallory.chair 1")
    try:
        assert Role.CHAIR_OF_GOVERNORS not in mallory.user.roles
        users.change_own_password(
            mallory, "one-time for mallory.chair 1", "mallory's own 12345", FAST_KDF
        )
    finally:
        mallory.lock()
    assert not (school.paths.root / "allegations_head.db").exists()
    carys = school.sign_in("carys.chair", "one-time for carys.chair 1")
    try:
        users.change_own_password(carys, "one-time for carys.chair 1", CHAIR_OWN, FAST_KDF)
        assert Compartment.ALLEGATIONS_HEAD in carys.compartments
    finally:
        carys.lock()
    person = attacker.loot(school.paths.keys.read_bytes(), "mallory.chair", "mallory's own 12345")
    assert attacker.opening_key(school.paths.root / "allegations_head.db", person.file_keys) is None


# --- 4. keys.json deciding whether the chair's file exists ----------------------------------

CHAIR_OWN = "carys's own password 8"
ABOUT_HEAD = "The headteacher shouted and swore at a pupil 5093"


def test_a_key_file_edit_never_makes_the_chairs_file_anew(tmp_path: Path) -> None:
    from tests.conftest import add_account

    school = build_school(tmp_path / "data")
    head = school.sign_in()
    try:
        add_account(head, "carys.chair", {Role.CHAIR_OF_GOVERNORS}, CHAIR_OWN)
    finally:
        head.lock()
    chair = school.sign_in("carys.chair", CHAIR_OWN)
    try:
        allegations.record_allegation(
            chair, _about(HEAD_USER, "The head", ABOUT_HEAD), about_head=True
        )
    finally:
        chair.lock()
    # Any user of the PC: the key file forgets the chair's file, and the file is moved away.
    data = json.loads(school.paths.keys.read_text())
    del data["epochs"]["allegations_head"]
    school.paths.keys.write_text(json.dumps(data))
    moved = tmp_path / "moved.db"
    (school.paths.root / "allegations_head.db").rename(moved)
    # The administrator adds a chair of their own and uses it first.
    administrator = school.sign_in(ADMIN, PASSWORDS[ADMIN])
    try:
        users.add_user(
            administrator,
            username="mallory.chair",
            display_name="Mallory",
            roles={Role.CHAIR_OF_GOVERNORS},
            password="one-time for mallory 1",
            kdf=FAST_KDF,
        )
    finally:
        administrator.lock()
    mallory = school.sign_in("mallory.chair", "one-time for mallory 1")
    try:
        assert Role.CHAIR_OF_GOVERNORS not in mallory.user.roles  # asked for, not given
        users.change_own_password(mallory, "one-time for mallory 1", "mallory's 12345", FAST_KDF)
        upkeep.after_sign_in(mallory)
    finally:
        mallory.lock()
    assert not (school.paths.root / "allegations_head.db").exists()
    # The real chair still signs in, and is told plainly.
    chair = school.sign_in("carys.chair", CHAIR_OWN)
    try:
        report = upkeep.after_sign_in(chair)
        assert any("missing" in p and "backup" in p for p in report.problems)
        assert not (school.paths.root / "allegations_head.db").exists()  # nothing made anew
        with pytest.raises(PermissionDenied, match="Restore the safedesk folder"):
            allegations.list_allegations(chair, about_head=True)
        report = integrity.verify(chair)
        assert not report.ok
        assert any("allegations_head.db" in p and "missing" in p for p in report.problems)
    finally:
        chair.lock()


def test_an_orphaning_written_behind_the_programs_back_sets_nothing_aside(
    tmp_path: Path,
) -> None:
    """A member of staff, with the school file's key from their own slot, appends a well-chained
    'compartment.orphaned' row; a head who does not hold the file then signs in."""
    from safedesk.domain.clock import SystemClock
    from safedesk.store import audit

    school = build_school(tmp_path / "data")
    head = school.sign_in()
    try:
        allegations.record_allegation(head, _about(DSL, "Dee Lead"))
    finally:
        head.lock()
    dsl = school.sign_in(DSL, PASSWORDS[DSL])
    try:  # a head granted by a DSL: the pupils' files, never the allegations file
        membership.grant(
            dsl, XAVIER, Role.HEAD, PASSWORDS[XAVIER], new_password=XAVIER_NEW, kdf=FAST_KDF
        )
    finally:
        dsl.lock()
    staff = attacker.loot(school.paths.keys.read_bytes(), STAFF, XAVIER_NEW)
    with attacker.raw_write(
        school.paths.root / "school.db", attacker.school_key(staff, school.paths.root)
    ) as conn:
        audit.append(
            conn,  # type: ignore[arg-type]
            at=SystemClock().now(),
            actor=ADMIN,
            action="compartment.orphaned",
            object_type="compartment",
            object_id="allegations",
            detail={"last_holder": HEAD_USER},
        )
    xavier = school.sign_in(XAVIER, XAVIER_NEW)
    try:
        upkeep.after_sign_in(xavier)
        assert Compartment.ALLEGATIONS not in xavier.compartments
    finally:
        xavier.lock()
    assert not list(school.paths.root.glob("allegations-unopened-*"))
    head = school.sign_in()
    try:
        assert [a.alleged for a in allegations.list_allegations(head)] == [ALLEGED]
    finally:
        head.lock()
