"""Creating and unlocking a school's store: passwords, back-off, disabled accounts."""

from __future__ import annotations

import json
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import (
    AuthenticationError,
    PermissionDenied,
    SafedeskError,
    SignInBackoff,
    ValidationError,
)
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import integrity, membership, signin_backoff, users, vault
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


def _let_time_pass(school: SchoolStore) -> None:
    """Every count's last failure long ago: the back-off has expired."""
    log = signin_backoff.load(school.paths.signin_failures)
    for count in log.counts.values():
        count.last_at = "2000-01-01T00:00:00.000000+00:00"
    signin_backoff.save(log, school.paths.signin_failures)


def test_failures_back_off_and_are_audited_at_next_sign_in(school: SchoolStore) -> None:
    for _ in range(signin_backoff.FREE_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            vault.sign_in(school.paths, "head", "wrong password")
    with pytest.raises(SignInBackoff, match="Please wait"):
        vault.sign_in(school.paths, "head", HEAD_PASSWORD)
    assert b"head" not in school.paths.signin_failures.read_bytes()
    _let_time_pass(school)
    session = school.sign_in()
    with session.store.read() as conn:
        failed = audit.events_with_action(conn, "signin.failed")
    session.close()
    assert [e.detail["account"] for e in failed] == ["head"] * signin_backoff.FREE_ATTEMPTS
    assert signin_backoff.load(school.paths.signin_failures).pending == []
    # Audited once: the next sign-in finds nothing more to write.
    session = school.sign_in()
    with session.store.read() as conn:
        assert len(audit.events_with_action(conn, "signin.failed")) == signin_backoff.FREE_ATTEMPTS
    session.close()


def test_back_off_is_per_account_and_kept_when_someone_else_signs_in(
    school: SchoolStore, head_session: Session
) -> None:
    users.add_user(
        head_session,
        username="j.smith",
        display_name="Jo Smith",
        roles={Role.STAFF},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    head_session.lock()
    for _ in range(signin_backoff.FREE_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            vault.sign_in(school.paths, "head", "a guess at the head's")
    # Jo is not held up by the guesses at the head's password...
    vault.sign_in(school.paths, "j.smith", OTHER_PASSWORD).lock()
    # ...and Jo signing in does not let the guessing go on.
    with pytest.raises(SignInBackoff):
        vault.sign_in(school.paths, "head", "another guess")


def test_a_failure_that_cannot_be_counted_is_still_a_wrong_password(
    school: SchoolStore,
) -> None:
    """A full disk or a read-only folder: the count cannot be written, the answer is the same
    (never an OSError)."""
    school.paths.signin_failures.mkdir()  # the count's file cannot be written
    with pytest.raises(AuthenticationError, match=r"^Wrong username or password\.$"):
        vault.sign_in(school.paths, "head", "not the password")


def test_back_off_survives_a_damaged_counter_file(school: SchoolStore) -> None:
    school.paths.signin_failures.write_text("{ not json")
    log = signin_backoff.load(school.paths.signin_failures)
    assert log.count("anyone").consecutive == signin_backoff.FREE_ATTEMPTS


def test_disabled_and_unknown_accounts_get_the_wrong_password_answer(
    school: SchoolStore, head_session: Session
) -> None:
    users.add_user(
        head_session,
        username="j.smith",
        display_name="Jo Smith",
        roles={Role.STAFF},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    users.disable_user(head_session, "j.smith")
    answers = []
    for name, password in (("j.smith", OTHER_PASSWORD), ("nobody", OTHER_PASSWORD)):
        with pytest.raises(AuthenticationError) as caught:
            vault.sign_in(school.paths, name, password)
        answers.append(str(caught.value))
    assert answers == ["Wrong username or password."] * 2
    assert b"j.smith" not in school.paths.keys.read_bytes()


def test_wrong_recovery_keys_back_off_and_are_audited(school: SchoolStore) -> None:
    for _ in range(signin_backoff.FREE_ATTEMPTS):
        with pytest.raises(AuthenticationError, match="recovery key is not right"):
            vault.reset_with_recovery_key(
                school.paths, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", "head", "a new long one", FAST_KDF
            )
    with pytest.raises(SignInBackoff):
        vault.reset_with_recovery_key(
            school.paths, school.recovery_key, "head", "a brand new password", FAST_KDF
        )
    _let_time_pass(school)
    session = school.sign_in()
    with session.store.read() as conn:
        failed = audit.events_with_action(conn, "signin.failed")
    session.close()
    assert [(e.detail["account"], e.detail["door"]) for e in failed] == [
        ("recovery key", "recovery")
    ] * signin_backoff.FREE_ATTEMPTS


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
    assert len(held) == 4  # school, safeguarding, behaviour, allegations
    assert head_session.account is not None
    kek = head_session.account.kek
    head_session.lock()
    assert head_session.locked
    assert all(bytes(key) == bytes(32) for key in held)
    assert bytes(kek) == bytes(len(kek))
    assert head_session.keys == {}
    with pytest.raises(SafedeskError, match="locked"):
        head_session.store.connection()


def test_init_makes_four_files_and_a_key_file_naming_nobody(school: SchoolStore) -> None:
    names = sorted(p.name for p in school.paths.root.iterdir() if p.is_file())
    assert [n for n in names if n.endswith(".db")] == [
        "allegations.db",
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
        assert (head.compartments, head.new_recovery_code) == ({}, None)  # (not narrowed)
        users.change_own_password(head, "one time password", "the head's own one", FAST_KDF)
        assert head.new_recovery_code is not None
        assert set(head.compartments) == {
            Compartment.SAFEGUARDING,
            Compartment.BEHAVIOUR,
            Compartment.ALLEGATIONS,
        }
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
        # The head's allegations file too: a concern about an adult is sealed to the head.
        assert set(staff.account.secrets.pins) == {
            "safeguarding",
            "behaviour",
            "allegations",
            "recovery",
        }
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


def _separate_head(tmp_path: Path) -> DataPaths:
    paths = DataPaths(tmp_path / "data")
    vault.create_school(
        paths,
        school_name="St Mary's",
        username="office",
        display_name="Mrs Office",
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
        headteacher=vault.Headteacher("head", "Mr Head", "one time password"),
    )
    return paths


def test_a_pending_slot_that_claims_its_password_is_the_holders_own_is_not_believed(
    tmp_path: Path,
) -> None:
    """Found by the attack suite: the administrator, who set the head's one-time password,
    rewrote the head's pending slot to say the password was the head's own."""
    from safedesk.store import keyfile
    from safedesk.store.key_material import open_slot, rewrap

    paths = _separate_head(tmp_path)
    key_file = keyfile.load(paths.keys)
    slot = open_slot(key_file, key_file.account("head"), "one time password")
    slot.secrets.origin = "own"
    keyfile.update(paths.keys, lambda kf: kf.with_account(rewrap(kf, slot).slot))
    head = vault.sign_in(paths, "head", "one time password")
    try:
        assert head.password_from_administrator  # so the app asks them to choose their own
        assert head.compartments == {} and head.new_recovery_code is None
    finally:
        head.close()
    assert not paths.database("safeguarding").exists()


def test_a_head_leaving_a_given_password_is_told_who_saw_the_recovery_code(
    tmp_path: Path,
) -> None:
    paths = _separate_head(tmp_path)
    head = vault.sign_in(paths, "head", "one time password")
    users.change_own_password(head, "one time password", "the head's own one", FAST_KDF)
    assert head.new_recovery_code is not None and head.warning is None
    head.close()
    head = vault.sign_in(paths, "head", "the head's own one")
    try:
        membership.confirm(head, "office", OTHER_PASSWORD)
    finally:
        head.close()
    office = vault.sign_in(paths, "office", OTHER_PASSWORD)
    try:
        users.reset_password(office, "head", "another one time", FAST_KDF)  # forgot theirs
    finally:
        office.close()
    head = vault.sign_in(paths, "head", "another one time")
    try:
        users.change_own_password(head, "another one time", "the head's second own", FAST_KDF)
        assert head.new_recovery_code is None
        assert head.warning is not None
        assert "If you do not hold that" in head.warning and "set safedesk up again" in head.warning
        # One name for it on screen and paper (the recovery key), and a date as everywhere.
        assert "recovery key" in head.warning and "code" not in head.warning
        assert re.search(r"shown once, on \d\d/\d\d/\d{4} at \d\d:\d\d, to", head.warning)
    finally:
        head.close()


def test_a_store_set_up_with_a_separate_head_verifies_before_and_after_the_head_arrives(
    tmp_path: Path,
) -> None:
    """Found while checking confirmations: set up by an office administrator, the school file
    had no record of its own structure, so `verify` failed on every such store."""
    paths = _separate_head(tmp_path)
    office = vault.sign_in(paths, "office", OTHER_PASSWORD)
    try:
        report = integrity.verify(office)
        assert report.ok, report.problems
    finally:
        office.close()
    head = vault.sign_in(paths, "head", "one time password")
    try:
        users.change_own_password(head, "one time password", "the head's own one", FAST_KDF)
        report = integrity.verify(head)
        assert report.ok, report.problems
    finally:
        head.close()


def test_guesses_started_together_do_not_all_pass_the_back_off(school: SchoolStore) -> None:
    """Found by the break-it pass: the count was read before the slow derivation and written
    after it, so guesses started at once were all tried. Each attempt is now counted before
    the derivation, under a lock: once the free attempts are used, one guess at a time."""
    import threading

    from safedesk.domain.errors import SignInBackoff

    for _ in range(signin_backoff.FREE_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            vault.sign_in(school.paths, "head", "not the password")
    time.sleep(1.1)  # the first wait (1 s) is over: exactly one more guess may go
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def guess() -> None:
        start.wait()
        try:
            vault.sign_in(school.paths, "head", "still not the password")
        except SignInBackoff:
            outcomes.append("told to wait")
        except AuthenticationError:
            outcomes.append("tried")

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["told to wait"] * 7 + ["tried"]
    failures = signin_backoff.load(school.paths.signin_failures)
    assert sum(c.consecutive for c in failures.counts.values()) == signin_backoff.FREE_ATTEMPTS + 1


def test_the_account_holder_is_told_of_wrong_passwords_typed_for_them(
    school: SchoolStore,
) -> None:
    """Found by the new-user pass: the back-off worked, but the account's owner never heard
    that someone had been trying their password."""
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            vault.sign_in(school.paths, "head", "a guess at the password")
    head = vault.sign_in(school.paths, "head", HEAD_PASSWORD)
    try:
        assert head.warning is not None
        assert "wrong password for your account 2 times" in head.warning
    finally:
        head.close()
    again = vault.sign_in(school.paths, "head", HEAD_PASSWORD)
    try:
        assert again.warning is None
    finally:
        again.close()


def test_a_sign_in_under_way_elsewhere_is_not_reported_as_a_wrong_password(
    school: SchoolStore,
) -> None:
    """Found by the transfer race: the same person signing in from two processes at once was
    told that someone had typed a wrong password for them (the other attempt, counted before
    its key derivation, had not failed)."""
    under_way = signin_backoff.begin_attempt(
        school.paths.signin_failures, school_slot(school, "head"), datetime.now(UTC)
    )[1]
    head = vault.sign_in(school.paths, "head", HEAD_PASSWORD)
    try:
        assert head.warning is None
    finally:
        head.close()
    signin_backoff.failed(school.paths.signin_failures, under_way)  # it turned out wrong
    with pytest.raises(AuthenticationError):
        vault.sign_in(school.paths, "head", "a guess")
    again = vault.sign_in(school.paths, "head", HEAD_PASSWORD)
    try:
        assert again.warning is not None and "once" in again.warning, again.warning
    finally:
        again.close()


def school_slot(school: SchoolStore, name: str) -> str:
    from safedesk.store import keyfile

    return keyfile.load(school.paths.keys).slot_id(name)
