"""Who recorded a concern is inside the seal: `school` only learns that something was put.

A member of staff holding the `school` key (every account does) reads everything in the
clear in `school.db`: the inbox item's time, and whatever else the same moment wrote. They
want to know which colleague reported, and what (a parent on the staff, say). Nothing the
recording writes into `school.db` may say it.

Residual, to be documented rather than prevented: `school.db` is one file shared by every
account and its audit log records each sign-in and sign-out by name, so the times alone let
anyone holding the `school` key guess who was signed in when an inbox item appeared. The
inbox row also names the compartment it waits for (safeguarding, i.e. a concern, or
behaviour), and an author's sealed copies share one owner tag and one sequence counter per
compartment, so once one item is tied to a person by its timing, the others they recorded
are tied to them too.
"""

from __future__ import annotations

from pathlib import Path

from tests.security import attacker
from tests.security.conftest import (
    AUTHOR,
    BEHAVIOUR_LEAD,
    DSL,
    PASSWORDS,
    STAFF,
    build_school,
    concern_payload,
)

WORDS = "Reported quietly about her stepfather 7070"
CHILD_WORDS = "He said not to tell anyone 7071"


def school_rows(root: Path, key: bytes) -> dict[str, set[tuple[object, ...]]]:
    """Every row of every table of the live `school.db` (read on a copy)."""
    with attacker.raw_open(root / "school.db", key) as conn:
        assert conn is not None
        tables = [
            r[0]
            for r in conn.execute(  # type: ignore[attr-defined]
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            ).fetchall()
        ]
        found = {}
        for table in tables:
            try:
                rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()  # type: ignore[attr-defined]
            except Exception:  # noqa: S112 - a virtual table whose module is missing
                continue
            found[table] = {tuple(r) for r in rows}
        return found


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def test_nothing_the_recording_writes_in_school_db_names_the_author_the_kind_or_the_words(
    tmp_path: Path,
) -> None:
    school = build_school(tmp_path / "data")
    root = school.paths.root
    mal = attacker.loot(school.paths.keys.read_bytes(), STAFF, PASSWORDS[STAFF])
    key = attacker.school_key(mal, root)
    # An ordinary morning: several people use safedesk before and after the report.
    for name in (BEHAVIOUR_LEAD, STAFF):
        done = attacker.admin(root, "pupils", "list", "--user", name, password=PASSWORDS[name])
        assert done.code == 0, done.err
    before = school_rows(root, key)
    ref = attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload(WORDS, CHILD_WORDS)
    )
    after = school_rows(root, key)
    # (The DSL takes it in afterwards: the item leaves the inbox, receipts are sealed.)
    done = attacker.admin(root, "pupils", "list", "--user", DSL, password=PASSWORDS[DSL])
    assert done.code == 0, done.err
    later = school_rows(root, key)

    assert len(after["inbox_item"] - before["inbox_item"]) == 1
    assert after["sealed_copy"] - before["sealed_copy"]
    audit_columns = ("seq", "at", "actor", "action")
    with attacker.raw_open(root / "school.db", key) as conn:
        assert conn is not None
        names = [d[1] for d in conn.execute("PRAGMA table_info(audit_log)").fetchall()]  # type: ignore[attr-defined]
    assert all(c in names for c in audit_columns)
    actor_at, action_at = names.index("actor"), names.index("action")
    put = [r for r in after["audit_log"] - before["audit_log"] if r[action_at] == "inbox.item_put"]
    assert put and all(r[actor_at] is None for r in put), put

    forbidden = {
        AUTHOR,
        f"Test {AUTHOR}",
        ref,
        "concern",
        "neglect",
        WORDS,
        CHILD_WORDS,
        *WORDS.split()[-2:],
    }
    # The residual above: sign-in times are by name, and so is each signed chain head of a
    # sign-in or sign-out (and the signing key a sign-in registers).
    signing_in = {"signin", "signout", "signer.key"}
    session_heads = {
        r[0] for state in (after, later) for r in state["audit_log"] if r[action_at] in signing_in
    }
    found: list[tuple[str, str, str]] = []
    for state in (after, later):
        for table, rows in state.items():
            for row in rows - before.get(table, set()):
                if table == "audit_log" and row[action_at] in signing_in:
                    continue
                if table == "signed_head" and row[0] in session_heads:
                    continue
                for value in row:
                    text = _text(value)
                    found += [(table, word, text[:80]) for word in forbidden if word in text]
    assert found == [], f"school.db says who recorded it, or what: {sorted(set(found))}"
