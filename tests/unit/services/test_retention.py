"""Retention and disposal: the head's list of records past their date, holds, and a disposal
that leaves nothing of the record in the compartment file (read page by page, decrypted
without SQLCipher), that `verify` accepts, and that nobody else can do."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlcipher3

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import (
    amendments,
    attachments,
    backup,
    casework,
    integrity,
    records,
    retention,
)
from safedesk.services.session import Session
from safedesk.store import retention as store_retention
from safedesk.store import sealed, sealed_items
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore
from tests.security.raw_pages import every_page, found_in
from tests.security.test_attachments_at_rest import plain_pdf

# Words no other record, name or setting holds, so finding them is never chance.
GONE = (
    "qzvorbleplatypus",  # the concern's description
    "kxwimbleflounder",  # the child's words
    "jyzzocontactword",  # a contact on the case
    "vwumbleamendword",  # an amendment
    "wqattachedscanword",  # inside an attached scanned note (a PDF)
    "yqattachdescription",  # the attachment's description
)
KEPT = "pqxkeptmarmalade"
AFTER_DUE = datetime(2043, 1, 6, 9, 0, tzinfo=UTC)  # pupil A, born 1 May 2017: due 1 May 2042


def _concern(description: str, child_words: str) -> dict[str, Any]:
    return factories.concern() | {"description": description, "child_words": child_words}


@pytest.fixture
def head(head_session: Session) -> Session:
    factories.add_pupils(head_session)
    return head_session


def _two_concerns(head: Session) -> tuple[str, str]:
    """A concern with casework and an amendment (to dispose of), and one to keep."""
    gone = records.record(
        head, Kind.CONCERN, _concern(f"Said {GONE[0]} at lunch.", f"“{GONE[1]} hurt me.”")
    )
    kept = records.record(head, Kind.CONCERN, _concern(f"Mentioned {KEPT} twice.", "“No.”"))
    factories.take_in_all(head)
    casework.act(
        head,
        gone,
        {
            "type": "contact",
            "with_whom": "Mum",
            "contact_at": factories.earlier(1)[:16],
            "method": "phone",
            "what_was_said": f"Mum said {GONE[2]}.",
            "next_step": "Meet on Monday.",
        },
    )
    amendments.amend(head, gone, "action_taken", f"Told the class teacher ({GONE[3]}).", "Left out")
    attachments.attach(
        head,
        gone,
        data=plain_pdf(f"Handwritten note: {GONE[4]}"),
        file_name="note.pdf",
        description=f"Scanned note ({GONE[5]})",
    )
    return gone, kept


def _pages(head: Session) -> list[bytes]:
    store = head.compartment(Compartment.SAFEGUARDING)
    return every_page(store.path, store.key)


def test_disposal_leaves_no_word_of_the_record_in_any_page(head: Session) -> None:
    gone, kept = _two_concerns(head)
    store = head.compartment(Compartment.SAFEGUARDING)
    # A copy set aside before an upgrade (as migrate makes one): it holds the record too.
    aside = head.paths.migration_backups / f"{store.path.stem}-schema5-20260101-000000.db"
    aside.parent.mkdir(parents=True, exist_ok=True)
    store.checkpoint()
    shutil.copy2(store.path, aside)
    assert all(found_in(every_page(aside, store.key), word) for word in GONE)
    before = _pages(head)
    assert all(found_in(before, word) for word in GONE), "the search must see the words first"
    head.clock = FixedClock(AFTER_DUE)
    retention.add_hold(head, ref=kept, reason="Independent inquiry: do not destroy")

    listed = {d.ref: d for d in retention.due(head)}
    assert listed[gone].due_on.isoformat() == "2042-05-01" and not listed[gone].held
    assert listed[kept].held

    done = retention.dispose(head, gone, "Past its date; reviewed by the headteacher")
    assert done.ref == gone

    after = _pages(head)
    left = [word for word in GONE if found_in(after, word)]
    assert left == [], f"still in the file after disposal: {left}"
    assert found_in(after, KEPT)  # the kept record is read the same way
    assert gone.encode() in b"".join(after)  # its disposal record stays, by reference
    assert not aside.exists()
    report = integrity.verify(head)
    assert report.ok, report.problems
    (record,) = retention.disposals(head)
    assert (record.ref, record.kind, record.authorised_by) == (gone, Kind.CONCERN, "head")
    assert record.pupil_ids and all(isinstance(i, int) for i in record.pupil_ids)
    assert gone not in {d.ref for d in retention.due(head)}


def test_a_held_record_and_a_held_pupil_cannot_be_disposed_of(head: Session) -> None:
    gone, kept = _two_concerns(head)
    head.clock = FixedClock(AFTER_DUE)
    placed = retention.add_hold(head, upn=factories.PUPIL_A, reason="IICSA asked us to keep all")
    # One hold, placed in every file that could ever hold a record of the pupil.
    assert sorted(h.compartment for h in placed) == ["behaviour", "safeguarding"]
    assert {h.on for h in placed} == {f"pupil {factories.PUPIL_A}"}
    for ref in (gone, kept):
        with pytest.raises(retention.CannotDispose, match="on hold"):
            retention.dispose(head, ref, "Past its date")
    hold = next(h for h in placed if h.compartment == "safeguarding")
    lifted = retention.lift_hold(head, hold.compartment, hold.id, "The inquiry has ended")
    assert sorted(h.compartment for h in lifted) == ["behaviour", "safeguarding"]
    assert retention.holds(head) == []
    retention.dispose(head, gone, "Past its date")
    assert integrity.verify(head).ok


def _later_incident(head: Session, upn: str) -> str:
    """A behaviour incident naming only ``upn``, recorded (and taken in) now."""
    ref = records.record(
        head,
        Kind.BEHAVIOUR,
        factories.behaviour() | {"pupils": [{"upn": upn, "role": "instigator"}]},
    )
    factories.take_in_all(head)
    return ref


def test_a_hold_on_a_pupil_holds_records_written_later_in_another_file(head: Session) -> None:
    """The pupil has only a safeguarding record when held; a behaviour incident recorded
    afterwards is held too: listed as held, and its disposal refused by the program and by
    the behaviour file's own trigger (someone with that file's key writing the rows)."""
    records.record(head, Kind.CONCERN, factories.concern() | {"pupils": [factories.PUPIL_C]})
    factories.take_in_all(head)
    retention.add_hold(head, upn=factories.PUPIL_C, reason="Inquiry: keep every record")
    later = _later_incident(head, factories.PUPIL_C)
    retention.set_rule(head, "behaviour", "occurred", 1)
    head.clock = FixedClock(datetime.now(UTC) + timedelta(days=800))

    listed = {d.ref: d for d in retention.due(head)}
    assert listed[later].held
    with pytest.raises(retention.CannotDispose, match="on hold"):
        retention.dispose(head, later, "Past its date")

    store = head.compartment(Compartment.BEHAVIOUR)
    conn = _raw(store.path, store.key)
    conn.execute(
        "INSERT INTO disposal (ref, kind, pupil_ids, recorded_on, due_on, rule, reason, "
        "authorised_by, at) VALUES (?, 'behaviour', '[]', '2026-01-01', '2026-01-01', 'r', "
        "'r', 'head', '2026-01-01T00:00:00')",
        (later,),
    )
    with pytest.raises(sqlcipher3.DatabaseError, match="on hold"):
        conn.execute(
            "INSERT INTO disposing (entry_id, disposal_id) SELECT e.id, d.id FROM entry e "
            "JOIN disposal d ON d.ref = e.ref WHERE e.ref = ?",
            (later,),
        )
    conn.close()


def test_a_hold_written_only_into_one_file_still_holds_the_pupil_in_the_other(
    head: Session,
) -> None:
    """A hold placed before holds went into every file (only where the pupil had records):
    the program still refuses to dispose of the pupil's records in the other file."""
    records.record(head, Kind.CONCERN, factories.concern() | {"pupils": [factories.PUPIL_C]})
    factories.take_in_all(head)
    store = head.compartment(Compartment.SAFEGUARDING)
    with store.write() as conn:  # as the earlier version wrote it: this file only
        (pupil_id,) = store_retention.pupil_upns(conn)
        hold_id = store_retention.add_hold(
            conn, pupil_id=pupil_id, ref=None, reason="Inquiry", author="head", at=head.clock.now()
        )
        head.audit(
            conn, "retention.hold_added", object_type="retention_hold", object_id=str(hold_id)
        )
    later = _later_incident(head, factories.PUPIL_C)
    retention.set_rule(head, "behaviour", "occurred", 1)
    head.clock = FixedClock(datetime.now(UTC) + timedelta(days=800))
    assert {d.ref: d.held for d in retention.due(head)}[later]
    with pytest.raises(retention.CannotDispose, match="on hold"):
        retention.dispose(head, later, "Past its date")


def test_a_hold_on_a_pupil_unknown_to_the_school_is_refused(head: Session) -> None:
    with pytest.raises(NotFound, match="no pupil with UPN"):
        retention.add_hold(head, upn="A123456789012", reason="Inquiry")


def test_the_trigger_refuses_a_held_record_even_beside_a_disposal_row(head: Session) -> None:
    """Someone with the file key writing the disposal rows themselves: the hold still holds."""
    gone, _kept = _two_concerns(head)
    retention.add_hold(head, ref=gone, reason="Police asked us to keep it")
    store = head.compartment(Compartment.SAFEGUARDING)
    conn = _raw(store.path, store.key)
    conn.execute(
        "INSERT INTO disposal (ref, kind, pupil_ids, recorded_on, due_on, rule, reason, "
        "authorised_by, at) VALUES (?, 'concern', '[]', '2026-01-01', '2026-01-01', 'r', 'r', "
        "'head', '2026-01-01T00:00:00')",
        (gone,),
    )
    with pytest.raises(sqlcipher3.DatabaseError, match="on hold"):
        conn.execute(
            "INSERT INTO disposing (entry_id, disposal_id) SELECT e.id, d.id FROM entry e "
            "JOIN disposal d ON d.ref = e.ref WHERE e.ref = ?",
            (gone,),
        )
    conn.close()


def test_a_record_not_yet_due_is_kept(head: Session) -> None:
    gone, _kept = _two_concerns(head)
    assert retention.due(head) == []
    with pytest.raises(retention.CannotDispose, match="kept until 01 May 2042"):
        retention.dispose(head, gone, "Tidying up")


def _raw(path: Any, key: bytes) -> Any:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM concern",
        "DELETE FROM entry_pupil",
        "DELETE FROM amendment",
        "DELETE FROM entry_status",
        "DELETE FROM case_contact",
        "DELETE FROM attachment",
        "DELETE FROM entry",
    ],
)
def test_a_raw_delete_with_the_file_key_is_refused(head: Session, statement: str) -> None:
    _two_concerns(head)
    store = head.compartment(Compartment.SAFEGUARDING)
    conn = _raw(store.path, store.key)
    with pytest.raises(sqlcipher3.DatabaseError, match=r"append-only|never deleted"):
        conn.execute(statement)
    conn.close()


def test_a_disposal_forged_with_the_file_key_is_found_by_verify(head: Session) -> None:
    """Writing a disposal row and a `disposing` row by hand lets SQLite delete the record, but
    no event of the program's records it: `verify` names what was removed and added."""
    gone, _kept = _two_concerns(head)
    store = head.compartment(Compartment.SAFEGUARDING)
    conn = _raw(store.path, store.key)
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO disposal (ref, kind, pupil_ids, recorded_on, due_on, rule, reason, "
        "authorised_by, at) VALUES (?, 'concern', '[]', '2026-01-01', '2026-01-01', 'r', 'r', "
        "'head', '2026-01-01T00:00:00')",
        (gone,),
    )
    conn.execute(
        "INSERT INTO disposing (entry_id, disposal_id) SELECT e.id, d.id FROM entry e "
        "JOIN disposal d ON d.ref = e.ref WHERE e.ref = ?",
        (gone,),
    )
    entry_id = conn.execute("SELECT id FROM entry WHERE ref = ?", (gone,)).fetchone()[0]
    for sql in (
        "DELETE FROM case_contact WHERE case_ref = ?",
        "DELETE FROM case_acknowledgement WHERE case_ref = ?",
    ):
        conn.execute(sql, (gone,))
    for table in ("amendment", "entry_status", "concern", "entry_pupil"):
        conn.execute(f"DELETE FROM {table} WHERE entry_id = ?", (entry_id,))
    conn.execute("DELETE FROM entry WHERE id = ?", (entry_id,))
    conn.execute("DELETE FROM disposing")
    conn.execute("COMMIT")
    conn.close()
    store.reset_connections()
    report = integrity.verify(head)
    assert not report.ok
    assert any(f"({gone}) was removed behind the program's back" in p for p in report.problems)
    assert any("disposal row" in p and "added behind" in p for p in report.problems)


@pytest.mark.parametrize("role", [Role.DSL, Role.BEHAVIOUR_LEAD, Role.STAFF, Role.ADMIN])
def test_only_the_head_disposes_lists_holds_or_changes_rules(
    head: Session, session_as: Callable[[Role], Session], role: Role
) -> None:
    gone, _kept = _two_concerns(head)
    other = session_as(role)
    other.clock = FixedClock(AFTER_DUE)
    calls: list[Callable[[], object]] = [
        lambda: retention.dispose(other, gone, "Past its date"),
        lambda: retention.due(other),
        lambda: retention.add_hold(other, ref=gone, reason="x"),
        lambda: retention.set_rule(other, "concern", "occurred", 1),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    head.clock = FixedClock(AFTER_DUE)
    assert gone in {d.ref for d in retention.due(head)}  # still there


def test_the_head_changes_a_rule_and_the_list_follows(head: Session) -> None:
    ref = records.record(head, Kind.BEHAVIOUR, factories.behaviour())
    factories.take_in_all(head)
    head.clock = FixedClock(datetime(2028, 1, 10, 9, 0, tzinfo=UTC))
    assert retention.due(head) == []
    with pytest.raises(ValidationError) as caught:
        retention.set_rule(head, "behaviour", "occurred", 0)
    assert set(caught.value.problems) == {"years"}
    retention.set_rule(head, "behaviour", "occurred", 1)
    assert [d.ref for d in retention.due(head)] == [ref]
    rules = {r.kind: r for r in retention.rules(head)}
    assert rules[Kind.BEHAVIOUR].years == 1 and rules[Kind.CONCERN].years == 25
    retention.dispose(head, ref, "Past the school's one-year rule")
    report = integrity.verify(head)
    assert report.ok, report.problems


def _copies(session: Session) -> int:
    assert session.account is not None
    tag = sealed_items.owner_tag(session.account.secrets.mailbox)
    with session.store.read() as conn:
        return len(sealed.owned(conn, "copy", [tag]))


def test_the_authors_sealed_copy_goes_at_their_next_sign_in(
    school: SchoolStore, head: Session, session_as: Callable[[Role], Session]
) -> None:
    author = session_as(Role.STAFF)
    username = author.user.username
    ref = records.record(author, Kind.CONCERN, _concern(f"Saw {GONE[0]}.", "“Nothing.”"))
    kept = records.record(author, Kind.CONCERN, _concern(f"Saw {KEPT}.", "“Nothing.”"))
    factories.take_in_all(head)
    assert {e.ref for e in records.my_records(author)} == {ref, kept}
    assert _copies(author) == 2
    author.close()

    head.clock = FixedClock(AFTER_DUE)
    retention.dispose(head, ref, "Past its date")

    again = school.sign_in(username, OTHER_PASSWORD)
    try:
        assert {e.ref for e in records.my_records(again)} == {kept}
        assert _copies(again) == 1
    finally:
        again.close()


def test_a_notice_not_signed_by_the_file_removes_nothing(
    school: SchoolStore, head: Session, session_as: Callable[[Role], Session]
) -> None:
    """Anyone can seal to an author (their public key is no secret): a forged notice, sealed
    by another member of staff, does not make the author's copies go."""
    author = session_as(Role.STAFF)
    username = author.user.username
    ref = records.record(author, Kind.CONCERN, _concern(f"Saw {GONE[0]}.", "“Nothing.”"))
    assert author.account is not None
    box, mailbox = author.account.secrets.box.public, author.account.secrets.mailbox
    author.close()
    forged = {
        "ref": ref,
        "status": "disposed",
        "at": "2043-01-01T00:00:00+00:00",
        "compartment": "safeguarding",
        "epoch": 1,
        "signature": "AAAA",
    }
    with head.store.write() as conn:
        store_retention.put_notice(
            conn,
            sealed_items.owner_tag(mailbox),
            sealed_items.seal_for(head.store_id, "receipt", box, forged),
            head.clock.now(),
        )
    again = school.sign_in(username, OTHER_PASSWORD)
    try:
        assert {e.ref for e in records.my_records(again)} == {ref}
        assert _copies(again) == 1
    finally:
        again.close()


def test_a_backup_made_before_still_verifies_after_a_disposal(head: Session) -> None:
    """The chain only grows: the heads a backup saw before the disposal stay in it."""
    gone, _kept = _two_concerns(head)
    backup.create_backup(head)
    head.clock = FixedClock(AFTER_DUE)
    retention.dispose(head, gone, "Past its date")
    report = integrity.verify(head)
    assert report.ok, report.problems
    assert report.backups_checked >= 1


def test_a_disposal_or_a_hold_without_a_reason_is_refused(head: Session) -> None:
    gone, _kept = _two_concerns(head)
    head.clock = FixedClock(AFTER_DUE)
    for call in (
        lambda: retention.dispose(head, gone, "   "),
        lambda: retention.add_hold(head, ref=gone, reason=""),
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        assert set(caught.value.problems) == {"reason"}
    assert gone in {d.ref for d in retention.due(head)}


def test_a_disposal_cut_short_after_the_author_was_told_leaves_no_copy_behind(
    school: SchoolStore,
    head: Session,
    session_as: Callable[[Role], Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The author is told before the record goes: a disposal that dies between the two
    leaves the record (disposed of when asked again), never the author's own copy of a
    record already destroyed (the break-it pass killed it after the commit)."""
    author = session_as(Role.STAFF)
    username = author.user.username
    ref = records.record(author, Kind.CONCERN, _concern(f"Saw {GONE[0]}.", "“Nothing.”"))
    factories.take_in_all(head)
    author.close()
    head.clock = FixedClock(AFTER_DUE)

    store = head.compartment(Compartment.SAFEGUARDING)
    aside = head.paths.migration_backups / f"{store.path.stem}-schema5-20260101-000000.db"
    aside.parent.mkdir(parents=True, exist_ok=True)
    store.checkpoint()
    shutil.copy2(store.path, aside)  # a copy set aside before an upgrade holds it too
    told: list[int] = []

    def killed(*_args: object, **_kwargs: object) -> None:
        with head.store.read() as conn:
            told.append(len(conn.execute("SELECT id FROM disposal_notice").fetchall()))
        told.append(int(aside.exists()))
        raise KeyboardInterrupt  # the process dies as the record goes

    with monkeypatch.context() as patched:
        patched.setattr(store_retention, "dispose", killed)
        with pytest.raises(KeyboardInterrupt):
            retention.dispose(head, ref, "Past its date")
    assert told == [1, 0]  # the author told and the copy aside gone before the record went
    assert ref in {r.ref for r in retention.due(head)}  # the record is still there

    retention.dispose(head, ref, "Past its date")
    again = school.sign_in(username, OTHER_PASSWORD)
    try:
        assert ref not in {e.ref for e in records.my_records(again)}
        assert _copies(again) == 0
    finally:
        again.close()
    assert not any(GONE[0].encode() in page for page in _pages(head))
    report = integrity.verify(head)
    assert report.ok, report.problems


def test_holds_and_disposals_name_the_pupil_and_the_person(head: Session) -> None:
    gone, _kept = _two_concerns(head)
    head.clock = FixedClock(AFTER_DUE)
    retention.add_hold(head, upn=factories.PUPIL_C, reason="Inquiry: keep every record")
    shown = retention.holds(head)
    assert {h.held_text for h in shown} == {f"Mateo De la Cruz ({factories.PUPIL_C})"}
    # The stored fields (the command line's contract) stay as they were.
    assert {(h.on, h.author, h.author_name) for h in shown} == {
        (f"pupil {factories.PUPIL_C}", "head", "Ms Ada Ngozi")
    }
    retention.dispose(head, gone, "Past its date")
    (record,) = retention.disposals(head)
    assert (record.authorised_by, record.authorised_by_name) == ("head", "Ms Ada Ngozi")


def test_a_second_hold_on_the_same_pupil_or_record_is_refused(head: Session) -> None:
    gone, _kept = _two_concerns(head)
    retention.add_hold(head, upn=factories.PUPIL_A, reason="LCSPR: keep all")
    with pytest.raises(ValidationError) as refused:
        retention.add_hold(head, upn=factories.PUPIL_A.lower(), reason="Again")
    said = refused.value.problems["hold"]
    assert f"O'Connor-Nguyễn ({factories.PUPIL_A}) is already held" in said
    assert "is already held (placed on " in said and "by Ms Ada Ngozi, reason: LCSPR" in said
    retention.add_hold(head, ref=gone, reason="Police asked us to keep it")
    with pytest.raises(ValidationError, match=f"Record {gone} is already held"):
        retention.add_hold(head, ref=gone.lower(), reason="Twice")
    # One hold on the pupil (in each file) and one on the record: nothing more was written.
    assert sorted(h.on for h in retention.holds(head)) == [
        gone,
        f"pupil {factories.PUPIL_A}",
        f"pupil {factories.PUPIL_A}",
    ]
    # Once lifted, the pupil may be held again.
    first = next(h for h in retention.holds(head) if h.on.startswith("pupil "))
    retention.lift_hold(head, first.compartment, first.id, "Review reported")
    retention.add_hold(head, upn=factories.PUPIL_A, reason="A new inquiry")
