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
        identity=[],
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


# --- second round: the counters and the receipts are in `school` too -------------------------


def verdict(ran: attacker.Ran) -> str:
    """The last line verify printed (its verdict)."""
    lines = (ran.out + ran.err).strip().splitlines()
    return lines[-1] if lines else ""


def school_table(root: Path, key: bytes, table: str) -> set[tuple[object, ...]]:
    with attacker.raw_open(root / "school.db", key) as conn:
        assert conn is not None
        return {tuple(r) for r in conn.execute(f"SELECT * FROM {table}").fetchall()}  # type: ignore[attr-defined]


def remove_item_and_its_number(
    root: Path, key: bytes, counters_before: set[tuple[object, ...]]
) -> None:
    """Delete what waits and put the author counters back as they were before it was put
    (a member of staff watching `school.db` sees which counter moved when the item came)."""
    with attacker.raw_write(root / "school.db", key) as conn:
        conn.execute("DELETE FROM inbox_item")  # type: ignore[attr-defined]
        conn.execute("DELETE FROM author_sequence")  # type: ignore[attr-defined]
        conn.executemany(  # type: ignore[attr-defined]
            "INSERT INTO author_sequence (owner, last) VALUES (?, ?)", sorted(counters_before)
        )


@pytest.mark.parametrize("which", ["authors-first", "authors-latest"])
def test_removing_an_item_together_with_its_number_does_not_go_unseen(
    school: SchoolStore, which: str
) -> None:
    """The attacker deletes the waiting concern and also puts back the author's counter in
    `author_sequence` (or removes the row it made). The DSL's sign-in must still raise an
    alarm, or `verify` fail."""
    root = school.paths.root
    _mal, key = staff_school_key(school)
    if which == "authors-latest":
        attacker.record_with_cli(
            root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Earlier worry 1701")
        )
        attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    counters = school_table(root, key, "author_sequence")
    ref = attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Removed worry 1702")
    )
    assert school_table(root, key, "author_sequence") != counters
    remove_item_and_its_number(root, key, counters)

    queue = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    checked = admin(root, "verify", "--user", DSL, password=PASSWORDS[DSL])
    assert ref not in concern_refs(queue)
    assert alarms(queue) or checked.code == 1, (
        f"a member of staff removed {AUTHOR}'s concern {ref} ({which}) and its number from "
        f"author_sequence: no alarm in the DSL's queue, verify says {verdict(checked)!r}"
    )


def test_deleting_every_counter_does_not_hide_a_removed_item(school: SchoolStore) -> None:
    """Blunter still: every row of `author_sequence` deleted with the inbox item."""
    root = school.paths.root
    ref = attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Removed worry 1801")
    )
    _mal, key = staff_school_key(school)
    remove_item_and_its_number(root, key, set())
    queue = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    checked = admin(root, "verify", "--user", DSL, password=PASSWORDS[DSL])
    assert alarms(queue) or checked.code == 1, (
        f"{AUTHOR}'s concern {ref} and every author counter deleted: no alarm, verify says "
        f"{verdict(checked)!r}"
    )


def test_author_is_not_told_a_status_no_dsl_gave(school: SchoolStore) -> None:
    """Receipts are sealed to the author's public key (in keys.json, in the clear) under their
    owner tag (the sealed copy put with the item shows it). A member of staff removes the
    concern and seals the author a receipt of their own making: "Closed", with a kind outcome
    line. The author must still see "Sent, not yet received", never a status no DSL gave."""
    root = school.paths.root
    mal, key = staff_school_key(school)
    copies = school_table(root, key, "sealed_copy")
    counters = school_table(root, key, "author_sequence")
    ref = attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload("Never read worry 1901")
    )
    (new_copy,) = school_table(root, key, "sealed_copy") - copies
    owner = new_copy[1]
    key_file = attacker.read_key_file(school.paths.keys.read_bytes())
    slot = key_file.account(AUTHOR)
    assert slot is not None
    receipt = sealed_items.seal_for(
        mal.store_id,
        "receipt",
        slot.box_public,
        {
            "ref": ref,
            "status": "closed",
            "outcome": "Thank you: the family is getting support.",
            "at": datetime.now(UTC).isoformat(),
        },
    )
    remove_item_and_its_number(root, key, counters)
    with attacker.raw_write(root / "school.db", key) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO sealed_receipt (owner, put_at, item) VALUES (?, ?, ?)",
            (owner, datetime.now(UTC).isoformat(), receipt),
        )

    author = sign_in(school, AUTHOR)
    try:
        (mine,) = [e for e in records.my_records(author) if e.ref == ref]
    finally:
        author.lock()
    shown = [(s.status.value, s.outcome) for s in mine.statuses]
    assert shown[-1][0] == "sent", (
        f"{AUTHOR} is told their concern {ref} was {shown[-1]}: a receipt forged by {STAFF}; "
        f"no DSL ever saw it"
    )
