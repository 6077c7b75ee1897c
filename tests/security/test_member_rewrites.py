"""A member holding a compartment's key, with the program's own code, changes or removes a
record's row through their own session and signs a ledger entry for it: the row then matches
its ledger, so `verify` must read what the ledger says was done. Record content is written
once; only a schema upgrade hashes such a row again.

Found by the Step 9 break-it pass: a behaviour lead rewrote a leader's review ("parents to be
told; pupil hurt wrist" became "no injury"), a DSL erased a child protection plan from a
pupil's history, and verify said nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import behaviour_review, integrity, pupil_status, records
from safedesk.services.session import Session
from safedesk.store import ledger
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.unit.services.test_behaviour_review import at, record_at


def _problems(school: SchoolStore) -> list[str]:
    head = school.sign_in()
    try:
        return integrity.verify(head).problems
    finally:
        head.lock()


def _rewrite(
    session: Session,
    compartment: Compartment,
    sql: str,
    params: tuple[object, ...],
    trigger: str,
    table: str,
    pk: list[object],
    op: str,
) -> None:
    with session.compartment(compartment, "test").write() as conn:
        kept = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (trigger,)).fetchone()[
            0
        ]
        conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute(sql, params)
        conn.execute(kept)
        ledger.touched(conn, table, pk, op)


def test_a_review_rewritten_and_signed_by_a_member_is_found(
    school: SchoolStore, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    add_account(head_session, "b.lead", {Role.BEHAVIOUR_LEAD})
    teacher = session_as(Role.STAFF)
    ref = record_at(teacher, Kind.INTERVENTION, "2026-11-23T10:00")
    head_session.clock = FixedClock(at("2026-11-23T12:00"))
    behaviour_review.record_review(
        head_session,
        ref,
        {
            "decision": "parents",
            "note": "Hurt wrist; parents to be told.",
            "parents_who": "Mum",
            "parents_by": "2026-11-24",
        },
    )
    assert _problems(school) == []
    lead = school.sign_in("b.lead", OTHER_PASSWORD)
    try:
        with lead.compartment(Compartment.BEHAVIOUR, "test").read() as conn:
            review_id = conn.execute("SELECT id FROM behaviour_review").fetchone()[0]
        _rewrite(
            lead,
            Compartment.BEHAVIOUR,
            "UPDATE behaviour_review SET decision = 'signed_off', note = 'No injury.', "
            "parents_who = NULL, parents_by = NULL WHERE id = ?",
            (review_id,),
            "behaviour_review_no_update",
            "behaviour_review",
            [review_id],
            ledger.UPDATE,
        )
    finally:
        lead.lock()
    problems = _problems(school)
    assert any(
        "behaviour_review row" in p
        and ref in p
        and "changed after it was written" in p
        and "b.lead" in p
        for p in problems
    ), problems


def test_a_status_erased_and_signed_by_a_member_is_found(
    school: SchoolStore, head_session: Session
) -> None:
    factories.add_pupils(head_session)
    add_account(head_session, "d.sl", {Role.DSL})
    plan = pupil_status.start_status(
        head_session, factories.PUPIL_B, "child_protection_plan", date(2026, 9, 1)
    )
    pupil_status.end_status(head_session, plan.id, date(2026, 11, 1))
    dsl = school.sign_in("d.sl", OTHER_PASSWORD)
    try:
        with dsl.compartment(Compartment.SAFEGUARDING, "test").read() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM pupil_status ORDER BY id DESC")]
        for row in ids:
            _rewrite(
                dsl,
                Compartment.SAFEGUARDING,
                "DELETE FROM pupil_status WHERE id = ?",
                (row,),
                "pupil_status_no_delete",
                "pupil_status",
                [row],
                ledger.DELETE,
            )
    finally:
        dsl.lock()
    problems = _problems(school)
    removed = [p for p in problems if "pupil_status row" in p and "was removed" in p]
    assert len(removed) == 2 and all(factories.PUPIL_B in p for p in removed), problems


def test_a_concern_written_again_under_its_own_number_is_found(
    school: SchoolStore, head_session: Session
) -> None:
    factories.add_pupils(head_session)
    ref = records.record(head_session, Kind.CONCERN, factories.concern())
    with head_session.compartment(Compartment.SAFEGUARDING, "test").read() as conn:
        entry_id = conn.execute("SELECT id FROM entry WHERE ref = ?", (ref,)).fetchone()[0]
    _rewrite(
        head_session,
        Compartment.SAFEGUARDING,
        "UPDATE concern SET description = 'Nothing of note.' WHERE entry_id = ?",
        (entry_id,),
        "concern_no_update",
        "concern",
        [entry_id],
        ledger.INSERT,
    )
    problems = _problems(school)
    assert any("concern row" in p and "written a second time" in p for p in problems), problems
