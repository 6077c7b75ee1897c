"""A public key swapped in `school` (compartment_key) by someone holding the school key.

The attacker is a member of staff: their own password gives them the `school` file key, so
they can rewrite the published safeguarding keys with a raw connection. A concern recorded
afterwards by a colleague must not be sealed to the attacker's key (they cannot open the new
inbox item), and a DSL's next sign-in must still take it in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from safedesk.store import key_chain, sealed_items
from safedesk.store.key_material import CompartmentKeys
from tests.conftest import SchoolStore
from tests.security import attacker
from tests.security.attacker import admin
from tests.security.conftest import (
    AUTHOR,
    DSL,
    PASSWORDS,
    STAFF,
    build_school,
    build_school_with_separate_head,
    concern_payload,
)

SECRET = "Told me a neighbour photographs her 3907"
WHEN = "2026-01-05T08:00:00+00:00"


def swap_whole_chain(conn: object, store_id: str) -> CompartmentKeys:
    """Every published safeguarding key replaced by the attacker's own, self-signed, chain."""
    fake = CompartmentKeys.generate("safeguarding", 1)
    link = key_chain.make_link(store_id, fake, None)
    conn.execute("DELETE FROM compartment_key WHERE compartment = 'safeguarding'")  # type: ignore[attr-defined]
    key_chain.publish(conn, link, datetime.fromisoformat(WHEN))
    return fake


def append_forged_epoch(conn: object, store_id: str) -> CompartmentKeys:
    """A "newer" safeguarding key appended, signed by the attacker's own key."""
    top = conn.execute(  # type: ignore[attr-defined]
        "SELECT max(epoch) FROM compartment_key WHERE compartment = 'safeguarding'"
    ).fetchone()[0]
    fake = CompartmentKeys.generate("safeguarding", int(top) + 1)
    key_chain.publish(conn, key_chain.make_link(store_id, fake, fake), datetime.fromisoformat(WHEN))
    return fake


def reset_author_with_recovery_key(school: SchoolStore) -> None:
    """The author forgot their password; the head resets it with the recovery key."""
    done = admin(
        school.paths.root,
        "passwd",
        "--user",
        AUTHOR,
        "--recovery",
        env={
            "SAFEDESK_RECOVERY_KEY": school.recovery_key,
            "SAFEDESK_NEW_PASSWORD": PASSWORDS[AUTHOR],
        },
    )
    assert done.code == 0, done.err


SCHOOLS: dict[str, Callable[[Path], SchoolStore]] = {
    "head-sets-up": build_school,
    "separate-head-at-set-up": build_school_with_separate_head,
}


@pytest.mark.parametrize("swap", [swap_whole_chain, append_forged_epoch])
@pytest.mark.parametrize(
    "made",
    ["head-sets-up", "separate-head-at-set-up", "after-recovery-reset"],
)
def test_swapped_public_key_gets_nothing_and_the_dsl_still_takes_the_concern_in(
    tmp_path: Path,
    made: str,
    swap: Callable[[object, str], CompartmentKeys],
) -> None:
    builder = SCHOOLS.get(made, build_school)
    school = builder(tmp_path / "data")
    if made == "after-recovery-reset":
        reset_author_with_recovery_key(school)
    root = school.paths.root

    mal = attacker.loot(school.paths.keys.read_bytes(), STAFF, PASSWORDS[STAFF])
    key = attacker.school_key(mal, root)
    with attacker.raw_write(root / "school.db", key) as conn:
        fake = swap(conn, mal.store_id)
    before = {row[0] for row in attacker.inbox_rows(root, key)}

    source = tmp_path / "concern.json"
    source.write_text(json.dumps(concern_payload(SECRET)), "utf-8")
    record = ("record", "concern", "--user", AUTHOR, "--json", str(source))
    first = admin(root, *record, password=PASSWORDS[AUTHOR])
    if first.code != 0:
        # The author's pinned key is nowhere in the chain `school` now publishes: nothing is
        # sealed to a key nobody vouched for; the author is told at once. A member's next
        # sign-in puts the published keys back, with an alarm, and the record then goes.
        assert "nothing was recorded" in first.err, first.err
        assert {row[0] for row in attacker.inbox_rows(root, key)} == before
        warned = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
        assert any(i["kind"] == "alarm" for i in warned), warned
        before = {row[0] for row in attacker.inbox_rows(root, key)}
        first = admin(root, *record, password=PASSWORDS[AUTHOR])
    assert first.code == 0, first.err
    ref = first.out.strip()

    new_items = [r for r in attacker.inbox_rows(root, key) if r[0] not in before]
    assert len(new_items) == 1
    _id, compartment, _at, item = new_items[0]
    with pytest.raises(sealed_items.BadItem):
        sealed_items.open_item(mal.store_id, compartment, item, fake.box.private)
    readable = attacker.everything_readable(root, mal)
    assert not readable.any(SECRET)

    taken = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    assert ref in {item["ref"] for item in taken if item["kind"] == "concern"}, (
        f"the concern {ref} never reached the DSL's queue"
    )
