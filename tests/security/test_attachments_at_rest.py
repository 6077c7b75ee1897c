"""Attachments at rest: their bytes are only in the record's compartment file, encrypted. A
member of staff with their own password and raw SQLCipher gets nothing of them; a behaviour
lead gets the behaviour file's and never a concern's; nothing on disk holds them in the
clear; and what a member's session opens is refused to the others by the service too."""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Role
from safedesk.services import attachments, records
from safedesk.services.session import Session
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.security import attacker

# Unique, and stored uncompressed in the "PDF", so that finding it in raw bytes is never chance.
CONCERN_SCAN = b"%PDF-1.4\n% Bruise photographed on the left shin 40417\n%%EOF\n"
BEHAVIOUR_SCAN = b"%PDF-1.4\n% Letter from dad about the chair 73306\n%%EOF\n"
STAFF, LEAD = "sam.staff.reader", "bea.behaviour.lead"


REFS: dict[Kind, str] = {}


@pytest.fixture
def folder(school: SchoolStore, head_session: Session) -> Path:
    factories.add_pupils(head_session)
    concern = records.record(head_session, Kind.CONCERN, factories.concern())
    incident = records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    REFS.update({Kind.CONCERN: concern, Kind.BEHAVIOUR: incident})
    attachments.attach(
        head_session, concern, data=CONCERN_SCAN, file_name="shin.pdf", description="Photo"
    )
    attachments.attach(
        head_session, incident, data=BEHAVIOUR_SCAN, file_name="dad.pdf", description="Letter"
    )
    add_account(head_session, STAFF, {Role.STAFF})
    add_account(head_session, LEAD, {Role.BEHAVIOUR_LEAD})
    head_session.lock()
    return school.paths.root


def _everything_on_disk(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_no_file_in_the_data_folder_holds_an_attachment_in_the_clear(folder: Path) -> None:
    raw = _everything_on_disk(folder)
    assert b"40417" not in raw
    assert b"73306" not in raw


def test_a_staff_password_and_raw_sqlcipher_get_no_attachment(folder: Path) -> None:
    person = attacker.loot((folder / "keys.json").read_bytes(), STAFF, OTHER_PASSWORD)
    assert attacker.opens(folder, person) == {"school.db"}
    for name in attacker.COMPARTMENT_FILES:
        key = attacker.opening_key(folder / name, person.file_keys)
        if key is None:
            continue
        with attacker.raw_open(folder / name, key) as conn:
            assert conn is not None
            text = attacker.dump(conn)
            found = conn.execute("SELECT name FROM sqlite_master")  # type: ignore[attr-defined]
            tables = {r[0] for r in found}
        assert "40417" not in text and "73306" not in text
        assert "attachment" not in tables


def test_a_behaviour_lead_reads_the_behaviour_files_attachment_never_a_concerns(
    folder: Path,
) -> None:
    person = attacker.loot((folder / "keys.json").read_bytes(), LEAD, OTHER_PASSWORD)
    assert attacker.opens(folder, person) == {"school.db", "behaviour.db"}
    seen = ""
    for name in attacker.COMPARTMENT_FILES:
        key = attacker.opening_key(folder / name, person.file_keys)
        if key is not None:
            with attacker.raw_open(folder / name, key) as conn:
                seen += attacker.dump(conn)
    assert "73306" in seen  # theirs to read: the key works, the test can fail
    assert "40417" not in seen


def test_the_service_refuses_those_the_keys_refuse(school: SchoolStore, folder: Path) -> None:
    staff = school.sign_in(STAFF, OTHER_PASSWORD)
    lead = school.sign_in(LEAD, OTHER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            attachments.listed(staff, REFS[Kind.CONCERN])
        with pytest.raises(PermissionDenied):
            attachments.open_attachment(staff, REFS[Kind.BEHAVIOUR], 1)
        with pytest.raises(PermissionDenied):
            attachments.open_attachment(lead, REFS[Kind.CONCERN], 1)
        [info] = attachments.listed(lead, REFS[Kind.BEHAVIOUR])
        assert attachments.open_attachment(lead, info.entry_ref, info.id).data == BEHAVIOUR_SCAN
    finally:
        staff.close()
        lead.close()
