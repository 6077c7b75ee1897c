"""Recording in someone else's name, against the identity certificates.

Every author's signing key must be vouched for by a chain of certificates from an
administrator the compartment trusts; an item whose chain does not reach its author, or that
is signed with an older key of theirs than one already seen, is kept back with an alarm
("not_vouched"). The attackers here hold what one person holds: their own password and key
slot, copies of keys.json (every Windows user can read it), the `school` key (every account),
and the program's own code to seal, sign and certify. Each forged concern is put in the
inbox with a raw connection and the DSL's session takes it in as usual.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from safedesk.domain.compartments import READING
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied
from safedesk.paths import DataPaths
from safedesk.services import inbox, records, vault
from safedesk.store import identity, members, sealed_items
from safedesk.store.crypto import FAST_KDF, SignKeys
from safedesk.store.identity import Cert
from safedesk.store.key_material import AccountSecrets, Pin
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore
from tests.security import attacker
from tests.security.attacker import admin
from tests.security.conftest import (
    ADMIN,
    AUTHOR,
    DSL,
    PASSWORDS,
    STAFF,
    build_school,
    concern_payload,
    sign_in,
)

FORGED = "Forged in a colleague's name 6161"


@pytest.fixture
def school(tmp_path: Path) -> SchoolStore:
    """The school, with one concern the author recorded and the DSL took in: the author's
    key has been seen, and their first number used."""
    school = build_school(tmp_path / "data")
    attacker.record_with_cli(
        school.paths.root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Genuine 6160")
    )
    attacker.queue_with_cli(school.paths.root, DSL, PASSWORDS[DSL])
    return school


def mine(school: SchoolStore, name: str, password: str | None = None) -> attacker.Loot:
    found = attacker.loot(school.paths.keys.read_bytes(), name, password or PASSWORDS[name])
    assert found.account is not None
    return found


def forge(
    store_id: str,
    pin: Pin,
    signer: SignKeys,
    chain: list[Cert],
    *,
    ref: str,
    author: str = AUTHOR,
    seq: int = 2,
    mailbox: bytes = b"\x07" * 32,
) -> bytes:
    """A concern claiming ``author``, signed by ``signer``, carrying ``chain``, sealed to the
    genuine safeguarding key ``pin``."""
    fields = {
        "author": author,
        "seq": seq,
        "op": "record",
        "ref": ref,
        "kind": "concern",
        "body": concern_payload(FORGED),
        "recorded_at": datetime.now(UTC).isoformat(),
    }
    return sealed_items.seal_item(
        store_id,
        "safeguarding",
        pin.epoch,
        pin.box_public,
        signer,
        fields,
        author_box=attacker.new_box().public,
        mailbox=mailbox,
        identity=chain,
    )


def deliver(school: SchoolStore, item: bytes, by: attacker.Loot) -> None:
    """Put as the program would (the anonymous put event included), so that what is tried
    is the chain of certificates, not the inbox's own check."""
    attacker.put_in_inbox_as_the_program(
        school.paths.root, attacker.school_key(by, school.paths.root), "safeguarding", item
    )


def dsl_takes_in(school: SchoolStore, ref: str) -> tuple[str | None, list[str]]:
    """The DSL's session takes in what waits: who ``ref`` is filed under, and the alarms."""
    queue = attacker.queue_with_cli(school.paths.root, DSL, PASSWORDS[DSL])
    dsl = sign_in(school, DSL)
    try:
        authors = {e.ref: e.author for e in records.pupil_records(dsl, factories.PUPIL_A)}
    finally:
        dsl.lock()
    return authors.get(ref), [str(i["what"]) for i in queue if i["kind"] == "alarm"]


def assert_not_silently_theirs(school: SchoolStore, ref: str, how: str) -> None:
    filed_as, alarms = dsl_takes_in(school, ref)
    about = [a for a in alarms if AUTHOR in a]
    assert filed_as != AUTHOR or about, (
        f"{how}: the forged concern {ref} was filed as written by {AUTHOR}, and the DSL's "
        f"queue has no alarm about it (alarms: {alarms})"
    )


# --- forged and replayed chains: refused -----------------------------------------------------


def _own_chain_claiming_the_author(
    store_id: str, staff: AccountSecrets
) -> tuple[SignKeys, list[Cert]]:
    return staff.sign, list(staff.identity)


def _self_made_root_in_the_administrators_name(
    store_id: str, staff: AccountSecrets
) -> tuple[SignKeys, list[Cert]]:
    fake_admin = SignKeys.generate()
    root = identity.issue(store_id, "root", ADMIN, fake_admin, ADMIN, fake_admin.public)
    reset = identity.issue(store_id, "reset", ADMIN, fake_admin, AUTHOR, staff.sign.public)
    return staff.sign, [root, reset]


def _administrators_key_with_a_signature_it_did_not_make(
    store_id: str, staff: AccountSecrets
) -> tuple[SignKeys, list[Cert]]:
    root = staff.identity[0]  # the root administrator's name and key, from their root cert
    made = identity.issue(store_id, "reset", root.issuer, staff.sign, AUTHOR, staff.sign.public)
    forged = Cert("reset", root.issuer, root.issuer_key, AUTHOR, staff.sign.public, made.signature)
    return staff.sign, [*staff.identity, forged]


def _the_staff_members_own_certs_renamed(
    store_id: str, staff: AccountSecrets
) -> tuple[SignKeys, list[Cert]]:
    renamed = [
        Cert(
            c.kind,
            AUTHOR if c.issuer == STAFF else c.issuer,
            c.issuer_key,
            AUTHOR,
            c.subject_key,
            c.signature,
        )
        if c.subject == STAFF
        else c
        for c in staff.identity
    ]
    return staff.sign, renamed


def _a_self_certified_change_from_the_authors_key(
    store_id: str, staff: AccountSecrets
) -> tuple[SignKeys, list[Cert]]:
    """A "changed" cert naming the author and their old key as issuer, signed by the staff
    member's own key."""
    made = identity.issue(store_id, "changed", AUTHOR, staff.sign, AUTHOR, staff.sign.public)
    return staff.sign, [*staff.identity, made]


FORGERIES = {
    "own-chain-claiming-the-author": _own_chain_claiming_the_author,
    "self-made-root-in-the-administrators-name": _self_made_root_in_the_administrators_name,
    "administrators-key-wrong-signature": _administrators_key_with_a_signature_it_did_not_make,
    "own-certs-renamed": _the_staff_members_own_certs_renamed,
    "self-certified-change": _a_self_certified_change_from_the_authors_key,
}


@pytest.mark.parametrize("how", list(FORGERIES))
def test_member_of_staff_cannot_forge_a_chain_to_a_colleagues_name(
    school: SchoolStore, how: str
) -> None:
    staff = mine(school, STAFF)
    assert staff.account is not None
    signer, chain = FORGERIES[how](staff.store_id, staff.account)
    ref = "C-2099-0101"
    deliver(
        school,
        forge(staff.store_id, staff.account.pins["safeguarding"], signer, chain, ref=ref),
        staff,
    )
    filed_as, alarms = dsl_takes_in(school, ref)
    assert filed_as is None, f"{how}: the forged concern was filed as {filed_as}"
    assert any("not taken in" in a and AUTHOR in a for a in alarms), alarms


def test_the_authors_genuine_chain_replayed_with_another_key_is_refused(
    school: SchoolStore,
) -> None:
    """The author's whole chain (certificates are no secret: here read from their slot, as if
    it leaked) carried by an item the staff member signed with their own key."""
    staff = mine(school, STAFF)
    author = mine(school, AUTHOR)
    assert staff.account is not None and author.account is not None
    ref = "C-2099-0102"
    item = forge(
        staff.store_id,
        staff.account.pins["safeguarding"],
        staff.account.sign,
        list(author.account.identity),
        ref=ref,
        mailbox=author.account.mailbox,
    )
    deliver(school, item, staff)
    filed_as, alarms = dsl_takes_in(school, ref)
    assert filed_as is None
    assert any("not taken in" in a for a in alarms), alarms


def test_a_chain_from_another_schools_administrator_is_refused(
    school: SchoolStore, tmp_path: Path
) -> None:
    """The staff member sets up a school of their own (same names) and brings its
    administrator's certificate for the author's name."""
    other = DataPaths(tmp_path / "elsewhere")
    vault.create_school(
        other,
        school_name="Elsewhere",
        username=ADMIN,
        display_name="Ada",
        password=PASSWORDS[ADMIN],
        kdf=FAST_KDF,
    )
    theirs = attacker.loot(other.keys.read_bytes(), ADMIN, PASSWORDS[ADMIN])
    staff = mine(school, STAFF)
    assert theirs.account is not None and staff.account is not None
    forged_key = SignKeys.generate()
    reset = identity.issue(
        theirs.store_id, "reset", ADMIN, theirs.account.sign, AUTHOR, forged_key.public
    )
    ref = "C-2099-0103"
    item = forge(
        staff.store_id,
        staff.account.pins["safeguarding"],
        forged_key,
        [*theirs.account.identity, reset],
        ref=ref,
    )
    deliver(school, item, staff)
    filed_as, _alarms = dsl_takes_in(school, ref)
    assert filed_as is None


# --- second round: what the certificates do not stop ----------------------------------------


def _reset_cert_item(store_id: str, pin: Pin, authority: AccountSecrets, ref: str) -> bytes:
    """A key the forger made, vouched for as the author's by a "reset" certificate from
    ``authority`` (no reset took place), signing a concern in the author's name."""
    forged_key = SignKeys.generate()
    reset = identity.issue(
        store_id, "reset", authority.username, authority.sign, AUTHOR, forged_key.public
    )
    return forge(store_id, pin, forged_key, [*authority.identity, reset], ref=ref)


def test_administrator_cannot_record_in_an_established_colleagues_name(
    school: SchoolStore,
) -> None:
    """The administrator (an authority) certifies a key of its own as the author's with a
    "reset" certificate, though no password was reset (the author's slot is untouched and
    `school` has no reset event), and records a concern in the author's name. The author has
    recorded before, so their key is known. The README's limit is "a new account's name
    until its holder changes it"; this is an established one."""
    person = mine(school, ADMIN)
    assert person.account is not None
    ref = "C-2099-0201"
    deliver(
        school,
        _reset_cert_item(person.store_id, person.account.pins["safeguarding"], person.account, ref),
        person,
    )
    assert_not_silently_theirs(school, ref, "an administrator's forged reset certificate")


@pytest.mark.parametrize("how", ["admin-role-removed", "disabled", "password-changed"])
def test_a_former_authoritys_key_vouches_for_nobody(school: SchoolStore, how: str) -> None:
    """An administrator's key stops being an authority when it should: their administrator
    role removed (they stay on the staff and hold the `school` key), their account disabled
    (they kept their key file; a colleague still on the staff puts the item in the inbox),
    or their password changed (a member of staff who knew the old one kept a copy of the key
    file)."""
    root = school.paths.root
    kept = school.paths.keys.read_bytes()
    old = attacker.loot(kept, ADMIN, PASSWORDS[ADMIN])
    assert old.account is not None
    if how == "admin-role-removed":
        done = admin(
            root,
            "user",
            "revoke",
            ADMIN,
            "--role",
            "admin",
            "--user",
            HEAD_USER,
            password=HEAD_PASSWORD,
        )
        deliverer = mine(school, ADMIN)
    elif how == "disabled":
        done = admin(root, "user", "disable", ADMIN, "--user", HEAD_USER, password=HEAD_PASSWORD)
        deliverer = mine(school, STAFF)
    else:
        done = admin(
            root,
            "passwd",
            "--user",
            ADMIN,
            password=PASSWORDS[ADMIN],
            env={"SAFEDESK_NEW_PASSWORD": PASSWORDS[ADMIN] + " changed"},
        )
        deliverer = mine(school, STAFF)
    assert done.code == 0, done.err
    ref = "C-2099-0301"
    pin = mine(school, STAFF).account.pins["safeguarding"]  # type: ignore[union-attr]
    deliver(school, _reset_cert_item(old.store_id, pin, old.account, ref), deliverer)
    assert_not_silently_theirs(school, ref, f"a former administrator's key ({how})")


def test_member_of_staff_cannot_make_themselves_an_authority(school: SchoolStore) -> None:
    """A member of staff writes an administrator role for themselves into `school.db`, empties
    the pins in their own key slot so that the program tells them to have their account
    confirmed, and asks the head to confirm it in person (the step the message names). The
    confirmation must not make a member of staff an authority that vouches for keys."""
    root = school.paths.root
    staff = mine(school, STAFF)
    key = attacker.school_key(staff, root)
    with attacker.raw_write(root / "school.db", key) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO user_role (user_id, role, granted_by, granted_at) VALUES "
            "((SELECT id FROM user WHERE username = ?), 'admin', ?, ?)",
            (STAFF, HEAD_USER, "2026-01-05T08:00:00+00:00"),
        )
    attacker.edit_slot(school.paths.keys, STAFF, PASSWORDS[STAFF], lambda s: s.pins.clear())
    session = sign_in(school, STAFF)
    try:
        with pytest.raises(inbox.NotConfirmed):
            records.record(session, Kind.CONCERN, concern_payload("Cannot record yet"))
    finally:
        session.lock()
    confirmed = admin(
        root,
        "user",
        "confirm",
        STAFF,
        "--user",
        HEAD_USER,
        password=HEAD_PASSWORD,
        env={"SAFEDESK_GRANTEE_PASSWORD": PASSWORDS[STAFF]},
    )
    if confirmed.code != 0:
        # Refused: the role was not written by the program (the ledger and signatures say so).
        assert "administrator role cannot be trusted" in confirmed.err, confirmed.err
        head = school.sign_in()
        try:
            for compartment in READING:
                with head.compartment(compartment).read() as conn:
                    assert STAFF not in members.authorities(conn)
        finally:
            head.lock()
        return
    with attacker.raw_write(root / "school.db", key) as conn:  # the role goes again
        conn.execute(  # type: ignore[attr-defined]
            "DELETE FROM user_role WHERE role = 'admin' AND user_id = "
            "(SELECT id FROM user WHERE username = ?)",
            (STAFF,),
        )

    staff = mine(school, STAFF)
    assert staff.account is not None
    ref = "C-2099-0401"
    deliver(
        school,
        _reset_cert_item(staff.store_id, staff.account.pins["safeguarding"], staff.account, ref),
        staff,
    )
    assert_not_silently_theirs(
        school, ref, "a member of staff confirmed as an administrator after writing the role"
    )


def test_old_key_file_and_old_password_cannot_record_as_the_holder(school: SchoolStore) -> None:
    """A member of staff knew a colleague's password and kept a copy of the key file; the
    colleague changes their password (that is what a password change is for). With the old
    copy and the old password the attacker holds the colleague's old signing key, chain,
    mailbox and numbering, and records a concern in the colleague's name, numbered next."""
    root = school.paths.root
    kept = school.paths.keys.read_bytes()
    done = admin(
        root,
        "passwd",
        "--user",
        AUTHOR,
        password=PASSWORDS[AUTHOR],
        env={"SAFEDESK_NEW_PASSWORD": PASSWORDS[AUTHOR] + " changed"},
    )
    assert done.code == 0, done.err
    old = attacker.loot(kept, AUTHOR, PASSWORDS[AUTHOR])
    assert old.account is not None
    staff = mine(school, STAFF)
    ref = "C-2099-0501"
    item = forge(
        old.store_id,
        old.account.pins["safeguarding"],
        old.account.sign,
        list(old.account.identity),
        ref=ref,
        seq=old.account.seqs["safeguarding"] + 1,
        mailbox=old.account.mailbox,
    )
    deliver(school, item, staff)
    assert_not_silently_theirs(school, ref, "the author's key from before their password change")


def test_staff_cannot_manage_accounts_by_declaring_themselves_confirmed(
    school: SchoolStore,
) -> None:
    """`require_confirmed` lets an administrator manage accounts once it holds pins and is an
    authority: both are read from its own key slot, which its holder can rewrite. Here a
    member of staff does so, with an administrator role written into `school.db` (the part
    the next step's signed heads are for), and disables the DSL. It must be refused or be
    found by `verify`."""
    root = school.paths.root
    staff = mine(school, STAFF)
    with attacker.raw_write(root / "school.db", attacker.school_key(staff, root)) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO user_role (user_id, role, granted_by, granted_at) VALUES "
            "((SELECT id FROM user WHERE username = ?), 'admin', ?, ?)",
            (STAFF, HEAD_USER, "2026-01-05T08:00:00+00:00"),
        )

    def declare(secrets: AccountSecrets) -> None:
        secrets.authority = True

    attacker.edit_slot(school.paths.keys, STAFF, PASSWORDS[STAFF], declare)
    done = admin(root, "user", "disable", DSL, "--user", STAFF, password=PASSWORDS[STAFF])
    checked = admin(root, "verify", "--user", HEAD_USER, password=HEAD_PASSWORD)
    assert done.code == 3 or checked.code == 1, (
        f"a member of staff who set `authority` in their own slot disabled the DSL (exit "
        f"{done.code}); verify exits {checked.code}"
    )


def test_unconfirmed_staff_are_refused_before_any_account_change(school: SchoolStore) -> None:
    """The control for the test above: the same attempt without the slot edit is refused."""
    root = school.paths.root
    staff = mine(school, STAFF)
    with attacker.raw_write(root / "school.db", attacker.school_key(staff, root)) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO user_role (user_id, role, granted_by, granted_at) VALUES "
            "((SELECT id FROM user WHERE username = ?), 'admin', ?, ?)",
            (STAFF, HEAD_USER, "2026-01-05T08:00:00+00:00"),
        )
    session = sign_in(school, STAFF)
    try:
        from safedesk.services import users

        with pytest.raises(PermissionDenied):
            users.disable_user(session, DSL)
    finally:
        session.lock()
