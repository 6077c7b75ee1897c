"""Creating and unlocking a school's store: passwords, back-off, disabled accounts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import (
    AccountDisabled,
    AuthenticationError,
    PermissionDenied,
    SafedeskError,
    SignInBackoff,
    ValidationError,
)
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import membership, signin_backoff, users, vault
from safedesk.services.session import Session
from safedesk.store import audit
from safedesk.store.crypto import FAST_KDF
from safedesk.store.db import StoreDamaged
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore


def test_first_user_is_head_and_admin(head_session: Session) -> None:
    assert head_session.user.roles == {Role.HEAD, Role.ADMIN}


def test_wrong_password_is_refused_with_a_plain_message(school: SchoolStore) -> None:
    with pytest.raises(AuthenticationError, match=r"^Wrong username or password\.$"):
        vault.sign_in(school.paths, "head", "not the password")


def test_failures_back_off_and_are_audited_at_next_sign_in(school: SchoolStore) -> None:
    for _ in range(signin_backoff.FREE_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            vault.sign_in(school.paths, "head", "wrong password")
    with pytest.raises(SignInBackoff, match="Please wait"):
        vault.sign_in(school.paths, "head", HEAD_PASSWORD)
    assert b"head" not in school.paths.signin_failures.read_bytes()
    # Time passes: let the back-off expire, then the right password works.
    log = signin_backoff.load(school.paths.signin_failures)
    log.last_at = "2000-01-01T00:00:00.000000+00:00"
    signin_backoff.save(log, school.paths.signin_failures)
    session = school.sign_in()
    with session.store.read() as conn:
        failed = audit.events_with_action(conn, "signin.failed")
    session.close()
    assert [e.detail["account"] for e in failed] == ["head"] * signin_backoff.FREE_ATTEMPTS
    assert not school.paths.signin_failures.exists()


def test_back_off_survives_a_damaged_counter_file(school: SchoolStore) -> None:
    school.paths.signin_failures.write_text("{ not json")
    log = signin_backoff.load(school.paths.signin_failures)
    assert log.consecutive == signin_backoff.FREE_ATTEMPTS


def test_disabled_account_cannot_sign_in(school: SchoolStore, head_session: Session) -> None:
    users.add_user(
        head_session,
        username="j.smith",
        display_name="Jo Smith",
        roles={Role.STAFF},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    users.disable_user(head_session, "j.smith")
    with pytest.raises(AccountDisabled, match="disabled"):
        vault.sign_in(school.paths, "j.smith", OTHER_PASSWORD)
    assert b"j.smith" not in school.paths.keys.read_bytes()


def test_create_refuses_an_existing_store(school: SchoolStore) -> None:
    with pytest.raises(SafedeskError, match="already a safedesk store"):
        vault.create_school(
            school.paths,
            school_name="X",
            username="other",
            display_name="Other",
            password=OTHER_PASSWORD,
            kdf=FAST_KDF,
        )


def test_create_names_every_bad_field(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        vault.create_school(
            DataPaths(tmp_path),
            school_name=" ",
            username="Bad Name!",
            display_name="",
            password="short",
            kdf=FAST_KDF,
        )
    assert set(caught.value.problems) == {"school", "username", "display name", "password"}
    assert list(tmp_path.iterdir()) == []


def test_keyring_of_another_school_is_refused(tmp_path: Path, school: SchoolStore) -> None:
    other = DataPaths(tmp_path / "other")
    vault.create_school(
        other,
        school_name="Other School",
        username="head",
        display_name="Other Head",
        password=HEAD_PASSWORD,
        kdf=FAST_KDF,
    )
    shutil.copy(other.keys, school.paths.keys)
    with pytest.raises(StoreDamaged, match="belongs to another safedesk"):
        vault.sign_in(school.paths, "head", HEAD_PASSWORD)


def test_hand_edited_keyring_is_refused_clearly(school: SchoolStore) -> None:
    raw = json.loads(school.paths.keys.read_text())
    raw["accounts"][0]["salt"] = "not base64!"
    school.paths.keys.write_text(json.dumps(raw))
    with pytest.raises(StoreDamaged, match="key file"):
        vault.sign_in(school.paths, "head", HEAD_PASSWORD)


def test_recovery_key_resets_a_forgotten_password(school: SchoolStore) -> None:
    vault.reset_with_recovery_key(
        school.paths, school.recovery_key, "head", "a brand new password", FAST_KDF
    )
    with pytest.raises(AuthenticationError):
        vault.sign_in(school.paths, "head", HEAD_PASSWORD)
    session = vault.sign_in(school.paths, "head", "a brand new password")
    with session.store.read() as conn:
        assert audit.events_with_action(conn, "password.reset_with_recovery_key")
    session.close()


def test_wrong_recovery_key_is_refused(school: SchoolStore) -> None:
    with pytest.raises(AuthenticationError, match="recovery key is not right"):
        vault.reset_with_recovery_key(
            school.paths, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", "head", "a brand new password", FAST_KDF
        )


def test_lock_closes_every_file_and_wipes_every_key(head_session: Session) -> None:
    held = [head_session.store._key] + [s._key for s in head_session.compartments.values()]
    assert len(held) == 3
    assert head_session.account is not None
    kek = head_session.account.kek
    head_session.lock()
    assert head_session.locked
    assert all(bytes(key) == bytes(32) for key in held)
    assert bytes(kek) == bytes(len(kek))
    assert head_session.keys == {}
    with pytest.raises(SafedeskError, match="locked"):
        head_session.store.connection()


def test_init_makes_three_files_and_a_key_file_naming_nobody(school: SchoolStore) -> None:
    names = sorted(p.name for p in school.paths.root.iterdir() if p.is_file())
    assert [n for n in names if n.endswith(".db")] == [
        "behaviour.db",
        "safeguarding.db",
        "school.db",
    ]
    raw = school.paths.keys.read_bytes()
    assert b"head" not in raw and b"Ngozi" not in raw
    assert b'"recovery": {' in raw


def test_a_head_who_is_not_the_administrator_makes_the_keys_with_their_own_password(
    tmp_path: Path,
) -> None:
    paths = DataPaths(tmp_path / "data")
    made = vault.create_school(
        paths,
        school_name="St Mary's",
        username="office",
        display_name="Mrs Office",
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
        headteacher=vault.Headteacher("head", "Mr Head", "one time password"),
    )
    assert made.recovery_key is None
    assert not paths.database("safeguarding").exists()
    office = vault.sign_in(paths, "office", OTHER_PASSWORD)
    try:
        assert office.user.roles == {Role.ADMIN}
        assert office.compartments == {} and office.new_recovery_code is None
        with pytest.raises(SafedeskError, match="headteacher has not signed in"):
            users.add_user(
                office,
                username="t.a",
                display_name="TA",
                roles={Role.STAFF},
                password="ta long password",
                kdf=FAST_KDF,
            )
    finally:
        office.close()
    # The administrator chose the one-time password: no keys are made under it.
    head = vault.sign_in(paths, "head", "one time password")
    try:
        assert head.compartments == {} and head.new_recovery_code is None
        users.change_own_password(head, "one time password", "the head's own one", FAST_KDF)
        assert head.new_recovery_code is not None
        assert set(head.compartments) == {Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}
    finally:
        head.close()
    head = vault.sign_in(paths, "head", "the head's own one")
    office = vault.sign_in(paths, "office", OTHER_PASSWORD)
    try:
        assert head.new_recovery_code is None  # shown once, when it was made
        assert office.compartments == {}  # the administrator still holds no reading key
        with pytest.raises(PermissionDenied, match="not been confirmed"):
            users.add_user(
                office,
                username="t.a",
                display_name="TA",
                roles={Role.STAFF},
                password="ta long password",
                kdf=FAST_KDF,
            )
        membership.confirm(head, "office", OTHER_PASSWORD)  # in person
        office.close()
        office = vault.sign_in(paths, "office", OTHER_PASSWORD)
        users.add_user(
            office,
            username="t.a",
            display_name="TA",
            roles={Role.STAFF},
            password="ta long password",
            kdf=FAST_KDF,
        )
    finally:
        office.close()
        head.close()
    staff = vault.sign_in(paths, "t.a", "ta long password")
    try:  # trusts the genuine keys from the start: what it records, the DSL reads
        assert staff.account is not None
        assert set(staff.account.secrets.pins) == {"safeguarding", "behaviour", "recovery"}
    finally:
        staff.close()


def test_a_store_of_the_one_file_version_is_refused_by_name(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    paths.legacy_database.write_bytes(b"\x00" * 4096)
    (tmp_path / "keyring.json").write_text("{}")
    with pytest.raises(SafedeskError, match=r"made by safedesk 0\.1") as caught:
        vault.sign_in(paths, "head", HEAD_PASSWORD)
    assert "Nothing has been changed" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keyring.json", "safedesk.db"]


def test_no_key_is_printed_by_a_session_or_its_key_objects(head_session: Session) -> None:
    assert head_session.account is not None
    secrets = head_session.account.secrets
    shown = " ".join(
        repr(thing)
        for thing in (head_session, head_session.account, secrets, *head_session.keys.values())
    )
    held = [secrets.box.private, secrets.sign.private, secrets.mailbox]
    held += [k.file_key for k in head_session.keys.values()]
    held += [k.box.private for k in head_session.keys.values()]
    held.append(bytes(head_session.account.kek))
    for key in held:
        assert repr(key) not in shown and key.hex() not in shown
