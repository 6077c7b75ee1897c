"""A concern recorded by a member of staff reaches the DSL's queue and the author's "My
records", and nowhere else the author can read: not search beyond their own words, not a
pupil's records or chronology, not the raw files with the keys their password gives them.
The author learns the status and the outcome line the DSL chose to share, never the
casework."""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk.domain.errors import PermissionDenied
from safedesk.services import casework, chronology, records, search
from tests import factories
from tests.conftest import SchoolStore
from tests.security import attacker
from tests.security.attacker import admin
from tests.security.conftest import (
    AUTHOR,
    CHILD_WORDS,
    CONCERN_TEXT,
    CONTACT_TEXT,
    DSL,
    PASSWORDS,
    STAFF,
    build_school,
    concern_payload,
    sign_in,
)

CLOSING_TEXT = "Closed after the strategy meeting agreed a plan 5150"
SHARED = "Thank you: the family is getting support."


@pytest.fixture
def worked(tmp_path: Path) -> tuple[SchoolStore, str]:
    """A concern recorded by staff with the CLI, then worked and closed by the DSL."""
    school = build_school(tmp_path / "data")
    root = school.paths.root
    ref = attacker.record_with_cli(
        root, "concern", AUTHOR, PASSWORDS[AUTHOR], concern_payload(CONCERN_TEXT, CHILD_WORDS)
    )
    queue = attacker.queue_with_cli(root, DSL, PASSWORDS[DSL])
    assert ref in {item["ref"] for item in queue if item["kind"] == "concern"}
    dsl = sign_in(school, DSL)
    try:
        casework.act(
            dsl,
            ref,
            {
                "type": "contact",
                "with_whom": "Aunt (by phone)",
                "contact_at": factories.earlier(1),
                "method": "phone",
                "what_was_said": CONTACT_TEXT,
                "next_step": "Strategy meeting.",
            },
        )
        casework.act(
            dsl,
            ref,
            {
                "type": "closure",
                "outcome": "Plan agreed with social care.",
                "rationale": CLOSING_TEXT,
                "shared_outcome": SHARED,
            },
        )
    finally:
        dsl.lock()
    return school, ref


def test_author_sees_their_record_and_its_status_only_in_my_records(
    worked: tuple[SchoolStore, str],
) -> None:
    school, ref = worked
    author = sign_in(school, AUTHOR)
    try:
        mine = records.my_records(author)
        assert [e.ref for e in mine] == [ref]
        entry = mine[0]
        assert entry.current()["description"] == CONCERN_TEXT
        assert SHARED in repr(entry.statuses)
        for secret in (CONTACT_TEXT, CLOSING_TEXT):
            assert secret not in repr(mine)
        # Opening it gives the author's own copy, never the compartment's record.
        opened = records.open_record(author, ref)
        assert CONTACT_TEXT not in repr(opened) and CLOSING_TEXT not in repr(opened)
        # Search finds only their own words, from their own copy; never the casework.
        assert [h.ref for h in search.search(author, "buckle forearm")] == [ref]
        assert search.search(author, "Philippa") == []
        assert search.search(author, "strategy meeting agreed") == []
        with pytest.raises(PermissionDenied):
            records.pupil_records(author, factories.PUPIL_A)
        with pytest.raises(PermissionDenied):
            chronology.open_chronology(author, factories.PUPIL_A)
    finally:
        author.lock()


def test_the_cli_refuses_the_author_every_other_way_in(
    worked: tuple[SchoolStore, str], tmp_path: Path
) -> None:
    school, _ref = worked
    root, password = school.paths.root, PASSWORDS[AUTHOR]
    refused = [
        admin(
            root,
            "records",
            "--user",
            AUTHOR,
            "--pupil",
            factories.PUPIL_A,
            "--json",
            password=password,
        ),
        admin(
            root,
            "chronology",
            "--user",
            AUTHOR,
            "--pupil",
            factories.PUPIL_A,
            "--pdf",
            str(tmp_path / "out.pdf"),
            password=password,
        ),
        admin(root, "queue", "--user", AUTHOR, "--json", password=password),
    ]
    assert [r.code for r in refused] == [3, 3, 3]
    assert not (tmp_path / "out.pdf").exists()
    for ran in refused:
        assert CONCERN_TEXT not in ran.out + ran.err


def test_with_raw_files_the_author_reads_their_words_only_in_their_own_copy(
    worked: tuple[SchoolStore, str],
) -> None:
    school, _ref = worked
    root = school.paths.root
    author = attacker.loot(school.paths.keys.read_bytes(), AUTHOR, PASSWORDS[AUTHOR])
    readable = attacker.everything_readable(root, author)
    assert readable.opened == {"school.db"}
    for secret in (CONCERN_TEXT, CHILD_WORDS):
        places = readable.places_with(secret)
        assert places and all(p.startswith("school.db:sealed_copy:") for p in places), places
    for secret in (CONTACT_TEXT, CLOSING_TEXT):
        assert not readable.any(secret)
    receipts = [t for p, t in readable.texts.items() if p.startswith("school.db:sealed_receipt:")]
    assert any(SHARED in t for t in receipts)


def test_another_member_of_staff_finds_the_concern_nowhere(
    worked: tuple[SchoolStore, str],
) -> None:
    school, _ref = worked
    other = sign_in(school, STAFF)
    try:
        assert records.my_records(other) == []
        assert search.search(other, "buckle forearm") == []
    finally:
        other.lock()
    person = attacker.loot(school.paths.keys.read_bytes(), STAFF, PASSWORDS[STAFF])
    readable = attacker.everything_readable(school.paths.root, person)
    for secret in (CONCERN_TEXT, CHILD_WORDS, CONTACT_TEXT, CLOSING_TEXT, SHARED):
        assert not readable.any(secret)
