"""keys.json is writable by every Windows user on the office PC.

Slots are found by an HMAC of the username whose salt is in the same file, so anyone can
compute where a colleague's slot is and put one of their own in its place, wrapped under a
password they chose. A member of staff holds the `school` keys, so they can seal them to such
a slot too. What a planted slot says about itself (pins, `authority`, `origin`) is whatever
its maker wrote.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from safedesk.services import backup
from safedesk.store import identity, keyfile
from safedesk.store.crypto import FAST_KDF
from safedesk.store.key_material import AccountSecrets, make_slot, seal_keys
from safedesk.store.keyfile import AccountSlot, KeyFile
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

PLANTED = "the staff member's own choice 4"


@pytest.fixture
def school(tmp_path: Path) -> SchoolStore:
    return build_school(tmp_path / "data")


def plant_slot(
    school: SchoolStore, name: str, by: str, *, vouched_by_self: bool = False
) -> AccountSlot:
    """``by`` (staff) replaces ``name``'s slot with one of their own making, sealed the
    current `school` keys and marked confirmed (the pins copied from their own slot, and
    `authority` set); with ``vouched_by_self``, carrying a `reset` certificate ``by`` signs
    with their own genuine key. Returns the genuine slot, to put it back later."""
    person = attacker.loot(school.paths.keys.read_bytes(), by, PASSWORDS[by])
    assert person.account is not None
    school_keys = next(
        k
        for k in person.compartments
        if k.compartment == "school"
        and attacker.opening_key(school.paths.root / "school.db", [k.file_key]) is not None
    )
    secrets = AccountSecrets.new(name, "own", dict(person.account.pins))
    secrets.authority = True
    if vouched_by_self:
        store_id = keyfile.load(school.paths.keys).store_id
        secrets.identity = [
            identity.issue(store_id, "reset", by, person.account.sign, name, secrets.sign.public)
        ]
    genuine: list[AccountSlot] = []

    def change(current: KeyFile) -> KeyFile:
        real = current.account(name)
        assert real is not None
        genuine.append(real)
        slot = make_slot(current, secrets, PLANTED, FAST_KDF).slot
        return current.with_account(slot).with_sealed(
            seal_keys(current, school_keys, secrets.box.public)
        )

    keyfile.update(school.paths.keys, change)
    return genuine[0]


def test_a_planted_administrator_slot_manages_no_account(school: SchoolStore) -> None:
    """A member of staff puts a slot of their own in the administrator's place and, signed in
    as the administrator, disables the DSL (the audit log will say the administrator did).
    Either that is refused, or `verify` finds it."""
    root = school.paths.root
    plant_slot(school, ADMIN, STAFF)
    done = admin(root, "user", "disable", DSL, "--user", ADMIN, password=PLANTED)
    checked = admin(root, "verify", "--user", HEAD_USER, password=HEAD_PASSWORD)
    last = checked.out.strip().splitlines()[-1] if checked.out.strip() else checked.err
    assert done.code == 3 or checked.code == 1, (
        f"a member of staff planted a slot for {ADMIN} in keys.json and, as {ADMIN}, "
        f"disabled the DSL (exit {done.code}: {done.out.strip()!r}); verify: {last!r}"
    )


@pytest.mark.parametrize("vouched_by_self", [False, True], ids=["no-cert", "staff-reset-cert"])
def test_a_planted_administrator_slot_cannot_restore_a_backup(
    school: SchoolStore, tmp_path: Path, vouched_by_self: bool
) -> None:
    """The member of staff plants the administrator slot, lets the daily automatic backup run
    in their own session (it runs for whoever is signed in), and removes the planted slot.
    A colleague then records a concern. Later the staff member plants the slot again and, as
    the administrator, restores that backup: who may restore is asked of the live key file,
    and the backup's own key file holds the planted slot too. (Meanwhile the genuine slot
    was back in place: the administrator noticed nothing.)"""
    root = school.paths.root
    genuine = plant_slot(school, ADMIN, STAFF, vouched_by_self=vouched_by_self)
    staff = sign_in(school, STAFF)
    try:
        made = backup.create_backup(staff, tmp_path / "backups", automatic=True)
    finally:
        staff.lock()
    keyfile.update(school.paths.keys, lambda current: current.with_account(genuine))
    assert admin(root, "user", "list", "--user", ADMIN, password=PASSWORDS[ADMIN]).code == 0
    ref = attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("After the backup 5151")
    )
    attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])

    plant_slot(school, ADMIN, STAFF, vouched_by_self=vouched_by_self)
    done = admin(root, "restore", "--from", str(made), "--user", ADMIN, password=PLANTED)
    assert done.code != 0, (
        f"a member of staff, through a slot they planted for {ADMIN}, restored their own "
        f"automatic backup over the live store (the concern {ref} recorded since is now only "
        f"in replaced/): {done.out.strip()!r}"
    )


def test_a_changed_public_key_hint_does_not_take_a_members_keys_away_unnoticed(
    school: SchoolStore,
) -> None:
    """Each slot carries its public box key in the clear, as a hint. A member of staff
    changes the DSL's hint in keys.json (nothing else: the DSL's password still opens their
    slot). The head then signs in as usual, and its sign-in checks every member's access
    against the key file. The DSL must keep their keys, or `verify` find the edit."""
    root = school.paths.root

    def change(current: KeyFile) -> KeyFile:
        slot = current.account(DSL)
        assert slot is not None
        return current.with_account(replace(slot, box_public=attacker.new_box().public))

    keyfile.update(school.paths.keys, change)
    assert admin(root, "queue", "--user", HEAD_USER, "--json", password=HEAD_PASSWORD).code == 0
    still = admin(root, "queue", "--user", DSL, "--json", password=PASSWORDS[DSL])
    person = attacker.loot(school.paths.keys.read_bytes(), DSL, PASSWORDS[DSL])
    kept = attacker.opens(root, person)
    checked = admin(root, "verify", "--user", HEAD_USER, password=HEAD_PASSWORD)
    assert (still.code == 0 and kept == set(attacker.COMPARTMENT_FILES)) or checked.code == 1, (
        f"a member of staff changed the DSL's public-key hint in keys.json: after the head's "
        f"sign-in the DSL's queue exits {still.code} ({still.err.strip()!r}), they open "
        f"{sorted(kept)}, and verify exits {checked.code}"
    )
