"""A training confirmation is made by the member of staff alone.

The attackers hold only what such a person holds: their own password (and so their own key
slot and the `school` file's key, with which they can write `school.db` behind the program's
back). None of them can make a confirmation count in someone else's name; what they write is
found by `verify`.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from safedesk.domain.clock import FixedClock, to_stored
from safedesk.domain.errors import AuthenticationError, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.domain.training import PURPOSE
from safedesk.services import confirmations, integrity, training, users
from safedesk.services.session import Session
from safedesk.store import audit, crypto, identity
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, OTHER_PASSWORD, SchoolStore, add_account
from tests.security import attacker
from tests.security.attacker import admin

VICTIM = "sam.staff.member"
MALLORY = "mal.other.staff"
NEWCOMER = "new.starter.staff"
NEWCOMER_OWN = "the newcomer's own 3"
AT = "2026-11-20T10:00:00.000000+00:00"


@pytest.fixture
def setup(school: SchoolStore, head_session: Session) -> tuple[SchoolStore, int, dict[str, str]]:
    passwords = {
        VICTIM: factories.account_with_own_password(head_session, VICTIM, password="sam's own 1"),
        MALLORY: factories.account_with_own_password(head_session, MALLORY, password="mal's own 2"),
        HEAD_USER: HEAD_PASSWORD,
    }
    number = training.add_entry(
        head_session, {"who": VICTIM, "course": "Prevent", "on": "2026-09-02"}
    )
    return school, number, passwords


def signed_payload(session: Session, number: int) -> dict[str, object]:
    (view,) = [v for v in training.list_entries(session) if v.entry.id == number]
    return {**view.entry.payload(), "confirmed_by": VICTIM, "confirmed_at": AT}


def insert_confirmation(
    school: SchoolStore,
    by: str,
    password: str,
    number: int,
    sig: bytes,
    who: str = VICTIM,
) -> None:
    """``by`` writes a confirmation row in ``who``'s name with a raw connection."""
    loot = attacker.loot(school.paths.keys.read_bytes(), by, password)
    key = attacker.school_key(loot, school.paths.root)
    with attacker.raw_write(school.paths.root / "school.db", key) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO training_confirmation (entry_id, username, confirmed_at, signature) "
            "VALUES (?, ?, ?, ?)",
            (number, who, AT, sig),
        )


def victim_view(school: SchoolStore, number: int, password: str) -> training.EntryView:
    session = school.sign_in(VICTIM, password)
    try:
        (view,) = [v for v in training.list_entries(session) if v.entry.id == number]
        return view
    finally:
        session.close()


def verify_problems(school: SchoolStore) -> list[str]:
    session = school.sign_in()
    try:
        return integrity.verify(session).problems
    finally:
        session.close()


def test_the_heads_password_cannot_confirm_for_a_member_of_staff(setup) -> None:
    school, number, passwords = setup
    # Through the program: refused, as the head or the administrator.
    head = school.sign_in()
    try:
        with pytest.raises(PermissionDenied):
            training.confirm(head, number)
        payload = signed_payload(head, number)
    finally:
        head.close()
    ran = admin(
        school.paths.root, "training", "confirm", str(number), "--user", HEAD_USER,
        password=HEAD_PASSWORD,
    )  # fmt: skip
    assert ran.code == 3, ran.err
    # Behind its back: the head signs the victim's words with every key their password opens.
    loot = attacker.loot(school.paths.keys.read_bytes(), HEAD_USER, HEAD_PASSWORD)
    assert loot.account is not None
    message = confirmations.message(loot.store_id, VICTIM, PURPOSE, payload)
    insert_confirmation(school, HEAD_USER, HEAD_PASSWORD, number, loot.account.sign.sign(message))
    view = victim_view(school, number, passwords[VICTIM])
    assert (view.confirmed, view.confirmation_fails) == (False, True)
    assert any("training" in p for p in verify_problems(school))


def test_a_row_written_with_the_school_key_is_not_a_confirmation(setup) -> None:
    school, number, passwords = setup
    insert_confirmation(school, MALLORY, passwords[MALLORY], number, bytes(64))
    view = victim_view(school, number, passwords[VICTIM])
    assert (view.confirmed, view.confirmed_at, view.confirmation_fails) == (False, None, True)
    ran = admin(
        school.paths.root, "training", "list", "--json", "--user", VICTIM,
        password=passwords[VICTIM],
    )  # fmt: skip
    assert ran.code == 0, ran.err
    (listed,) = json.loads(ran.out)
    assert listed["confirmed_at"] is None
    assert any("training" in p for p in verify_problems(school))
    # The member of staff still confirms it themselves.
    session = school.sign_in(VICTIM, passwords[VICTIM])
    try:
        training.confirm(session, number)
    finally:
        session.close()
    assert victim_view(school, number, passwords[VICTIM]).confirmed


def test_a_key_registered_behind_the_programs_back_does_not_make_a_forgery_count(setup) -> None:
    """Mallory appends a `signer.key` event saying her own key is the victim's, with
    certificates of her own making, then signs the victim's confirmation with it."""
    school, number, passwords = setup
    head = school.sign_in()
    try:
        payload = signed_payload(head, number)
    finally:
        head.close()
    loot = attacker.loot(school.paths.keys.read_bytes(), MALLORY, passwords[MALLORY])
    assert loot.account is not None
    forged = crypto.SignKeys.generate()
    certs = [
        identity.issue(loot.store_id, "created", MALLORY, loot.account.sign, VICTIM, forged.public),
        identity.issue(loot.store_id, "changed", VICTIM, forged, VICTIM, forged.public),
    ]
    key = attacker.school_key(loot, school.paths.root)
    with attacker.raw_write(school.paths.root / "school.db", key) as conn:
        audit.append(
            conn,
            at=datetime(2026, 11, 20, 10, tzinfo=UTC),
            actor=VICTIM,
            action="signer.key",
            object_type="user",
            object_id=VICTIM,
            detail={
                "sign_public": base64.b64encode(forged.public).decode(),
                "identity": [c.to_json() for c in certs],
            },
        )
    signature = forged.sign(confirmations.message(loot.store_id, VICTIM, PURPOSE, payload))
    insert_confirmation(school, MALLORY, passwords[MALLORY], number, signature)
    view = victim_view(school, number, passwords[VICTIM])
    assert (view.confirmed, view.confirmation_fails) == (False, True)
    assert verify_problems(school)


def test_the_key_an_administrator_made_does_not_confirm(setup) -> None:
    """The administrator keeps a copy of the key file from before a new member of staff chose
    their own password: that slot opens with the password the administrator gave them, and
    its key is on record as theirs - but not as one only they hold."""
    school, _number, _passwords = setup
    head = school.sign_in()
    try:
        add_account(head, NEWCOMER, {Role.STAFF})
        number = training.add_entry(
            head, {"who": NEWCOMER, "course": "Prevent", "on": "2026-09-02"}
        )
    finally:
        head.close()
    newcomer = school.sign_in(NEWCOMER, OTHER_PASSWORD)  # first sign-in: registers its key
    kept = school.paths.keys.read_bytes()  # the administrator's copy
    users.change_own_password(newcomer, OTHER_PASSWORD, NEWCOMER_OWN, kdf=FAST_KDF)
    newcomer.close()
    newcomer = school.sign_in(NEWCOMER, NEWCOMER_OWN)
    try:
        (view,) = training.list_entries(newcomer)
    finally:
        newcomer.close()
    payload = {**view.entry.payload(), "confirmed_by": NEWCOMER, "confirmed_at": AT}
    old = attacker.loot(kept, NEWCOMER, OTHER_PASSWORD)
    assert old.account is not None
    signature = old.account.sign.sign(
        confirmations.message(old.store_id, NEWCOMER, PURPOSE, payload)
    )
    insert_confirmation(school, HEAD_USER, HEAD_PASSWORD, number, signature, who=NEWCOMER)
    newcomer = school.sign_in(NEWCOMER, NEWCOMER_OWN)
    try:
        (view,) = training.list_entries(newcomer)
        assert (view.confirmed, view.confirmation_fails) == (False, True)
        with newcomer.store.read() as conn:
            registered = confirmations.own_keys(conn, NEWCOMER)
            assert old.account.sign.public not in registered
            events = audit.events_with_action(conn, "signer.key")
        assert any(
            base64.b64decode(e.detail["sign_public"]) == old.account.sign.public
            for e in events
            if e.object_id == NEWCOMER
        )  # the kept key did sign for the newcomer once: on record, not their own
        training.confirm(newcomer, number)  # with their own
        (view,) = training.list_entries(newcomer)
        assert view.confirmed
    finally:
        newcomer.close()


def test_a_disabled_account_cannot_confirm(setup) -> None:
    school, number, passwords = setup
    victim = school.sign_in(VICTIM, passwords[VICTIM])
    head = school.sign_in()
    try:
        users.disable_user(head, VICTIM)
        with pytest.raises(PermissionDenied):
            training.confirm(victim, number)  # a session opened before it was disabled
    finally:
        head.close()
        victim.close()
    with pytest.raises(AuthenticationError):
        school.sign_in(VICTIM, passwords[VICTIM])
    ran = admin(
        school.paths.root, "training", "confirm", str(number), "--user", VICTIM,
        password=passwords[VICTIM],
    )  # fmt: skip
    assert ran.code == 3, ran.err
    head = school.sign_in()
    try:
        (view,) = [v for v in training.list_entries(head) if v.entry.id == number]
        assert not view.confirmed
    finally:
        head.close()


def test_only_the_named_member_confirms_with_the_cli(setup) -> None:
    school, number, passwords = setup
    ran = admin(
        school.paths.root, "training", "confirm", str(number), "--user", MALLORY,
        password=passwords[MALLORY],
    )  # fmt: skip
    assert ran.code == 3, ran.err
    ran = admin(
        school.paths.root, "training", "confirm", str(number), "--user", VICTIM,
        password=passwords[VICTIM],
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert victim_view(school, number, passwords[VICTIM]).confirmed


# --- After the break-it pass (issue 13): what an administrator holds, and backdating --------


def program_write(school: SchoolStore, by: str, password: str, write) -> None:  # type: ignore[no-untyped-def]
    """``by`` writes through the program's own store layer, in a commit signed as themselves
    (the ledger and the audit chain as the program keeps them)."""
    session = school.sign_in(by, password)
    try:
        with session.store.write() as conn:
            write(session, conn)
    finally:
        session.close()


def test_an_administrator_with_a_kept_key_file_cannot_fork_the_members_key(setup) -> None:
    """The administrator kept the key file from when the newcomer had the one-time password,
    opens that old slot, makes a "changed" certificate from its key to a key of their own,
    registers it in the newcomer's name and writes a confirmation signed with it, through the
    program's own store layer with the administrator's session. It does not count."""
    school, _number, _passwords = setup
    head = school.sign_in()
    try:
        add_account(head, NEWCOMER, {Role.STAFF})
        number = training.add_entry(
            head, {"who": NEWCOMER, "course": "Prevent", "on": "2026-09-02"}
        )
    finally:
        head.close()
    newcomer = school.sign_in(NEWCOMER, OTHER_PASSWORD)
    kept = school.paths.keys.read_bytes()
    users.change_own_password(newcomer, OTHER_PASSWORD, NEWCOMER_OWN, kdf=FAST_KDF)
    newcomer.close()
    old = attacker.loot(kept, NEWCOMER, OTHER_PASSWORD)
    assert old.account is not None
    forged = crypto.SignKeys.generate()
    changed = identity.issue(old.store_id, "changed", NEWCOMER, old.account.sign, NEWCOMER,
                             forged.public)  # fmt: skip

    def write(session: Session, conn) -> None:  # type: ignore[no-untyped-def]
        from safedesk.store import training as store

        entry = store.entry(conn, number)
        assert entry is not None
        now = session.clock.now()
        signed = {**entry.payload(), "confirmed_by": NEWCOMER, "confirmed_at": to_stored(now)}
        chain = [c.to_json() for c in old.account.identity] + [changed.to_json()]
        audit.append(conn, at=now, actor=NEWCOMER, action="signer.key", object_type="user",
                     object_id=NEWCOMER, detail={"sign_public": base64.b64encode(
                         forged.public).decode(), "identity": chain})  # fmt: skip
        signature = forged.sign(confirmations.message(old.store_id, NEWCOMER, PURPOSE, signed))
        row = store.confirm(conn, number, NEWCOMER, now, signature)
        session.audit(conn, "training.confirmed", object_type="training",
                      object_id=str(number), detail={"confirmation": row})  # fmt: skip

    program_write(school, HEAD_USER, HEAD_PASSWORD, write)
    # verify names the second change of key from one key, as the confirmations do.
    assert any("already been changed" in p for p in verify_problems(school))
    newcomer = school.sign_in(NEWCOMER, NEWCOMER_OWN)
    try:
        with newcomer.store.read() as conn:
            assert forged.public not in confirmations.own_keys(conn, NEWCOMER)
        (view,) = training.list_entries(newcomer)
        assert (view.confirmed, view.confirmation_fails) == (False, True)
        training.confirm(newcomer, number)  # the newcomer's own still counts
        (view,) = training.list_entries(newcomer)
        assert view.confirmed and not view.confirmed_after_reset
    finally:
        newcomer.close()


def test_a_confirmation_in_the_members_name_written_in_someone_elses_commit_does_not_count(
    setup,
) -> None:
    """The member's genuine signature, taken from a confirmation they made of another entry,
    cannot be replayed; and a row the member never wrote - even with a valid signature the
    member once made - is not theirs unless their own signed commit wrote it."""
    school, number, passwords = setup
    victim = school.sign_in(VICTIM, passwords[VICTIM])
    try:
        with victim.store.read() as conn:
            from safedesk.store import training as store

            entry = store.entry(conn, number)
        assert entry is not None
        signed = {**entry.payload(), "confirmed_by": VICTIM, "confirmed_at": AT}
        assert victim.account is not None
        signature = victim.account.secrets.sign.sign(
            confirmations.message(victim.store_id, VICTIM, PURPOSE, signed)
        )
    finally:
        victim.close()

    # The head writes the victim's genuine signature in a commit of the head's own.
    def write(session: Session, conn) -> None:  # type: ignore[no-untyped-def]
        from safedesk.store import training as store

        store.confirm(conn, number, VICTIM, datetime.fromisoformat(AT), signature)

    program_write(school, HEAD_USER, HEAD_PASSWORD, write)
    view = victim_view(school, number, passwords[VICTIM])
    assert (view.confirmed, view.confirmation_fails) == (False, True)


def test_a_backdated_confirmation_does_not_count(setup) -> None:
    """The member signs, with their own key, a confirmation dated before the entry was added,
    and writes it in their own signed commit (and once more with a raw connection)."""
    school, number, passwords = setup
    early = datetime(2026, 1, 5, 9, tzinfo=UTC)
    victim = school.sign_in(VICTIM, passwords[VICTIM])
    try:
        victim.clock = FixedClock(early)  # the PC's clock set back: the program refuses
        with pytest.raises(ValidationError):
            training.confirm(victim, number)
    finally:
        victim.close()

    def write(session: Session, conn) -> None:  # type: ignore[no-untyped-def]
        from safedesk.store import training as store

        entry = store.entry(conn, number)
        assert entry is not None and session.account is not None
        signed = {**entry.payload(), "confirmed_by": VICTIM, "confirmed_at": to_stored(early)}
        signature = session.account.secrets.sign.sign(
            confirmations.message(session.store_id, VICTIM, PURPOSE, signed)
        )
        row = store.confirm(conn, number, VICTIM, early, signature)
        session.audit(conn, "training.confirmed", object_type="training",
                      object_id=str(number), detail={"confirmation": row})  # fmt: skip

    program_write(school, VICTIM, passwords[VICTIM], write)
    view = victim_view(school, number, passwords[VICTIM])
    assert (view.confirmed, view.confirmation_fails) == (False, True)


def test_a_raw_row_with_the_members_own_signature_does_not_count(setup) -> None:
    """Finding 4: the member's own valid signature in a row added behind the program's back
    (so the ledger does not vouch for it) counts for nothing, not only for `verify`."""
    school, number, passwords = setup
    loot = attacker.loot(school.paths.keys.read_bytes(), VICTIM, passwords[VICTIM])
    assert loot.account is not None
    head = school.sign_in()
    try:
        payload = signed_payload(head, number)
    finally:
        head.close()
    signature = loot.account.sign.sign(confirmations.message(loot.store_id, VICTIM, PURPOSE,
                                                             payload))  # fmt: skip
    insert_confirmation(school, VICTIM, passwords[VICTIM], number, signature)
    view = victim_view(school, number, passwords[VICTIM])
    assert (view.confirmed, view.confirmation_fails) == (False, True)


def test_a_confirmation_after_a_reset_says_so(setup) -> None:
    """Finding 2: the administrator resets the password, signs in as the member with it,
    chooses another and confirms. That is the administrator's real power; it is shown."""
    school, number, _passwords = setup
    head = school.sign_in()
    try:
        users.reset_password(head, VICTIM, "a reset password 22", kdf=FAST_KDF)
    finally:
        head.close()
    posing = school.sign_in(VICTIM, "a reset password 22")
    try:
        users.change_own_password(posing, "a reset password 22", "the admin's choice 33",
                                  kdf=FAST_KDF)  # fmt: skip
    finally:
        posing.close()
    ran = admin(
        school.paths.root, "training", "confirm", str(number), "--user", VICTIM,
        password="the admin's choice 33",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    ran = admin(
        school.paths.root, "training", "list", "--json", "--user", HEAD_USER,
        password=HEAD_PASSWORD,
    )  # fmt: skip
    assert ran.code == 0, ran.err
    (listed,) = [e for e in json.loads(ran.out) if e["id"] == number]
    assert listed["confirmed_at"] is not None
    assert (listed["confirmed_after_reset"], listed["reset_by"]) == (True, HEAD_USER)
    # The Training page says so beside the confirmation, too.
    from safedesk.ui.training_page import confirmed_words

    head = school.sign_in()
    try:
        (view,) = [v for v in training.list_entries(head) if v.entry.id == number]
    finally:
        head.close()
    assert f"after a password reset by {HEAD_USER}" in confirmed_words(view)


def test_trust_does_not_depend_on_who_looks_and_twice_is_refused(setup) -> None:
    """Finding 3: a member of staff made by a second administrator sees their own genuine
    confirmation count, as the head does, and confirming again is refused (exit 2)."""
    school, _number, _passwords = setup
    head = school.sign_in()
    try:
        second = factories.account_with_own_password(
            head, "second.admin", {Role.ADMIN}, password="second admin's own 4"
        )
    finally:
        head.close()
    other = school.sign_in("second.admin", second)
    try:
        add_account(other, "made.by.second", {Role.STAFF})
        number = training.add_entry(
            other, {"who": "made.by.second", "course": "Prevent", "on": "2026-09-02"}
        )
    finally:
        other.close()
    member = school.sign_in("made.by.second", OTHER_PASSWORD)
    users.change_own_password(member, OTHER_PASSWORD, "made by second's own 5", kdf=FAST_KDF)
    member.close()
    ran = admin(school.paths.root, "training", "confirm", str(number), "--user",
                "made.by.second", password="made by second's own 5")  # fmt: skip
    assert ran.code == 0, ran.err
    for user, password in (("made.by.second", "made by second's own 5"),
                           (HEAD_USER, HEAD_PASSWORD)):  # fmt: skip
        ran = admin(school.paths.root, "training", "list", "--json", "--user", user,
                    password=password)  # fmt: skip
        assert ran.code == 0, ran.err
        (listed,) = [e for e in json.loads(ran.out) if e["id"] == number]
        assert (listed["confirmed_at"] is not None, listed["confirmation_fails"]) == (True, False)
    ran = admin(school.paths.root, "training", "confirm", str(number), "--user",
                "made.by.second", password="made by second's own 5")  # fmt: skip
    assert ran.code == 2, ran.err
    assert "already confirmed" in ran.err
