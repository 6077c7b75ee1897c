"""Grants in person, taking roles away, and the key rotations that make it real."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlcipher3

from safedesk.domain.compartments import READING, Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import AuthenticationError, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import membership, records, upkeep, users, vault
from safedesk.services.session import Session
from safedesk.store import access, audit, keyfile, members
from safedesk.store.crypto import FAST_KDF
from safedesk.store.key_material import open_keys, open_slot
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account


def _add(head: Session, username: str, role: Role) -> None:
    users.add_user(
        head,
        username=username,
        display_name=f"Name {username}",
        roles={role},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )


def _opens(path: Path, key: bytes) -> bool:
    conn = sqlcipher3.connect(str(path))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


def _file_keys_from(key_file_path: Path, username: str, password: str) -> dict[str, bytes]:
    """Every file key an old key file yields to this person's password, any epoch."""
    key_file = keyfile.load(key_file_path)
    try:
        account = open_slot(key_file, key_file.account(username), password)
    except AuthenticationError:
        return {}
    found = {}
    for sealed in key_file.sealed:
        keys = open_keys(key_file, sealed.compartment, sealed.epoch, account.secrets.box_privates)
        if keys is not None:
            found[f"{sealed.compartment}@{sealed.epoch}"] = keys.file_key
    return found


def _live_files(school: SchoolStore) -> list[Path]:
    # A DSL's files (the allegations files are the head's and the chair's: their own tests).
    return [school.paths.database(c.value) for c in (Compartment.SCHOOL, *READING)]


def test_grant_gives_the_keys_the_role_needs(school: SchoolStore, head_session: Session) -> None:
    _add(head_session, "t.jones", Role.BEHAVIOUR_LEAD)
    membership.grant(
        head_session, "t.jones", Role.BEHAVIOUR_LEAD, OTHER_PASSWORD, new_password="tj own password"
    )
    session = school.sign_in("t.jones", "tj own password")
    try:
        assert set(session.compartments) == {Compartment.BEHAVIOUR}
        assert Role.BEHAVIOUR_LEAD in session.user.roles
    finally:
        session.close()
    with head_session.compartment(Compartment.BEHAVIOUR).read() as conn:
        assert members.find(conn, "t.jones") is not None
    with head_session.compartment(Compartment.SAFEGUARDING).read() as conn:
        assert members.find(conn, "t.jones") is None
    with head_session.store.read() as conn:
        assert access.requests(conn) == []


def test_grant_needs_the_grantees_own_password(head_session: Session) -> None:
    _add(head_session, "t.jones", Role.DSL)
    with pytest.raises(AuthenticationError, match=r"not Name t\.jones's password"):
        membership.grant(head_session, "t.jones", Role.DSL, "a guessed password")
    with head_session.compartment(Compartment.SAFEGUARDING).read() as conn:
        assert members.find(conn, "t.jones") is None


def test_only_a_member_grants_a_reading_role(school: SchoolStore, head_session: Session) -> None:
    add_account(head_session, "office2", {Role.ADMIN})
    membership.confirm(head_session, "office2", OTHER_PASSWORD)  # in person, so it may add
    _add(head_session, "t.jones", Role.DSL)
    office = school.sign_in("office2", OTHER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            membership.grant(office, "t.jones", Role.DSL, OTHER_PASSWORD)
        # An administrator cannot reach a reading role for a second account of their own.
        users.add_user(
            office,
            username="office3",
            display_name="Me again",
            roles={Role.DSL},
            password="my second account",
            kdf=FAST_KDF,
        )
        with pytest.raises(PermissionDenied):
            membership.grant(office, "office3", Role.DSL, "my second account")
    finally:
        office.close()
    add_account(head_session, "b.lead", {Role.BEHAVIOUR_LEAD})
    lead = school.sign_in("b.lead", OTHER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):  # behaviour only: not safeguarding
            membership.grant(lead, "t.jones", Role.DSL, OTHER_PASSWORD)
    finally:
        lead.close()


def test_nobody_grants_themselves(head_session: Session) -> None:
    with pytest.raises(PermissionDenied, match="Nobody grants themselves"):
        membership.grant(head_session, "head", Role.DSL, "whatever password")


def test_after_an_administrator_reset_the_holder_sets_their_own_first(
    school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "t.jones", {Role.DSL})
    users.reset_password(head_session, "t.jones", "one time password", FAST_KDF)
    with head_session.store.read() as conn:
        asked = access.requests(conn)
    assert [(r.username, r.role) for r in asked] == [("t.jones", Role.DSL)]
    assert "password reset by head" in asked[0].reason
    with pytest.raises(membership.OwnPasswordNeeded, match="chooses a new password now"):
        membership.grant(head_session, "t.jones", Role.DSL, "one time password")
    session = school.sign_in("t.jones", "one time password")
    assert session.compartments == {}
    users.change_own_password(session, "one time password", "my very own password", FAST_KDF)
    session.close()
    # A password changed on their own is no proof (whoever knew the old one could have done
    # it): the grant still makes new keys under one chosen there and then.
    with pytest.raises(membership.OwnPasswordNeeded):
        membership.grant(head_session, "t.jones", Role.DSL, "my very own password")
    membership.grant(
        head_session,
        "t.jones",
        Role.DSL,
        "my very own password",
        new_password="chosen at the grant",
        kdf=FAST_KDF,
    )
    again = school.sign_in("t.jones", "chosen at the grant")
    try:
        assert set(again.compartments) == {Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}
    finally:
        again.close()


def test_an_origin_written_into_the_slot_does_not_skip_the_new_password(
    school: SchoolStore, head_session: Session
) -> None:
    """Found by the attack suite: the administrator, knowing the first password it chose,
    rewrote the slot to say the password was the holder's own."""
    from safedesk.store.key_material import rewrap

    _add(head_session, "t.jones", Role.DSL)
    key_file = keyfile.load(school.paths.keys)
    slot = open_slot(key_file, key_file.account("t.jones"), OTHER_PASSWORD)
    slot.secrets.origin = "own"
    keyfile.update(school.paths.keys, lambda kf: kf.with_account(rewrap(kf, slot).slot))
    with pytest.raises(membership.OwnPasswordNeeded):
        membership.grant(head_session, "t.jones", Role.DSL, OTHER_PASSWORD)
    with pytest.raises(ValidationError, match="differ"):
        membership.grant(
            head_session, "t.jones", Role.DSL, OTHER_PASSWORD, new_password=OTHER_PASSWORD
        )


@pytest.mark.parametrize("how", ["disable", "revoke", "own password change"])
def test_an_old_key_file_opens_nothing_afterwards(
    school: SchoolStore, head_session: Session, tmp_path: Path, how: str
) -> None:
    add_account(head_session, "t.jones", {Role.DSL})
    factories.add_pupils(head_session)
    records.record(head_session, Kind.CONCERN, factories.concern())
    kept = tmp_path / "kept-keys.json"
    shutil.copyfile(school.paths.keys, kept)
    before = _file_keys_from(kept, "t.jones", OTHER_PASSWORD)
    assert {k.split("@")[0] for k in before} == {"school", "safeguarding", "behaviour"}
    assert all(any(_opens(f, k) for k in before.values()) for f in _live_files(school))
    if how == "disable":
        users.disable_user(head_session, "t.jones")
    elif how == "revoke":
        membership.revoke(head_session, "t.jones", Role.DSL)
    else:
        session = school.sign_in("t.jones", OTHER_PASSWORD)
        users.change_own_password(session, OTHER_PASSWORD, "a brand new password", FAST_KDF)
        session.close()
    old_keys = _file_keys_from(kept, "t.jones", OTHER_PASSWORD)
    for path in _live_files(school):
        if how == "revoke" and path.name == "school.db":
            continue  # still on the staff: the school file is theirs to open
        assert not any(_opens(path, key) for key in old_keys.values()), path.name
    # ...and the live key file gives them nothing either, with the old password (but the
    # school file's keys to someone still on the staff).
    left = _file_keys_from(school.paths.keys, "t.jones", OTHER_PASSWORD)
    assert {k.split("@")[0] for k in left} == ({"school"} if how == "revoke" else set())


def test_a_rotation_an_administrator_cannot_do_waits_for_a_member(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    add_account(head_session, "t.jones", {Role.DSL})
    add_account(head_session, "office2", {Role.ADMIN})
    membership.confirm(head_session, "office2", OTHER_PASSWORD)
    kept = tmp_path / "kept-keys.json"
    shutil.copyfile(school.paths.keys, kept)
    office = school.sign_in("office2", OTHER_PASSWORD)
    try:
        users.disable_user(office, "t.jones")
        pending = {a.user.username: a.rotation_pending for a in users.list_accounts(office)}
    finally:
        office.close()
    assert pending["t.jones"] == ("behaviour", "safeguarding")
    old_keys = _file_keys_from(kept, "t.jones", OTHER_PASSWORD)
    assert not any(_opens(school.paths.database("school"), k) for k in old_keys.values())
    # Until a member signs in, the old keys still open the reading files: said, not hidden.
    sg = school.paths.database("safeguarding")
    assert any(_opens(sg, k) for k in old_keys.values())
    head_session.close()
    head = school.sign_in()
    try:
        assert head.rotation_due == {Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}
        report = upkeep.after_sign_in(head)
        assert set(report.rotated) == {Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}
        assert all(a.rotation_pending == () for a in users.list_accounts(head))
        with head.compartment(Compartment.SAFEGUARDING).read() as conn:
            assert members.find(conn, "t.jones") is None
            rotated = audit.events_with_action(conn, "keys.rotated")
        assert rotated
    finally:
        head.close()
    assert not any(_opens(sg, k) for k in old_keys.values())


def test_a_forged_rotation_request_does_not_remove_a_rightful_member(
    school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "t.jones", {Role.DSL})
    with head_session.store.write() as conn:  # anyone with the school key could write this
        access.ask_rotation(
            conn, "safeguarding", "t.jones", "forged", "mallory", head_session.clock.now()
        )
    head_session.close()
    head = school.sign_in()
    try:
        upkeep.after_sign_in(head)
    finally:
        head.close()
    session = school.sign_in("t.jones", OTHER_PASSWORD)
    try:
        assert Compartment.SAFEGUARDING in session.compartments
    finally:
        session.close()


def test_revoking_keeps_the_other_roles_compartments(
    school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "t.jones", {Role.DSL, Role.BEHAVIOUR_LEAD})
    membership.revoke(head_session, "t.jones", Role.DSL)
    session = school.sign_in("t.jones", OTHER_PASSWORD)
    try:
        assert set(session.compartments) == {Compartment.BEHAVIOUR}
    finally:
        session.close()


def test_the_recovery_key_resets_a_member_and_keeps_their_memberships(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    add_account(head_session, "t.jones", {Role.DSL})
    kept = tmp_path / "kept-keys.json"
    shutil.copyfile(school.paths.keys, kept)
    head_session.close()
    vault.reset_with_recovery_key(
        school.paths, school.recovery_key, "t.jones", "recovered password", FAST_KDF
    )
    session = school.sign_in("t.jones", "recovered password")
    try:
        assert set(session.compartments) == {Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}
    finally:
        session.close()
    old_keys = _file_keys_from(kept, "t.jones", OTHER_PASSWORD)
    for path in _live_files(school):
        assert not any(_opens(path, key) for key in old_keys.values()), path.name


def test_an_open_session_follows_a_rotation_made_by_another(
    school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "t.jones", {Role.DSL})
    factories.add_pupils(head_session)
    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    other = school.sign_in("t.jones", OTHER_PASSWORD)
    try:  # another window (or the CLI) changes every key the head's session is using
        users.change_own_password(other, OTHER_PASSWORD, "a brand new password", FAST_KDF)
    finally:
        other.close()
    assert records.open_record(head_session, ref).ref == ref
    assert [e.ref for e in records.pupil_records(head_session, factories.PUPIL_A)] == [ref]


def test_an_open_session_of_someone_disabled_reads_nothing_more(
    school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, "t.jones", {Role.DSL})
    factories.add_pupils(head_session)
    records.record(head_session, Kind.CONCERN, factories.concern())
    theirs = school.sign_in("t.jones", OTHER_PASSWORD)
    try:
        assert records.pupil_records(theirs, factories.PUPIL_A)
        users.disable_user(head_session, "t.jones")
        with pytest.raises(PermissionDenied, match="has ended"):
            records.pupil_records(theirs, factories.PUPIL_A)
    finally:
        theirs.close()


def test_a_password_the_administrator_chose_opens_no_reading_key(
    school: SchoolStore, head_session: Session, tmp_path: Path
) -> None:
    """Found by an outside test: an administrator who chose a new DSL's first password could
    open the keys granted to it. The holder chooses their own first, or in person at the grant,
    and gets key pairs the administrator never saw."""
    _add(head_session, "t.jones", Role.DSL)  # the administrator chose OTHER_PASSWORD
    with pytest.raises(membership.OwnPasswordNeeded, match="chooses a new password now"):
        membership.grant(head_session, "t.jones", Role.DSL, OTHER_PASSWORD)
    kept = tmp_path / "admin-copy.json"
    shutil.copyfile(school.paths.keys, kept)  # the administrator's copy, before the grant
    membership.grant(
        head_session, "t.jones", Role.DSL, OTHER_PASSWORD, new_password="only jones knows"
    )
    for key_file in (kept, school.paths.keys):
        reachable = _file_keys_from(key_file, "t.jones", OTHER_PASSWORD)
        assert {k.split("@")[0] for k in reachable} <= {"school"}
    session = school.sign_in("t.jones", "only jones knows")
    try:
        assert set(session.compartments) == {Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}
    finally:
        session.close()


def test_an_administrator_adds_accounts_only_once_confirmed_in_person(
    school: SchoolStore, head_session: Session
) -> None:
    _add(head_session, "office2", Role.ADMIN)  # made, not yet confirmed
    office = school.sign_in("office2", OTHER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied, match="not been confirmed"):
            _add(office, "t.a", Role.STAFF)
    finally:
        office.close()
    with pytest.raises(AuthenticationError):
        membership.confirm(head_session, "office2", "not their password")
    membership.confirm(head_session, "office2", OTHER_PASSWORD)
    office = school.sign_in("office2", OTHER_PASSWORD)
    try:
        _add(office, "t.a", Role.STAFF)
    finally:
        office.close()
    with head_session.compartment(Compartment.SAFEGUARDING).read() as conn:
        assert "office2" in members.authorities(conn)
    staff = school.sign_in("t.a", OTHER_PASSWORD)
    try:  # what office2's new account records is taken in: its chain reaches an authority
        factories.add_pupils(head_session)
        ref = records.record(staff, Kind.CONCERN, factories.concern())
    finally:
        staff.close()
    assert records.open_record(head_session, ref).author == "t.a"
