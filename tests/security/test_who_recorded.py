"""Who recorded a concern is inside the seal: `school` only learns that something was put.

A member of staff holding the `school` key (every account does) reads everything in the
clear in `school.db`: the inbox item's time, and whatever else the same moment wrote. They
want to know which colleague reported (a parent on the staff, say). They must not be able to
tell from the file.
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


def test_school_db_does_not_say_who_put_an_inbox_item(tmp_path: Path) -> None:
    school = build_school(tmp_path / "data")
    root = school.paths.root
    # An ordinary morning: several people use safedesk before and after the report.
    for name in (BEHAVIOUR_LEAD, STAFF):
        done = attacker.admin(root, "pupils", "list", "--user", name, password=PASSWORDS[name])
        assert done.code == 0, done.err
    attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Reported quietly 7070")
    )
    done = attacker.admin(root, "pupils", "list", "--user", DSL, password=PASSWORDS[DSL])
    assert done.code == 0, done.err

    mal = attacker.loot(school.paths.keys.read_bytes(), STAFF, PASSWORDS[STAFF])
    key = attacker.school_key(mal, root)
    with attacker.raw_open(root / "school.db", key) as conn:
        assert conn is not None
        events = conn.execute(  # type: ignore[attr-defined]
            "SELECT seq, actor, action FROM audit_log ORDER BY seq"
        ).fetchall()
    assert [e for e in events if e[2] == "inbox.item_put" and e[1] is None], (
        "the school's audit log should record (without an actor) that an item was put"
    )
    # The attack: who was signed in (and not yet out) when the item was put.
    signed_in: list[str] = []
    suspects: list[set[str]] = []
    for _seq, actor, action in events:
        if action == "signin" and actor:
            signed_in.append(actor)
        elif action == "signout" and actor in signed_in:
            signed_in.remove(actor)
        elif action == "inbox.item_put":
            suspects.append(set(signed_in))
    assert suspects and suspects != [{AUTHOR}], (
        f"school.db's audit log shows who put the inbox item: {AUTHOR}"
    )
