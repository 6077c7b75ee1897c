"""The allegations files opened by each role: only the head opens `allegations`, only the chair
of governors `allegations_head`; nobody else, and never the recovery key.

Each attacker holds only what that person holds: their own password and the key file (the
live one, or a copy kept from before), and raw SQLCipher connections keyed with every key
their slot can unseal. They try through the program (signing in and calling the service) and
behind its back (every unsealed key against a copy of each file and its WAL).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Role
from safedesk.services import allegations, backup, upkeep, users, vault
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore, add_account
from tests.security import attacker
from tests.security.conftest import (
    ADMIN,
    BEHAVIOUR_LEAD,
    DSL,
    HEAD,
    PASSWORDS,
    STAFF,
    build_school,
)

CHAIR = "carys.chair.of.governors"
CHAIR_PASSWORD = "carys's own password 8"
ALLEGED = "Pushed a Year 3 pupil against the coat pegs 7719"
LOW_LEVEL = "Kept a pupil behind alone with the blinds down 6248"
ABOUT_HEAD = "The headteacher shouted and swore at a pupil 5093"
FILES = {"allegations.db": ALLEGED, "allegations_head.db": ABOUT_HEAD}

# Who, by password, and which allegations file they may open.
PEOPLE = {
    "staff": (STAFF, PASSWORDS[STAFF], set()),
    "dsl": (DSL, PASSWORDS[DSL], set()),
    "behaviour_lead": (BEHAVIOUR_LEAD, PASSWORDS[BEHAVIOUR_LEAD], set()),
    "admin": (ADMIN, PASSWORDS[ADMIN], set()),
    "head": (HEAD_USER, HEAD_PASSWORD, {"allegations.db"}),
    "second head": (HEAD, PASSWORDS[HEAD], {"allegations.db"}),
    "chair": (CHAIR, CHAIR_PASSWORD, {"allegations_head.db"}),
}


def _payload(what: str, **more: str) -> dict[str, str]:
    return {
        "subject_name": "Mr Rocket Raccoon",
        "subject_role": "Year 3 teacher",
        "happened_at": factories.earlier(2),
        "alleged": what,
        "raised_by": "A lunchtime supervisor",
        **more,
    }


def build(root: Path) -> SchoolStore:
    """The security school (one account per role; a second head granted in person), a chair
    of governors, an allegation and a low-level concern about staff, one about the head."""
    school = build_school(root)
    head = school.sign_in()
    try:
        add_account(head, CHAIR, {Role.CHAIR_OF_GOVERNORS}, CHAIR_PASSWORD)
        allegations.record_allegation(head, _payload(ALLEGED))
        allegations.record_low_level(
            head,
            {
                "subject_name": "Mr Rocket Raccoon",
                "subject_role": "Year 3 teacher",
                "happened_at": factories.earlier(1),
                "what": LOW_LEVEL,
                "raised_by": "Teaching assistant",
            },
        )
    finally:
        head.lock()
    chair = school.sign_in(CHAIR, CHAIR_PASSWORD)
    try:
        allegations.record_allegation(
            chair,
            _payload(ABOUT_HEAD, subject_username=HEAD_USER, subject_role="Headteacher"),
            about_head=True,
        )
    finally:
        chair.lock()
    return school


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> SchoolStore:
    return build(tmp_path_factory.mktemp("allegations") / "data")


def _readable(folder: Path, person: attacker.Loot) -> dict[str, str]:
    """Each allegations file this person's keys open, with everything in it as text."""
    found = {}
    for name in FILES:
        key = attacker.opening_key(folder / name, person.file_keys)
        if key is None:
            continue
        with attacker.raw_open(folder / name, key) as conn:
            assert conn is not None
            found[name] = attacker.dump(conn)
    return found


def test_each_file_exists_and_holds_its_record(school: SchoolStore) -> None:
    """Guard: the attacks below are worth something only if the files hold the records."""
    for name in FILES:
        assert (school.paths.root / name).exists()
    head = attacker.loot(school.paths.keys.read_bytes(), HEAD_USER, HEAD_PASSWORD)
    chair = attacker.loot(school.paths.keys.read_bytes(), CHAIR, CHAIR_PASSWORD)
    assert ALLEGED in _readable(school.paths.root, head)["allegations.db"]
    assert LOW_LEVEL in _readable(school.paths.root, head)["allegations.db"]
    assert ABOUT_HEAD in _readable(school.paths.root, chair)["allegations_head.db"]


@pytest.mark.parametrize("who", list(PEOPLE))
def test_raw_sqlcipher_with_every_key_the_account_unseals(school: SchoolStore, who: str) -> None:
    name, password, may_open = PEOPLE[who]
    person = attacker.loot(school.paths.keys.read_bytes(), name, password)
    assert person.account is not None, "their own password opens their own slot"
    readable = _readable(school.paths.root, person)
    assert set(readable) == may_open
    for file, secret in FILES.items():
        everywhere = "\n".join(readable.values())
        assert (secret in everywhere) == (file in may_open), file
    # Nor does any other file they open hold an allegation's words (school.db, its WAL...).
    others = attacker.everything_readable(school.paths.root, person)
    for secret in (ALLEGED, LOW_LEVEL, ABOUT_HEAD):
        assert not others.any(secret)


@pytest.mark.parametrize("who", list(PEOPLE))
def test_through_the_program(school: SchoolStore, who: str) -> None:
    name, password, may_open = PEOPLE[who]
    session = school.sign_in(name, password)
    try:
        opened = {f"{c.value}.db" for c in session.compartments}
        assert opened & set(FILES) == may_open
        for about_head, file in ((False, "allegations.db"), (True, "allegations_head.db")):
            if file in may_open:
                found = allegations.list_allegations(session, about_head=about_head)
                assert [a.alleged for a in found] == [FILES[file]]
            else:
                with pytest.raises(PermissionDenied):
                    allegations.list_allegations(session, about_head=about_head)
                with pytest.raises(PermissionDenied):
                    allegations.record_low_level(session, {}, about_head=about_head)
    finally:
        session.lock()


def test_the_recovery_key_opens_neither_file(school: SchoolStore) -> None:
    person = attacker.loot_with_recovery(school.paths.keys.read_bytes(), school.recovery_key)
    assert "school" in person.compartment_names()  # guard: the code is the right one
    assert not {"allegations", "allegations_head"} & person.compartment_names()
    assert _readable(school.paths.root, person) == {}


def test_the_recovery_key_holder_who_resets_the_heads_password_gets_no_allegations(
    tmp_path: Path,
) -> None:
    """Through the program: the recovery key sets a new password on the head's account (and on
    the chair's), then signs in as them. Neither file opens; the old keys are not resealed."""
    school = build(tmp_path / "data")
    paths = school.paths
    taken = "taken over 12345"
    for name in (HEAD_USER, CHAIR):
        vault.reset_with_recovery_key(paths, school.recovery_key, name, taken, FAST_KDF)
        session = school.sign_in(name, taken)
        try:
            assert not {Compartment.ALLEGATIONS, Compartment.ALLEGATIONS_HEAD} & set(
                session.compartments
            )
            for about_head in (False, True):
                with pytest.raises(PermissionDenied):
                    allegations.list_allegations(session, about_head=about_head)
        finally:
            session.lock()
        person = attacker.loot(paths.keys.read_bytes(), name, taken)
        assert _readable(paths.root, person) == {}


def test_a_disabled_heads_old_key_file_no_longer_opens_the_allegations_file(
    tmp_path: Path,
) -> None:
    """The second head keeps a copy of the key file; the administrator (not a member) disables
    them; the remaining head's next sign-in rotates the allegations file's keys."""
    school = build(tmp_path / "data")
    kept = school.paths.keys.read_bytes()
    before = attacker.loot(kept, HEAD, PASSWORDS[HEAD])
    assert "allegations.db" in _readable(school.paths.root, before)  # guard
    administrator = school.sign_in(ADMIN, PASSWORDS[ADMIN])
    try:
        users.disable_user(administrator, HEAD)
    finally:
        administrator.lock()
    head = school.sign_in()
    try:
        assert Compartment.ALLEGATIONS in head.rotation_due
        report = upkeep.after_sign_in(head)
        assert Compartment.ALLEGATIONS in report.rotated
        assert [a.alleged for a in allegations.list_allegations(head)] == [ALLEGED]
    finally:
        head.lock()
    old = attacker.merge(before, attacker.loot(school.paths.keys.read_bytes(), HEAD, "x" * 12))
    assert "allegations.db" not in _readable(school.paths.root, old)
    assert not attacker.everything_readable(school.paths.root, old).any(ALLEGED)


@pytest.mark.parametrize("maker", ["head", "dsl"])
def test_a_backup_holds_the_allegations_files_opened_only_by_their_members(
    school: SchoolStore, maker: str, tmp_path: Path
) -> None:
    """A backup (by the head, or by a DSL who copies the files as they are) keeps both
    allegations files; each person, with their slot in the backup's key file and the live
    one, opens only what they open live; the recovery key opens neither."""
    name, password, _files = PEOPLE[maker]
    session = school.sign_in(name, password)
    try:
        made = backup.create_backup(session, tmp_path / "usb")
    finally:
        session.lock()
    unpacked = attacker.unpack_backup(made, tmp_path / "unpacked")
    assert {"allegations.db", "allegations_head.db"} <= {p.name for p in unpacked.iterdir()}
    for who, (person_name, person_password, may_open) in PEOPLE.items():
        person = attacker.merge(
            attacker.loot((unpacked / "keys.json").read_bytes(), person_name, person_password),
            attacker.loot(school.paths.keys.read_bytes(), person_name, person_password),
        )
        assert set(_readable(unpacked, person)) == may_open, who
    recovery = attacker.loot_with_recovery(
        (unpacked / "keys.json").read_bytes(), school.recovery_key
    )
    assert _readable(unpacked, recovery) == {}


def test_a_restore_puts_the_allegations_back_and_changes_their_keys(tmp_path: Path) -> None:
    school = build(tmp_path / "data")
    head = school.sign_in()
    try:
        made = backup.create_backup(head, tmp_path / "usb")
        allegations.record_allegation(head, _payload("Made after the backup 3310"))
    finally:
        head.lock()
    kept = school.paths.keys.read_bytes()
    result = backup.restore_backup(school.paths, made, HEAD_USER, HEAD_PASSWORD)
    assert "allegations" in result.rotated
    assert "allegations_head" in result.pending  # the chair's, at the chair's next sign-in
    head = school.sign_in()
    try:
        assert [a.alleged for a in allegations.list_allegations(head)] == [ALLEGED]
    finally:
        head.lock()
    # The head's key file from before the restore no longer opens the file.
    old = attacker.loot(kept, HEAD_USER, HEAD_PASSWORD)
    assert "allegations.db" not in _readable(school.paths.root, old)
    chair = school.sign_in(CHAIR, CHAIR_PASSWORD)
    try:
        assert Compartment.ALLEGATIONS_HEAD in chair.rotation_due
        assert Compartment.ALLEGATIONS_HEAD in upkeep.after_sign_in(chair).rotated
        found = allegations.list_allegations(chair, about_head=True)
        assert [a.alleged for a in found] == [ABOUT_HEAD]
    finally:
        chair.lock()
