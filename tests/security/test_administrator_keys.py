"""The administrator "reads no pupil record": not even through the passwords it sets.

An administrator makes accounts and chooses their first password (and, when the person
setting the school up is not the head, the headteacher's one-time password). It keeps copies
of the key file (every Windows user on the PC can read and write keys.json), and it knows
what is inside the key slots it made, since it knows their passwords. Whatever is later
granted to those accounts in person must not open for the administrator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from safedesk.paths import DataPaths
from safedesk.services import users, vault
from safedesk.services.setup import Headteacher
from safedesk.store import sealed_items
from safedesk.store.crypto import FAST_KDF, CannotOpen
from safedesk.store.key_material import AccountSecrets, CompartmentKeys
from tests.conftest import SCHOOL_NAME, SchoolStore
from tests.security import attacker
from tests.security.attacker import admin
from tests.security.conftest import (
    ADMIN,
    AUTHOR,
    DSL,
    DSL_FIRST_PASSWORD,
    HEAD,
    HEAD_ONE_TIME_PASSWORD,
    PASSWORDS,
    STAFF,
    build_school,
    build_school_with_separate_head,
    concern_payload,
)

READING_FILES = {"safeguarding.db", "behaviour.db"}
READING = ("safeguarding", "behaviour")
NEW_DSL = "new.dsl.person"
CHOSEN = "chosen by the administrator 1"  # the first password the administrator gave
OWN = "the new dsl's very own 1"  # what the new DSL chooses, in person


def opens(root: Path, name: str, password: str, *kept: bytes) -> set[str]:
    """What ``name``'s slot opened with ``password`` gives, in the live key file and in any
    copies of it ``kept`` earlier."""
    live = (root / "keys.json").read_bytes()
    person = attacker.merge(*(attacker.loot(k, name, password) for k in (live, *kept)))
    return attacker.opens(root, person)


def add_new_dsl(root: Path) -> None:
    """`user add` by the administrator: the DSL role is asked for; the password is its own
    choice."""
    added = admin(
        root,
        "user",
        "add",
        "--user",
        ADMIN,
        "--new",
        NEW_DSL,
        "--role",
        "dsl",
        "--display",
        "New DSL",
        password=PASSWORDS[ADMIN],
        env={"SAFEDESK_NEW_PASSWORD": CHOSEN},
    )
    assert added.code == 0, added.err


def grant_new_dsl(root: Path, **env: str) -> attacker.Ran:
    """The head grants the DSL role in person: the new DSL types their password(s)."""
    return admin(
        root,
        "user",
        "grant",
        NEW_DSL,
        "--role",
        "dsl",
        "--user",
        HEAD,
        password=PASSWORDS[HEAD],
        env={"SAFEDESK_GRANTEE_PASSWORD": CHOSEN, **env},
    )


def test_administrator_cannot_read_with_the_first_password_it_gave_a_new_dsl(
    tmp_path: Path,
) -> None:
    """`user add` with a password the administrator chose; the new DSL (or the administrator,
    who knows the password) signs in with it, and the administrator keeps a copy of the key
    file. A grant on that password alone is refused; the grant made in person, with a
    password of the new DSL's own, gives keys that neither the chosen password nor the
    kept copy reaches."""
    school = build_school(tmp_path / "data")
    root = school.paths.root
    add_new_dsl(root)
    first = admin(root, "queue", "--user", NEW_DSL, "--json", password=CHOSEN)
    assert first.code == 3  # staff until granted
    kept = (root / "keys.json").read_bytes()

    refused = grant_new_dsl(root)
    assert refused.code == 3, (refused.code, refused.err)
    assert opens(root, NEW_DSL, CHOSEN) == {"school.db"}

    granted = grant_new_dsl(root, SAFEDESK_GRANTEE_NEW_PASSWORD=OWN)
    assert granted.code == 0, granted.err
    assert opens(root, NEW_DSL, OWN) == set(attacker.COMPARTMENT_FILES)  # the control
    assert opens(root, NEW_DSL, CHOSEN, kept) & READING_FILES == set(), (
        "the administrator opens the new DSL's reading files with the password it chose"
    )


def test_administrator_cannot_read_with_the_heads_one_time_password(tmp_path: Path) -> None:
    """Set-up by someone who is not the head: the administrator gives the head a one-time
    password and keeps copies of the key file (after set-up, and after the head's first
    sign-in on it). The reading compartments are made "with the head's own password". The
    administrator must open no reading file with the one-time password and those copies."""
    kept: list[bytes] = []
    school = build_school_with_separate_head(tmp_path / "data", kept)
    root = school.paths.root
    assert len(kept) == 2
    assert opens(root, ADMIN, PASSWORDS[ADMIN], *kept) == {"school.db"}
    assert opens(root, HEAD, HEAD_ONE_TIME_PASSWORD, *kept) & READING_FILES == set(), (
        "the administrator opens every reading file with the head's one-time password"
    )
    # Nor with the first password it gave the DSL, granted later in person.
    assert opens(root, DSL, DSL_FIRST_PASSWORD, *kept) & READING_FILES == set()
    assert opens(root, DSL, PASSWORDS[DSL]) == set(attacker.COMPARTMENT_FILES)  # the control


@pytest.mark.parametrize(
    "builder",
    [build_school, build_school_with_separate_head],
    ids=["head-sets-up", "separate-head-at-set-up"],
)
def test_recovery_key_still_resets_a_password_after_the_administrator_disables_someone(
    tmp_path: Path, builder: Callable[[Path], SchoolStore]
) -> None:
    """Not an attack but what the attacks rely on being there: the recovery key is a member
    of every file and "can reset any password". A rotation of `school` made by an
    administrator (here, disabling a leaver) must keep it sealed to the recovery key."""
    school = builder(tmp_path / "data")
    root = school.paths.root
    done = admin(root, "user", "disable", STAFF, "--user", ADMIN, password=PASSWORDS[ADMIN])
    assert done.code == 0, done.err
    reset = admin(
        root,
        "passwd",
        "--user",
        AUTHOR,
        "--recovery",
        env={
            "SAFEDESK_RECOVERY_KEY": school.recovery_key,
            "SAFEDESK_NEW_PASSWORD": "a brand new password 12",
        },
    )
    assert reset.code == 0, reset.err
    assert opens(root, AUTHOR, "a brand new password 12") == {"school.db"}


def test_the_heads_first_own_password_on_the_command_line_shows_the_recovery_key(
    tmp_path: Path,
) -> None:
    """Separate-head set-up, done with safedesk-admin: the head's `passwd` on the one-time
    password makes the reading files and the recovery key. The code must be shown to the
    head (once), or nobody can ever use the key that is a member of every file."""
    paths = DataPaths(tmp_path / "data")
    vault.create_school(
        paths,
        school_name=SCHOOL_NAME,
        username=ADMIN,
        display_name="Ada Administrator",
        password=PASSWORDS[ADMIN],
        kdf=FAST_KDF,
        headteacher=Headteacher(HEAD, "Hana Headteacher", HEAD_ONE_TIME_PASSWORD),
    )
    done = admin(
        paths.root,
        "passwd",
        "--user",
        HEAD,
        password=HEAD_ONE_TIME_PASSWORD,
        env={"SAFEDESK_NEW_PASSWORD": PASSWORDS[HEAD]},
    )
    assert done.code == 0, done.err
    assert opens(paths.root, HEAD, PASSWORDS[HEAD]) == set(attacker.COMPARTMENT_FILES)
    codes = re.findall(r"\b[A-Z2-9]{5}(?:-[A-Z2-9]{5}){4}\b", done.out)
    assert codes, f"the recovery key was made but its code never shown: {done.out.strip()!r}"
    reset = admin(
        paths.root,
        "passwd",
        "--user",
        HEAD,
        "--recovery",
        env={"SAFEDESK_RECOVERY_KEY": codes[0], "SAFEDESK_NEW_PASSWORD": "reset by recovery 55"},
    )
    assert reset.code == 0, reset.err


# --- second round: what the administrator can do with the slots whose passwords it knows ---


def _mark_own(secrets: AccountSecrets) -> None:
    secrets.origin = "own"


def test_administrator_cannot_pass_its_chosen_password_off_as_the_holders_own(
    tmp_path: Path,
) -> None:
    """The administrator adds a DSL with a password it chose, then opens the new account's
    slot with that password and writes `origin: own` into it (keys.json is writable by every
    Windows user; the slot is wrapped under a password the administrator knows). The head
    grants the role in person; the new DSL types the password they were given, and the
    program asks for no other. A reading role must still not go to a password the
    administrator chose: the grant is refused, or the keys are out of its reach."""
    school = build_school(tmp_path / "data")
    root = school.paths.root
    add_new_dsl(root)
    attacker.edit_slot(school.paths.keys, NEW_DSL, CHOSEN, _mark_own)

    done = grant_new_dsl(root)
    reached = opens(root, NEW_DSL, CHOSEN) & READING_FILES
    assert done.code == 3 or reached == set(), (
        f"the grant on the administrator's password succeeded (exit {done.code}) once the "
        f"administrator marked it as the holder's own in the slot; with it the administrator "
        f"opens {sorted(reached)}"
    )


def test_administrator_cannot_pass_the_heads_one_time_password_off_as_the_heads_own(
    tmp_path: Path,
) -> None:
    """Separate-head set-up: before the head's first sign-in, the administrator opens the
    head's pending slot with the one-time password it chose and writes `origin: own` into
    it. The head then signs in on the one-time password as told. The first keys must not be
    made under a password the administrator knows."""
    paths = DataPaths(tmp_path / "data")
    vault.create_school(
        paths,
        school_name=SCHOOL_NAME,
        username=ADMIN,
        display_name="Ada Administrator",
        password=PASSWORDS[ADMIN],
        kdf=FAST_KDF,
        headteacher=Headteacher(HEAD, "Hana Headteacher", HEAD_ONE_TIME_PASSWORD),
    )
    attacker.edit_slot(paths.keys, HEAD, HEAD_ONE_TIME_PASSWORD, _mark_own)

    head = vault.sign_in(paths, HEAD, HEAD_ONE_TIME_PASSWORD, kdf=FAST_KDF)
    asked_to_choose = head.password_from_administrator
    head.lock()

    reached = opens(paths.root, HEAD, HEAD_ONE_TIME_PASSWORD) & READING_FILES
    assert reached == set(), (
        f"the head's first sign-in on the administrator's one-time password, marked 'own' by "
        f"the administrator, made the reading files under it: the administrator opens "
        f"{sorted(reached)} (and the app asks the head to choose a password: {asked_to_choose})"
    )


def test_administrator_who_signs_in_as_the_head_first_holds_no_reading_key(
    tmp_path: Path,
) -> None:
    """Separate-head set-up: the administrator, who chose the head's one-time password, signs
    in with it before the head does and "chooses" a password: the reading files and the
    recovery key are made, and the administrator notes the recovery code shown. It sets the
    one-time password back. The head signs in as told, finds everything working, and
    chooses their own password. The administrator must hold no key that opens a reading
    file."""
    paths = DataPaths(tmp_path / "data")
    vault.create_school(
        paths,
        school_name=SCHOOL_NAME,
        username=ADMIN,
        display_name="Ada Administrator",
        password=PASSWORDS[ADMIN],
        kdf=FAST_KDF,
        headteacher=Headteacher(HEAD, "Hana Headteacher", HEAD_ONE_TIME_PASSWORD),
    )
    interim = "the administrator's interim 1"
    posing = vault.sign_in(paths, HEAD, HEAD_ONE_TIME_PASSWORD, kdf=FAST_KDF)
    try:
        users.change_own_password(posing, HEAD_ONE_TIME_PASSWORD, interim, kdf=FAST_KDF)
        code = posing.new_recovery_code
    finally:
        posing.lock()
    posing = vault.sign_in(paths, HEAD, interim, kdf=FAST_KDF)
    try:
        users.change_own_password(posing, interim, HEAD_ONE_TIME_PASSWORD, kdf=FAST_KDF)
    finally:
        posing.lock()
    assert code is not None

    head = vault.sign_in(paths, HEAD, HEAD_ONE_TIME_PASSWORD, kdf=FAST_KDF)
    try:
        # It all works (safeguarding, behaviour, allegations); nothing asks the head anything.
        assert len(head.compartments) == 3
        users.change_own_password(head, HEAD_ONE_TIME_PASSWORD, PASSWORDS[HEAD], kdf=FAST_KDF)
        shown_to_head = head.new_recovery_code
        warned = head.warning or ""
    finally:
        head.lock()

    held = attacker.loot_with_recovery(paths.keys.read_bytes(), code)
    reached = attacker.opens(paths.root, held) & READING_FILES
    # Nothing in the files tells the head from someone who knew the head's one-time password
    # and used it first (docs/compartments.md names this limit). What the head can tell is
    # whether they hold the printed code: choosing their own password, they are asked to check.
    told = "recovery key" in warned and "do not hold that" in warned
    assert reached == set() or (told and shown_to_head is None), (
        f"the administrator signed in first on the head's one-time password, took the "
        f"recovery code, and opens {sorted(reached)} with it after the head chose their own "
        f"password (the head was shown a recovery code: {shown_to_head is not None})"
    )


SECRET = "Mum's boyfriend locks her in the shed 4471"


@pytest.mark.parametrize("where", ["same-epoch", "on-top"])
@pytest.mark.parametrize("how", ["new-account", "password-reset"])
def test_administrator_who_edits_the_pins_it_hands_out_reads_nothing_they_record(
    tmp_path: Path, how: str, where: str
) -> None:
    """A confirmed administrator opens its own key slot and swaps the compartment keys pinned
    there for key pairs it made. The accounts it then makes (or whose password it resets,
    an everyday job) take their pins from it. Their holder records a concern. The
    administrator must not be able to read it."""
    school = build_school(tmp_path / "data")
    root = school.paths.root
    genuine = attacker.loot(school.paths.keys.read_bytes(), ADMIN, PASSWORDS[ADMIN])
    assert genuine.account is not None
    real_pins = {c: genuine.account.pins[c] for c in READING}
    # "on-top": the fake keys published in `school` as the next epoch (signed by nobody who
    # held the file), so the pin matches a published row (break-it pass, step 11).
    above = 1 if where == "on-top" else 0
    fake = {c: CompartmentKeys.generate(c, real_pins[c].epoch + above) for c in READING}
    if above:
        with attacker.raw_write(root / "school.db", attacker.school_key(genuine, root)) as conn:
            for compartment, keys in fake.items():
                conn.execute(  # type: ignore[attr-defined]
                    "INSERT INTO compartment_key (compartment, epoch, box_public, sign_public, "
                    "signature, published_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        compartment,
                        keys.pin.epoch,
                        keys.pin.box_public,
                        keys.pin.sign_public,
                        b"x" * 64,
                        "2026-11-30T08:00:00+00:00",
                    ),
                )

    def swap(secrets: AccountSecrets) -> None:
        for compartment, keys in fake.items():
            secrets.pins[compartment] = keys.pin

    attacker.edit_slot(school.paths.keys, ADMIN, PASSWORDS[ADMIN], swap)

    one_time = "given by the administrator 9"
    if how == "new-account":
        victim = "newly.joined.teacher"
        done = admin(
            root,
            "user",
            "add",
            "--user",
            ADMIN,
            "--new",
            victim,
            "--role",
            "staff",
            "--display",
            "New Teacher",
            password=PASSWORDS[ADMIN],
            env={"SAFEDESK_NEW_PASSWORD": one_time},
        )
    else:
        victim = AUTHOR
        done = admin(
            root,
            "passwd",
            "--target",
            AUTHOR,
            "--user",
            ADMIN,
            password=PASSWORDS[ADMIN],
            env={"SAFEDESK_NEW_PASSWORD": one_time},
        )
    assert done.code == 0, done.err
    source = tmp_path / "concern.json"
    source.write_text(json.dumps(concern_payload(SECRET)), "utf-8")
    recorded = admin(
        root, "record", "concern", "--user", victim, "--json", str(source), password=one_time
    )
    if recorded.code != 0:
        # Refused before anything was sealed: the pins handed out are not in the chain the
        # school's own files publish. Nothing was written for the administrator to read.
        assert "nothing was recorded" in recorded.err, recorded.err
        now_held = attacker.loot(school.paths.keys.read_bytes(), ADMIN, PASSWORDS[ADMIN])
        with attacker.raw_open(root / "school.db", attacker.school_key(now_held, root)) as conn:
            waiting = conn.execute("SELECT count(*) FROM inbox_item").fetchone()[0]  # type: ignore[attr-defined]
        assert waiting == 0
        return
    ref = recorded.out.strip()

    # The administrator opens what waits in the inbox with the key it made, then seals the
    # very same signed item to the genuine key, so the DSL takes it in as usual.
    mal = attacker.loot(school.paths.keys.read_bytes(), ADMIN, PASSWORDS[ADMIN])
    key = attacker.school_key(mal, root)
    read: list[str] = []
    for row_id, compartment, _at, item in attacker.inbox_rows(root, key):
        try:
            opened, again = attacker.reseal(
                mal.store_id,
                compartment,
                item,
                fake[compartment].box.private,
                real_pins[compartment],
            )
        except (CannotOpen, sealed_items.BadItem):
            continue  # not sealed to the administrator's key
        read.append(str(opened["body"]))
        with attacker.raw_write(root / "school.db", key) as conn:
            conn.execute("UPDATE inbox_item SET item = ? WHERE id = ?", (again, row_id))  # type: ignore[attr-defined]

    queue = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    taken = ref in {i["ref"] for i in queue if i["kind"] == "concern"}
    alarms = [i["what"] for i in queue if i["kind"] == "alarm"]
    assert not any(SECRET in text for text in read), (
        f"the administrator read the concern {ref} that {victim} recorded ({how}), by "
        f"swapping the pins in its own slot; resealed, it reached the DSL's queue: {taken}, "
        f"alarms there: {alarms}"
    )
