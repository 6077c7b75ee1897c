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

from safedesk.domain.errors import AuthenticationError, PermissionDenied
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
