"""Attachments on real encrypted files: the round trip, the SHA-256 in the audit event and the
ledger, a byte changed behind the program's back found by verify, the plain refusals (size,
type, description), who may add and open them, and the append-only table."""

from __future__ import annotations

import hashlib
import struct
import unicodedata
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlcipher3

from safedesk.demo.attachments import letter_pdf, scanned_note
from safedesk.domain.attachments import MediaType, NewAttachment
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import attachments, integrity, records, settings
from safedesk.services.session import Session
from safedesk.store import attachments as stored_attachments
from safedesk.store import audit, ledger
from safedesk.store.db import StoreDamaged
from tests import factories


@pytest.fixture
def refs(head_session: Session) -> dict[Kind, str]:
    factories.add_pupils(head_session)
    return {k: records.record(head_session, k, factories.PAYLOADS[k]()) for k in Kind}


def test_round_trip_with_the_hash_in_the_audit_event_and_the_ledger(
    head_session: Session, refs: dict[Kind, str]
) -> None:
    note = scanned_note()
    number = attachments.attach(
        head_session,
        refs[Kind.CONCERN].lower(),
        data=note,
        file_name="C:\\Users\\office\\Scans\\note.png",
        description="  Teacher's handwritten note  ",
    )
    [info] = attachments.listed(head_session, refs[Kind.CONCERN])
    digest = hashlib.sha256(note).hexdigest()
    assert (info.id, info.file_name, info.media_type.value, info.size, info.sha256) == (
        number,
        "note.png",
        "image/png",
        len(note),
        digest,
    )
    assert info.description == "Teacher's handwritten note"
    assert (info.added_by, info.added_by_name) == ("head", "Ms Ada Ngozi")
    opened = attachments.open_attachment(head_session, refs[Kind.CONCERN], number)
    assert opened.data == note
    assert hashlib.sha256(opened.data).hexdigest() == digest
    with head_session.compartment(Compartment.SAFEGUARDING).read() as conn:
        events = {e.action: e for e in audit.events(conn)}
        stored = ledger.row_hash(
            conn, "attachment", [number], conn.execute("PRAGMA user_version").fetchone()[0]
        )
        ledger_rows = [
            row
            for e in audit.events(conn)
            for row in e.detail.get("rows", [])
            if row[0] == "attachment"
        ]
    added = events["attachment.added"]
    assert added.detail["sha256"] == digest
    assert added.detail["entry"] == refs[Kind.CONCERN]
    assert "note" not in str(added.detail).lower()  # ids and the hash, never words
    assert events["attachment.viewed"].detail["sha256"] == digest
    assert events["attachments.listed"].detail == {"attachments": [number]}
    # The row (bytes included) is hashed into the chain, and named by its record.
    assert ledger_rows == [["attachment", [number], "insert", stored, refs[Kind.CONCERN]]]
    report = integrity.verify(head_session)
    assert report.ok, report.problems


def test_behaviour_records_keep_theirs_in_the_behaviour_file(
    head_session: Session, refs: dict[Kind, str]
) -> None:
    letter = letter_pdf()
    number = attachments.attach(
        head_session,
        refs[Kind.INTERVENTION],
        data=letter,
        file_name="letter.pdf",
        description="Parent's letter",
    )
    with head_session.compartment(Compartment.BEHAVIOUR).read() as conn:
        assert conn.execute("SELECT count(*) FROM main.attachment").fetchone()[0] == 1
    with head_session.compartment(Compartment.SAFEGUARDING).read() as conn:
        assert conn.execute("SELECT count(*) FROM main.attachment").fetchone()[0] == 0
    with head_session.store.read() as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "attachment" not in tables  # nothing of it in the school file
    opened = attachments.open_attachment(head_session, refs[Kind.INTERVENTION], number)
    assert opened.data == letter
    with pytest.raises(NotFound):  # asked for under another record
        attachments.open_attachment(head_session, refs[Kind.BEHAVIOUR], number)


def test_a_byte_flipped_behind_the_programs_back_is_found_by_verify_and_on_opening(
    head_session: Session, refs: dict[Kind, str]
) -> None:
    ref = refs[Kind.CONCERN]
    number = attachments.attach(
        head_session, ref, data=scanned_note(), file_name="n.png", description="Note"
    )
    assert integrity.verify(head_session).ok
    # Someone with the file key: triggers dropped, one byte of the blob changed, put back.
    conn = head_session.compartment(Compartment.SAFEGUARDING).connection()
    kept = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'attachment_no_update'"
    ).fetchone()[0]
    conn.execute("DROP TRIGGER attachment_no_update")
    data = bytearray(conn.execute("SELECT content FROM attachment").fetchone()[0])
    data[100] ^= 0x01
    conn.execute("UPDATE attachment SET content = ? WHERE id = ?", (bytes(data), number))
    conn.execute(kept)
    conn.commit()
    problems = integrity.verify(head_session).problems
    assert problems == [
        f"safeguarding: attachment row [{number}] ({ref}) was changed behind the program's back"
    ]
    with pytest.raises(StoreDamaged, match="changed since"):
        attachments.open_attachment(head_session, ref, number)


def test_refused_with_plain_messages_naming_the_field(
    head_session: Session, refs: dict[Kind, str], tmp_path: Path
) -> None:
    ref = refs[Kind.CONCERN]
    settings.update_settings(head_session, attachment_limit_mb=1)
    big = tmp_path / "big scan.png"
    big.write_bytes(scanned_note() + b"\0" * (1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        attachments.attach_file(head_session, ref, big, "A big scan")
    assert refused.value.problems == {
        "File": "is 1.0 MB; the largest file that can be attached is 1 MB. Scan it at a lower "
        "resolution or in black and white, or split it"
    }
    renamed = tmp_path / "looks like a scan.pdf"
    renamed.write_bytes(b"MZ\x90\x00 a program, not a scan")
    with pytest.raises(ValidationError) as refused:
        attachments.attach_file(head_session, ref, renamed, " ")
    assert refused.value.problems == {
        "File": "is not a PDF, a PNG image or a JPEG photograph (whatever its name says); "
        "save or scan it as one of those",
        "Description": "is required: say what the file is",
    }
    with pytest.raises(ValidationError, match=r"File: missing\.png was not found"):
        attachments.attach_file(head_session, ref, tmp_path / "missing.png", "x")
    with pytest.raises(ValidationError, match="control character"):
        attachments.attach(
            head_session, ref, data=scanned_note(), file_name="a.png", description="bell\x07"
        )
    with pytest.raises(NotFound):
        attachments.attach(
            head_session, "C-2020-0999", data=scanned_note(), file_name="a.png", description="x"
        )
    assert attachments.listed(head_session, ref) == []


def test_who_may_add_and_open(
    head_session: Session, refs: dict[Kind, str], session_as: Callable[[Role], Session]
) -> None:
    number = attachments.attach(
        head_session, refs[Kind.CONCERN], data=scanned_note(), file_name="n.png", description="N"
    )
    on_behaviour = attachments.attach(
        head_session, refs[Kind.BEHAVIOUR], data=letter_pdf(), file_name="l.pdf", description="L"
    )
    staff = session_as(Role.STAFF)
    lead = session_as(Role.BEHAVIOUR_LEAD)
    dsl = session_as(Role.DSL)
    for who, ref in (
        (staff, refs[Kind.CONCERN]),
        (staff, refs[Kind.BEHAVIOUR]),
        (lead, refs[Kind.CONCERN]),
    ):
        with pytest.raises(PermissionDenied):
            attachments.listed(who, ref)
        with pytest.raises(PermissionDenied):
            attachments.open_attachment(who, ref, number)
        with pytest.raises(PermissionDenied):
            attachments.attach(who, ref, data=scanned_note(), file_name="n.png", description="N")
    assert attachments.open_attachment(lead, refs[Kind.BEHAVIOUR], on_behaviour).data
    assert attachments.open_attachment(dsl, refs[Kind.CONCERN], number).data == scanned_note()
    attachments.attach(
        lead,
        refs[Kind.INTERVENTION],
        data=scanned_note(),
        file_name="b.png",
        description="Body map photo",
    )
    with head_session.store.read() as conn:
        refused = [e for e in audit.events(conn) if e.action == "permission.refused"]
    assert len(refused) >= 9


def test_a_saved_copy_is_audited_and_never_in_the_data_folder(
    head_session: Session, refs: dict[Kind, str], tmp_path: Path
) -> None:
    ref = refs[Kind.CONCERN]
    number = attachments.attach(
        head_session, ref, data=scanned_note(), file_name="n.png", description="N"
    )
    with pytest.raises(ValidationError, match="data folder"):
        attachments.save_copy(head_session, ref, number, head_session.paths.root / "n.png")
    out = attachments.save_copy(head_session, ref, number, tmp_path / "copy.png")
    assert out.read_bytes() == scanned_note()
    with head_session.compartment(Compartment.SAFEGUARDING).read() as conn:
        actions = [e.action for e in audit.events(conn) if e.action.startswith("attachment.")]
    assert actions == ["attachment.added", "attachment.exported"]


def test_the_table_refuses_updates_deletes_and_a_type_its_bytes_are_not(
    head_session: Session, refs: dict[Kind, str]
) -> None:
    attachments.attach(
        head_session, refs[Kind.CONCERN], data=scanned_note(), file_name="n.png", description="N"
    )
    conn = head_session.compartment(Compartment.SAFEGUARDING).connection()
    for sql in ("UPDATE attachment SET description = 'x'", "DELETE FROM attachment"):
        with pytest.raises(sqlcipher3.dbapi2.Error, match="append-only"):
            conn.execute(sql)
    insert = (
        "INSERT INTO attachment (entry_id, file_name, media_type, size, sha256, description, "
        "added_by, added_at, content) VALUES (?, 'x.pdf', ?, ?, ?, 'd', 'head', "
        "'2026-11-04T12:00:00+00:00', ?)"
    )
    png = scanned_note()
    digest = hashlib.sha256(png).hexdigest()
    entry = conn.execute("SELECT id FROM entry").fetchone()[0]
    with pytest.raises(sqlcipher3.dbapi2.IntegrityError):  # PNG bytes said to be a PDF
        conn.execute(insert, (entry, "application/pdf", len(png), digest, png))
    with pytest.raises(sqlcipher3.dbapi2.IntegrityError):  # a size that is not its size
        conn.execute(insert, (entry, "image/png", len(png) + 1, digest, png))
    with pytest.raises(sqlcipher3.dbapi2.Error, match="belongs to a record"):
        conn.execute(insert, (entry + 99, "image/png", len(png), digest, png))
    conn.rollback()


def test_listed_in_the_chronology_and_appended_to_its_pdf_when_chosen(
    head_session: Session, refs: dict[Kind, str], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from safedesk.services import chronology, export

    attachments.attach(
        head_session,
        refs[Kind.CONCERN],
        data=scanned_note(),
        file_name="n.png",
        description="Note from Zoë Wiśniewska's teacher",
    )
    attachments.attach(
        head_session,
        refs[Kind.INTERVENTION],
        data=letter_pdf(["A letter 5521 from home."]),
        file_name="l.pdf",
        description="Letter from home",
    )
    found = chronology.open_chronology(head_session, factories.PUPIL_A)
    listed = {
        (item.ref, item.group.value): dict(item.detail).get("Attachments") for item in found.items
    }
    concern_line = listed[(refs[Kind.CONCERN], "concern")]
    assert concern_line is not None
    assert concern_line.startswith("Note from another pupil (A)")  # masked like the rest
    assert "(PNG image, " in concern_line and "added by Ms Ada Ngozi on " in concern_line
    assert listed[(refs[Kind.INTERVENTION], "intervention")].startswith("Letter from home (PDF, ")
    assert listed[(refs[Kind.BEHAVIOUR], "behaviour")] is None
    plain = export.export_chronology_pdf(head_session, factories.PUPIL_A, tmp_path / "a.pdf")
    full = export.export_chronology_pdf(
        head_session,
        factories.PUPIL_A,
        tmp_path / "b.pdf",
        include_attachments=True,
        password="three unrelated words here",
    )
    assert full.pages == plain.pages + 3  # the image's page, the letter's heading and its page
    reader = PdfReader(tmp_path / "b.pdf")
    assert reader.is_encrypted and reader.decrypt("three unrelated words here")
    tail = [page.extract_text() for page in reader.pages[plain.pages :]]
    # In the chronology's order: the intervention (3 hours ago) before the concern (2 hours).
    assert "Attachment to " + refs[Kind.INTERVENTION] in tail[0]
    assert "The PDF follows (1 page)." in tail[0]
    assert "A letter 5521 from home." in tail[1]
    assert "OFFICIAL-SENSITIVE" in tail[1]  # the marking laid on the letter's own page
    assert "Attachment to " + refs[Kind.CONCERN] in tail[2]
    assert "Zoë" not in "".join(tail)
    assert len(reader.pages[plain.pages + 2].images) == 1  # the scan, drawn
    with head_session.compartment(Compartment.BEHAVIOUR).read() as conn:
        exported = [e for e in audit.events(conn) if e.action == "attachments.exported"]
    assert [len(e.detail["attachments"]) for e in exported] == [1]


# --- found by the Step 11 break-it pass ------------------------------------------------------


def _png_header_then(rest: bytes) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + rest


def test_a_file_that_only_starts_like_a_picture_or_a_pdf_is_refused(
    head_session: Session, refs: dict[Kind, str]
) -> None:
    ref = refs[Kind.CONCERN]
    html = _png_header_then(b"<html><script>alert(1)</script></html>" * 20)
    for data, name in (
        (html, "scan.png"),
        (b"\xff\xd8\xff\xe0" + b"not really a photograph" * 50, "photo.jpg"),
        (scanned_note()[:200], "cut short.png"),
    ):
        with pytest.raises(ValidationError) as refused:
            attachments.attach(head_session, ref, data=data, file_name=name, description="Scan")
        assert refused.value.problems == {
            "File": "is not a picture safedesk can read (it may be damaged, or only named like one)"
        }
    with pytest.raises(ValidationError) as refused:
        attachments.attach(
            head_session, ref, data=b"%PDF-1.4\n%%EOF\n", file_name="a.pdf", description="A"
        )
    assert refused.value.problems == {
        "File": "is not a PDF safedesk can read (it may be damaged, or only named like one)"
    }
    # A small file that would unpack to 400 million pixels is refused before it is decoded.
    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 0, 0, 0, 0)
    bomb = _png_header_then(_chunk(b"IHDR", header) + _chunk(b"IDAT", b"") + _chunk(b"IEND", b""))
    with pytest.raises(ValidationError, match="larger than safedesk can show"):
        attachments.attach(head_session, ref, data=bomb, file_name="b.png", description="B")
    assert attachments.listed(head_session, ref) == []
    # Real ones are taken.
    assert attachments.attach(
        head_session, ref, data=scanned_note(), file_name="n.png", description="N"
    )
    assert attachments.attach(
        head_session, ref, data=letter_pdf(), file_name="l.pdf", description="L"
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _as_the_old_code_did(session: Session, ref: str, data: bytes, kind: MediaType) -> int:
    """An attachment written exactly as the code before this check wrote it (row, ledger and
    `attachment.added` event), without the check: what a school's file may already hold."""
    new = NewAttachment(data, kind, f"old{kind.suffix}", "Accepted by the old version")
    with session.compartment(Compartment.SAFEGUARDING, "test").write() as conn:
        entry = stored_attachments.entry_id(conn, ref)
        assert entry is not None
        number = stored_attachments.insert(
            conn, entry, new, author=session.user.username, at=session.clock.now()
        )
        session.audit(
            conn,
            "attachment.added",
            object_type="attachment",
            object_id=str(number),
            detail={"entry": ref, "sha256": new.sha256, "size": new.size, "media_type": kind},
        )
    return number


def test_the_export_names_a_bad_attachment_on_its_page_and_goes_on(
    head_session: Session, refs: dict[Kind, str], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from safedesk.services import export

    ref = refs[Kind.CONCERN]
    _as_the_old_code_did(head_session, ref, _png_header_then(b"<html>hello</html>"), MediaType.PNG)
    _as_the_old_code_did(head_session, ref, b"%PDF-1.4\n%%EOF\n", MediaType.PDF)
    attachments.attach(
        head_session,
        ref,
        data=letter_pdf(["A good letter 6613."]),
        file_name="g.pdf",
        description="Good",
    )
    assert integrity.verify(head_session).ok  # the old code's rows are not tampering
    out = tmp_path / "c.pdf"
    export.export_chronology_pdf(head_session, factories.PUPIL_A, out, include_attachments=True)
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(out).pages]
    said = " ".join(pages)
    assert "could not be shown here: it is not a picture safedesk can read" in said
    assert "could not be shown here: it is not a PDF safedesk can read" in said
    assert "A good letter 6613." in said  # the good one still follows


def test_invisible_formatting_characters_never_show_in_names_or_descriptions(
    head_session: Session, refs: dict[Kind, str]
) -> None:
    ref = refs[Kind.CONCERN]
    number = attachments.attach(
        head_session,
        ref,
        data=scanned_note(),
        file_name="C:\\Scans\\\u202egnp.exe",  # shows as "exe.png" where bidi is honoured
        description="Note \u2066from\u2069 class\u200b 3",
    )
    with pytest.raises(ValidationError) as refused:
        attachments.attach(
            head_session, ref, data=scanned_note(), file_name="\u202e\u200b", description="x"
        )
    assert refused.value.problems == {"File": "has no name"}
    with pytest.raises(ValidationError) as refused:
        attachments.attach(
            head_session, ref, data=scanned_note(), file_name="n.png", description="\u200b\u202e"
        )
    assert refused.value.problems == {"Description": "is required: say what the file is"}
    # A row already holding them (written before this check) is shown without them too.
    old = _as_the_old_code_did(head_session, ref, scanned_note(), MediaType.PNG)
    conn = head_session.compartment(Compartment.SAFEGUARDING).connection()
    stored = conn.execute("SELECT file_name FROM attachment WHERE id = ?", (number,)).fetchone()
    assert stored[0] == "gnp.exe"
    listed = {info.id: info for info in attachments.listed(head_session, ref)}
    assert listed[number].file_name == "gnp.exe"
    assert listed[number].description == "Note from class 3"
    assert not any(unicodedata.category(ch) == "Cf" for info in listed.values() for ch in info.line)
    assert listed[old].file_name == "old.png"
    opened = attachments.open_attachment(head_session, ref, number)
    assert opened.info.file_name == "gnp.exe"
