"""The administrator "reads no pupil record": not even through the passwords it sets.

An administrator makes accounts and chooses their first password (and, when the person
setting the school up is not the head, the headteacher's one-time password). It keeps a copy
of the key file. Whatever is later granted to those accounts in person must not open for the
administrator with the password it chose.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SchoolStore
from tests.security import attacker
from tests.security.attacker import admin
from tests.security.conftest import (
    ADMIN,
    AUTHOR,
    HEAD,
    PASSWORDS,
    STAFF,
    build_school,
    build_school_with_separate_head,
)

READING_FILES = {"safeguarding.db", "behaviour.db"}


def opens(root: Path, name: str, password: str) -> set[str]:
    person = attacker.loot((root / "keys.json").read_bytes(), name, password)
    return {
        f
        for f in attacker.COMPARTMENT_FILES
        if attacker.opening_key(root / f, person.file_keys) is not None
    }


def test_administrator_cannot_read_with_the_first_password_it_gave_a_new_dsl(
    tmp_path: Path,
) -> None:
    """`user add` with a password the administrator chose; the new DSL signs in with it and
    the head grants the role in person. The administrator, who still knows that password,
    must open no reading file (the grant waits until the holder has set their own, or the
    keys are sealed where that password cannot reach)."""
    school = build_school(tmp_path / "data")
    root = school.paths.root
    chosen = "chosen by the administrator 1"
    added = admin(
        root,
        "user",
        "add",
        "--user",
        ADMIN,
        "--new",
        "new.dsl.person",
        "--role",
        "dsl",
        "--display",
        "New DSL",
        password=PASSWORDS[ADMIN],
        env={"SAFEDESK_NEW_PASSWORD": chosen},
    )
    assert added.code == 0, added.err
    first = admin(root, "queue", "--user", "new.dsl.person", "--json", password=chosen)
    assert first.code == 3  # staff until granted
    admin(
        root,
        "user",
        "grant",
        "new.dsl.person",
        "--role",
        "dsl",
        "--user",
        HEAD,
        password=PASSWORDS[HEAD],
        env={"SAFEDESK_GRANTEE_PASSWORD": chosen},
    )

    assert opens(root, "new.dsl.person", chosen) & READING_FILES == set(), (
        "the administrator opens the new DSL's reading files with the password it chose"
    )


def test_administrator_cannot_read_with_the_heads_one_time_password(tmp_path: Path) -> None:
    """Set-up by someone who is not the head: the administrator gives the head a one-time
    password; the reading compartments are made at the head's first sign-in, "with the
    head's own password". The administrator, who chose the one-time password, must open no
    reading file with it."""
    school = build_school_with_separate_head(tmp_path / "data")
    root = school.paths.root
    assert opens(root, ADMIN, PASSWORDS[ADMIN]) == {"school.db"}
    one_time = PASSWORDS[HEAD]  # what the administrator typed in at set-up
    assert opens(root, HEAD, one_time) & READING_FILES == set(), (
        "the administrator opens every reading file with the head's one-time password"
    )


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
