"""Each role's password against each compartment file, its WAL, the inboxes and the backups.

The attacker is the person holding that role's account and nothing more: their password, the
key file (copied off the PC), the data files copied while the app was open (WALs and all) or
out of a backup, and raw SQLCipher connections keyed with whatever their slot lets them
derive. What they can open must be exactly what their role needs, and no concern text,
child's words, casework or police notification may be readable by anyone else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security import attacker
from tests.security.attacker import COMPARTMENT_FILES
from tests.security.conftest import (
    ALL_SECRETS,
    DRAFT_TEXT,
    MAY_READ,
    NAMES,
    OPENS,
    PASSWORDS,
    ROLE_ACCOUNTS,
    WAITING_BEHAVIOUR,
    WAITING_CONCERN,
    Populated,
)

ROLES = list(ROLE_ACCOUNTS)


def _person(folder: Path, role: str) -> attacker.Loot:
    name = ROLE_ACCOUNTS[role]
    person = attacker.loot((folder / "keys.json").read_bytes(), name, PASSWORDS[name])
    assert person.account is not None, f"{name}'s own password must open their own slot"
    return person


def _check_reads(readable: attacker.Readable, role: str, where: str) -> None:
    for secret in ALL_SECRETS:
        places = readable.places_with(secret)
        if secret in MAY_READ[role]:
            assert places, f"{role} should be able to read {secret!r} ({where})"
        else:
            assert not places, f"{role} read {secret!r} from {sorted(places)} ({where})"


def test_the_snapshot_was_taken_with_every_wal_in_use(populated: Populated) -> None:
    """Guard: the attacks below on the WALs are only worth something if there were WALs."""
    for name in COMPARTMENT_FILES:
        wal = populated.snapshot_open / f"{name}-wal"
        assert wal.exists() and wal.stat().st_size > 0, f"{wal.name} missing from the snapshot"


@pytest.mark.parametrize("role", ROLES)
def test_role_opens_exactly_its_files_while_the_app_is_open(
    populated: Populated, role: str
) -> None:
    """With the WALs of a running app: each file (with its WAL) opens only for its members,
    and the main file alone opens no more than with its WAL."""
    snap = populated.snapshot_open
    person = _person(snap, role)
    readable = attacker.everything_readable(snap, person)
    assert readable.opened == OPENS[role]
    for name in COMPARTMENT_FILES:
        alone = attacker.opening_key(snap / name, person.file_keys, with_wal=False)
        assert (alone is not None) == (name in OPENS[role]), name
    _check_reads(readable, role, "files copied while the app was open")


@pytest.mark.parametrize("role", ROLES)
def test_role_opens_exactly_its_files_once_closed(populated: Populated, role: str) -> None:
    person = _person(populated.root, role)
    readable = attacker.everything_readable(populated.root, person)
    assert readable.opened == OPENS[role]
    _check_reads(readable, role, "the data folder at rest")


@pytest.mark.parametrize("role", ROLES)
def test_inbox_items_open_only_for_members_of_their_compartment(
    populated: Populated, role: str
) -> None:
    snap = populated.snapshot_open
    # Two items wait (a concern and a behaviour incident): counted with the head's keys.
    head = _person(snap, "head")
    key = attacker.opening_key(snap / "school.db", head.file_keys)
    assert key is not None
    with attacker.raw_open(snap / "school.db", key) as conn:
        assert conn is not None
        waiting = conn.execute("SELECT compartment FROM inbox_item").fetchall()
    assert sorted(r[0] for r in waiting) == ["behaviour", "safeguarding"]

    readable = attacker.everything_readable(snap, _person(snap, role))
    opened = {
        secret
        for place, text in readable.texts.items()
        if ":inbox_item:" in place
        for secret in (WAITING_CONCERN, WAITING_BEHAVIOUR)
        if secret in text
    }
    expected = {s for s in (WAITING_CONCERN, WAITING_BEHAVIOUR) if s in MAY_READ[role]}
    assert opened == expected
    # Nobody but the author opens the author's copies, receipts or drafts.
    assert [place for place in readable.texts if ":sealed_" in place] == []
    assert not readable.any(DRAFT_TEXT)


BACKUP_MAKERS = ["head", "dsl", "admin", "staff (automatic)"]


@pytest.mark.parametrize("maker", BACKUP_MAKERS)
@pytest.mark.parametrize("role", ROLES)
def test_backup_opens_for_each_role_as_the_live_files_do(
    populated: Populated, role: str, maker: str, tmp_path: Path
) -> None:
    """A backup file (*.sdbackup) holds the key file too: each person uses their slot in it
    and in the live key file, and still opens only their role's files."""
    unpacked = attacker.unpack_backup(populated.backups[maker], tmp_path / "unpacked")
    name = ROLE_ACCOUNTS[role]
    person = attacker.merge(
        attacker.loot((unpacked / "keys.json").read_bytes(), name, PASSWORDS[name]),
        attacker.loot(populated.school.paths.keys.read_bytes(), name, PASSWORDS[name]),
    )
    readable = attacker.everything_readable(unpacked, person)
    assert readable.opened == OPENS[role]
    _check_reads(readable, role, f"a backup made by {maker}")


def test_no_file_holds_record_text_or_names_in_the_clear(populated: Populated) -> None:
    """A lost PC or backup drive: no record text, child's words, casework, police text, pupil
    or staff name, nor the school's name, in the bytes of any file (zips unpacked)."""
    files = [
        *attacker.files_under(populated.snapshot_open),
        *attacker.files_under(populated.root),
        *populated.backups.values(),
    ]
    assert any(p.name.endswith("-wal") for p in files)
    assert len([p for p in files if p.suffix == ".sdbackup"]) == len(BACKUP_MAKERS)
    assert attacker.leaks(files, [*ALL_SECRETS, *NAMES]) == []
