"""Someone with a key edits a database behind the program's back.

Every account holds the `school` key, so any member of staff can rewrite `school.db` with a
raw connection: its accounts, roles and waiting rotations included. The design's promise is
that such a person reads no more than their role allows and that what they change is found
by `verify`; roles that read are backed by keys, so a role written into `school` must give
nothing, and a role deleted there must not take a member's keys away unnoticed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk.domain.entries import Kind
from safedesk.services import queue, records
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore
from tests.security import attacker
from tests.security.attacker import admin
from tests.security.conftest import (
    AUTHOR,
    CONCERN_TEXT,
    DSL,
    PASSWORDS,
    STAFF,
    build_school,
    concern_payload,
    sign_in,
)

NOW = "2026-01-05T08:00:00+00:00"


@pytest.fixture
def school(tmp_path: Path) -> SchoolStore:
    return build_school(tmp_path / "data")


def staff_edit(school: SchoolStore, sql: list[tuple[str, tuple[object, ...]]]) -> None:
    """A member of staff runs SQL on the live `school.db` with the key their password gives."""
    mal = attacker.loot(school.paths.keys.read_bytes(), STAFF, PASSWORDS[STAFF])
    key = attacker.school_key(mal, school.paths.root)
    with attacker.raw_write(school.paths.root / "school.db", key) as conn:
        for statement, params in sql:
            conn.execute(statement, params)  # type: ignore[attr-defined]


def verify_by_head(school: SchoolStore) -> attacker.Ran:
    return admin(school.paths.root, "verify", "--user", HEAD_USER, password=HEAD_PASSWORD)


def opens(school: SchoolStore, name: str) -> set[str]:
    person = attacker.loot(school.paths.keys.read_bytes(), name, PASSWORDS[name])
    return {
        f
        for f in attacker.COMPARTMENT_FILES
        if attacker.opening_key(school.paths.root / f, person.file_keys) is not None
    }


def test_reading_role_written_into_school_db_opens_nothing(school: SchoolStore) -> None:
    """Staff give themselves the DSL and head roles in `user_role`: no key comes with it."""
    user_id = f"(SELECT id FROM user WHERE username = '{STAFF}')"
    staff_edit(
        school,
        [
            (
                f"INSERT INTO user_role (user_id, role, granted_by, granted_at) "
                f"VALUES ({user_id}, ?, ?, ?)",
                (role, HEAD_USER, NOW),
            )
            for role in ("dsl", "head")
        ],
    )
    refused = admin(
        school.paths.root, "queue", "--user", STAFF, "--json", password=PASSWORDS[STAFF]
    )
    assert refused.code == 3
    assert opens(school, STAFF) == {"school.db"}


def test_administrator_role_written_into_school_db_gives_no_administrator_power(
    school: SchoolStore,
) -> None:
    """Staff give themselves the administrator role in `user_role`, then try to disable the
    DSL. Either the forged role is not honoured or `verify` finds the edit."""
    user_id = f"(SELECT id FROM user WHERE username = '{STAFF}')"
    staff_edit(
        school,
        [
            (
                "INSERT INTO user_role (user_id, role, granted_by, granted_at) "
                f"VALUES ({user_id}, 'admin', ?, ?)",
                (HEAD_USER, NOW),
            )
        ],
    )
    done = admin(
        school.paths.root, "user", "disable", DSL, "--user", STAFF, password=PASSWORDS[STAFF]
    )
    checked = verify_by_head(school)
    assert done.code == 3 or checked.code == 1, (
        f"a member of staff who wrote an administrator role into school.db disabled the DSL "
        f"(exit {done.code}: {done.out.strip()!r}) and verify exits {checked.code}"
    )


def test_dsl_role_deleted_from_school_db_does_not_take_the_dsls_keys_away_unnoticed(
    school: SchoolStore,
) -> None:
    """Staff delete the DSL's role and forge a waiting rotation for them. The head then
    signs in as usual. The DSL must keep their keys, or `verify` must find the edit."""
    user_id = f"(SELECT id FROM user WHERE username = '{DSL}')"
    staff_edit(
        school,
        [
            (f"DELETE FROM user_role WHERE user_id = {user_id} AND role = 'dsl'", ()),
            *[
                (
                    "INSERT INTO rotation_pending (compartment, username, reason, since, "
                    "asked_by) VALUES (?, ?, 'role removed', ?, ?)",
                    (compartment, DSL, NOW, HEAD_USER),
                )
                for compartment in ("safeguarding", "behaviour")
            ],
        ],
    )
    assert (
        admin(
            school.paths.root, "queue", "--user", HEAD_USER, "--json", password=HEAD_PASSWORD
        ).code
        == 0
    )
    still_dsl = admin(school.paths.root, "queue", "--user", DSL, "--json", password=PASSWORDS[DSL])
    checked = verify_by_head(school)
    kept = still_dsl.code == 0 and opens(school, DSL) >= {"safeguarding.db", "behaviour.db"}
    assert kept or checked.code == 1, (
        f"a member of staff removed the DSL's access by editing school.db: the DSL's queue "
        f"exits {still_dsl.code}, they open {sorted(opens(school, DSL))}, verify exits "
        f"{checked.code}"
    )


def test_record_rewritten_by_a_member_behind_the_program_is_found_by_verify(
    school: SchoolStore,
) -> None:
    """A DSL (who holds the safeguarding key) drops the append-only trigger, rewrites a
    concern's text and puts the trigger back. `verify` must find it."""
    author = sign_in(school, AUTHOR)
    try:
        records.record(author, Kind.CONCERN, concern_payload(CONCERN_TEXT))
    finally:
        author.lock()
    dsl = sign_in(school, DSL)
    try:
        queue.load_queue(dsl)
    finally:
        dsl.lock()
    person = attacker.loot(school.paths.keys.read_bytes(), DSL, PASSWORDS[DSL])
    db = school.paths.root / "safeguarding.db"
    key = attacker.opening_key(db, person.file_keys)
    assert key is not None
    with attacker.raw_write(db, key) as conn:
        triggers = conn.execute(  # type: ignore[attr-defined]
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'concern'"
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')  # type: ignore[attr-defined]
        changed = conn.execute(  # type: ignore[attr-defined]
            "UPDATE concern SET description = 'Nothing of concern was seen.' WHERE description = ?",
            (CONCERN_TEXT,),
        ).rowcount
        for _name, sql in triggers:
            conn.execute(sql)  # type: ignore[attr-defined]
    assert changed == 1
    checked = verify_by_head(school)
    assert checked.code == 1, f"verify did not find a rewritten concern: {checked.out.strip()!r}"
