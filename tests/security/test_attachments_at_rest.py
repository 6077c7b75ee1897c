"""Attachments at rest: their bytes are only in the record's compartment file, encrypted. A
member of staff with their own password and raw SQLCipher gets nothing of them; a behaviour
lead gets the behaviour file's and never a concern's; nothing on disk holds them in the
clear; and what a member's session opens is refused to the others by the service too.

And a member holding the file key who swaps an attachment, its SHA-256 column with it, is
found out on opening, listing and export: those compare with the SHA-256 the audit chain
recorded when it was added, not with the row."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from safedesk.demo.attachments import letter_pdf, scanned_note
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Role
from safedesk.services import attachments, export, integrity, records
from safedesk.services.session import Session
from safedesk.store.db import StoreDamaged
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account
from tests.security import attacker


def plain_pdf(words: str) -> bytes:
    """A real one-page PDF whose words are stored uncompressed (found in raw bytes if leaked)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0, invariant=True)
    page.drawString(72, 720, words)
    page.showPage()
    page.save()
    return buffer.getvalue()


# Unique, and stored uncompressed in the PDF, so that finding it in raw bytes is never chance.
CONCERN_SCAN = plain_pdf("Bruise photographed on the left shin 40417")
BEHAVIOUR_SCAN = plain_pdf("Letter from dad about the chair 73306")
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


def test_an_attachment_swapped_with_its_hash_column_is_refused_flagged_and_named(
    school: SchoolStore, tmp_path: Path
) -> None:
    """The head (a member, with their own password and the key file) swaps the concern's
    scan for another real file and writes that file's SHA-256 and size in the row, triggers
    dropped and put back: the row agrees with itself, but not with the audit chain."""
    session = school.sign_in()
    factories.add_pupils(session)
    ref = records.record(session, Kind.CONCERN, factories.concern())
    note = scanned_note()
    number = attachments.attach(session, ref, data=note, file_name="n.png", description="Note")
    session.lock()
    folder = school.paths.root
    person = attacker.loot((folder / "keys.json").read_bytes(), "head", HEAD_PASSWORD)
    key = attacker.opening_key(folder / "safeguarding.db", person.file_keys)
    assert key is not None
    other = letter_pdf(["Nothing happened. 88120"])
    with attacker.raw_write(folder / "safeguarding.db", key) as conn:
        triggers = conn.execute(  # type: ignore[attr-defined]
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'attachment'"
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f"DROP TRIGGER {name}")  # type: ignore[attr-defined]
        conn.execute(  # type: ignore[attr-defined]
            "UPDATE attachment SET content = ?, sha256 = ?, size = ?, "
            "media_type = 'application/pdf' WHERE id = ?",
            (other, hashlib.sha256(other).hexdigest(), len(other), number),
        )
        for _name, sql in triggers:
            conn.execute(sql)  # type: ignore[attr-defined]
    head = school.sign_in()
    try:
        [info] = attachments.listed(head, ref)
        assert info.sha256 == hashlib.sha256(note).hexdigest()  # the chain's, not the row's
        assert info.changed
        assert "has been changed since it was added: run Verify" in info.line
        with pytest.raises(StoreDamaged, match="has been changed since it was added: run Verify"):
            attachments.open_attachment(head, ref, number)
        with pytest.raises(StoreDamaged, match="changed since it was added"):
            attachments.save_copy(head, ref, number, tmp_path / "copy.pdf")
        assert not (tmp_path / "copy.pdf").exists()
        # The export is made, and says so where the attachment would be, without showing it.
        out = tmp_path / "chronology.pdf"
        export.export_chronology_pdf(head, factories.PUPIL_A, out, include_attachments=True)
        from pypdf import PdfReader

        words = " ".join(p.extract_text() for p in PdfReader(out).pages)
        words = " ".join(words.split())
        assert "could not be shown here: it has been changed since it was added" in words
        assert "88120" not in words
        assert integrity.verify(head).problems  # and verify names it
    finally:
        head.close()


def test_the_audit_events_sha256_rewritten_too_still_flags_it(
    school: SchoolStore, tmp_path: Path
) -> None:
    """Going further: the swapped file's SHA-256 also written into its `attachment.added`
    event, with that event's own hash recomputed. The next event no longer follows it."""
    import json

    from safedesk.store import audit

    session = school.sign_in()
    factories.add_pupils(session)
    ref = records.record(session, Kind.CONCERN, factories.concern())
    note = scanned_note()
    number = attachments.attach(session, ref, data=note, file_name="n.png", description="Note")
    attachments.listed(session, ref)  # an event after it
    session.lock()
    folder = school.paths.root
    person = attacker.loot((folder / "keys.json").read_bytes(), "head", HEAD_PASSWORD)
    key = attacker.opening_key(folder / "safeguarding.db", person.file_keys)
    assert key is not None
    other = letter_pdf(["Nothing happened. 88121"])
    digest = hashlib.sha256(other).hexdigest()
    with attacker.raw_write(folder / "safeguarding.db", key) as conn:
        triggers = conn.execute(  # type: ignore[attr-defined]
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('attachment', 'audit_log')"
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f"DROP TRIGGER {name}")  # type: ignore[attr-defined]
        conn.execute(  # type: ignore[attr-defined]
            "UPDATE attachment SET content = ?, sha256 = ?, size = ?, "
            "media_type = 'application/pdf' WHERE id = ?",
            (other, digest, len(other), number),
        )
        row = conn.execute(  # type: ignore[attr-defined]
            "SELECT seq, at, actor, action, object_type, object_id, detail, prev_hash "
            "FROM audit_log WHERE action = 'attachment.added'"
        ).fetchone()
        detail = json.loads(row[6])
        detail.update(sha256=digest, size=len(other), media_type="application/pdf")
        text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        new_hash = audit.row_hash(row[7], *row[:6], text)
        conn.execute(  # type: ignore[attr-defined]
            "UPDATE audit_log SET detail = ?, hash = ? WHERE seq = ?", (text, new_hash, row[0])
        )
        for _name, sql in triggers:
            conn.execute(sql)  # type: ignore[attr-defined]
    head = school.sign_in()
    try:
        [info] = attachments.listed(head, ref)
        assert info.changed
        with pytest.raises(StoreDamaged, match="changed since it was added"):
            attachments.open_attachment(head, ref, number)
    finally:
        head.close()
