"""Staff with the `school` key tampering with the sealed inbox behind the program's back.

They cannot read an inbox item, but they can delete, copy, alter or add rows. What they do
must show in the DSL's queue (an alarm) rather than silently change the record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from safedesk.services import records
from safedesk.store import sealed_items
from safedesk.store.crypto import SignKeys
from tests import factories
from tests.conftest import SchoolStore
from tests.security import attacker
from tests.security.attacker import admin
from tests.security.conftest import (
    AUTHOR,
    DSL,
    PASSWORDS,
    STAFF,
    build_school,
    concern_payload,
    sign_in,
)


@pytest.fixture
def school(tmp_path: Path) -> SchoolStore:
    return build_school(tmp_path / "data")


def staff_school_key(school: SchoolStore) -> tuple[attacker.Loot, bytes]:
    mal = attacker.loot(school.paths.keys.read_bytes(), STAFF, PASSWORDS[STAFF])
    return mal, attacker.school_key(mal, school.paths.root)


def alarms(queue: list[dict[str, object]]) -> list[dict[str, object]]:
    return [item for item in queue if item["kind"] == "alarm"]


def concern_refs(queue: list[dict[str, object]]) -> set[object]:
    return {item["ref"] for item in queue if item["kind"] == "concern"}


def test_deleted_inbox_item_raises_a_gap_alarm_in_the_dsl_queue(school: SchoolStore) -> None:
    root = school.paths.root
    first = attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("First worry 1201")
    )
    second = attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Second worry 1202")
    )
    _mal, key = staff_school_key(school)
    rows = attacker.inbox_rows(root, key)
    assert len(rows) == 2
    with attacker.raw_write(root / "school.db", key) as conn:
        conn.execute("DELETE FROM inbox_item WHERE id = ?", (rows[0][0],))  # type: ignore[attr-defined]

    queue = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    assert concern_refs(queue) == {second}
    assert first not in concern_refs(queue)
    found = alarms(queue)
    assert found, "a deleted inbox item raised no alarm in the DSL's queue"
    assert any(AUTHOR in str(a["what"]) for a in found)


def test_deleting_the_latest_inbox_item_does_not_go_unseen(school: SchoolStore) -> None:
    """The attacker deletes the one concern waiting (the author's latest): no later item
    reveals a gap. It must still be seen: an alarm in the DSL's queue, or `verify` failing."""
    root = school.paths.root
    attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Only worry 1301")
    )
    _mal, key = staff_school_key(school)
    with attacker.raw_write(root / "school.db", key) as conn:
        conn.execute("DELETE FROM inbox_item")  # type: ignore[attr-defined]

    queue = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    checked = admin(root, "verify", "--user", DSL, password=PASSWORDS[DSL])
    assert alarms(queue) or checked.code == 1, (
        "a staff member deleted a colleague's concern from the inbox; the DSL's queue shows "
        f"no alarm and verify says: {checked.out.strip()!r}"
    )


def test_replayed_inbox_item_is_taken_in_once(school: SchoolStore) -> None:
    root = school.paths.root
    ref = attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Replayed worry 1401")
    )
    _mal, key = staff_school_key(school)
    with attacker.raw_write(root / "school.db", key) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO inbox_item (compartment, put_at, item) "
            "SELECT compartment, put_at, item FROM inbox_item"
        )
    queue = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    assert [item["ref"] for item in queue if item["kind"] == "concern"] == [ref]


def test_altered_inbox_item_is_kept_back_with_an_alarm_not_lost(school: SchoolStore) -> None:
    root = school.paths.root
    attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Altered worry 1501")
    )
    _mal, key = staff_school_key(school)
    with attacker.raw_write(root / "school.db", key) as conn:
        (item,) = conn.execute("SELECT item FROM inbox_item").fetchone()  # type: ignore[attr-defined]
        flipped = bytearray(item)
        flipped[-5] ^= 0x01
        conn.execute("UPDATE inbox_item SET item = ?", (bytes(flipped),))  # type: ignore[attr-defined]
    queue = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    assert concern_refs(queue) == set()
    assert alarms(queue)


def test_concern_forged_in_a_colleagues_name_is_not_taken_in_as_theirs_silently(
    school: SchoolStore,
) -> None:
    """A member of staff uses the program's own code to seal a concern to the (pinned,
    genuine) safeguarding key, claiming a colleague who has not recorded anything yet as
    its author, signed with a key that is not the colleague's. The DSL must not receive it
    as the colleague's record without an alarm."""
    root = school.paths.root
    mal, key = staff_school_key(school)
    assert mal.account is not None
    pin = mal.account.pins["safeguarding"]
    body = concern_payload("Forged words in a colleague's name 1601")
    fields = {
        "author": AUTHOR,
        "seq": 1,
        "op": "record",
        "ref": "C-2099-0001",
        "kind": "concern",
        "body": body,
        "recorded_at": datetime.now(UTC).isoformat(),
    }
    forged = sealed_items.seal_item(
        mal.store_id,
        "safeguarding",
        pin.epoch,
        pin.box_public,
        SignKeys.generate(),
        fields,
        author_box=mal.account.box.public,
        mailbox=b"\x01" * 32,
        certs=[],
    )
    with attacker.raw_write(root / "school.db", key) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO inbox_item (compartment, put_at, item) VALUES (?, ?, ?)",
            ("safeguarding", datetime.now(UTC).isoformat(), forged),
        )

    queue = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    dsl = sign_in(school, DSL)
    try:
        authors = {e.ref: e.author for e in records.pupil_records(dsl, factories.PUPIL_A)}
    finally:
        dsl.lock()
    taken_as_theirs = authors.get("C-2099-0001") == AUTHOR
    assert not taken_as_theirs or alarms(queue), (
        f"a concern forged by {STAFF} was filed as written by {AUTHOR}, with no alarm"
    )
