"""A member of a records file disposing of records herself, through safedesk's own store code
and her own password (skipping only the service's head-only check): `verify` names each such
commit, its table and its signer, because only an account that was then the headteacher may
sign it; and a headteacher's own rules, holds and disposals are not named.

The attacker's steps are exactly the program's (the store's `dispose`, the `record.disposed`
event, the scrub): the file's triggers let them through, and the ledger matches, so only who
signed the commit, and what its rows say, can show it."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.retention import DEFAULT_RULES, parse_rule
from safedesk.domain.roles import Role
from safedesk.services import integrity, membership, records, retention
from safedesk.services.session import Session
from safedesk.store import key_chain, sealed_items
from safedesk.store import retention as store_retention
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account

AFTER_DUE = datetime(2043, 1, 6, 9, 0, tzinfo=UTC)  # pupil A, born 1 May 2017: due 1 May 2042


@pytest.fixture
def head(head_session: Session) -> Session:
    factories.add_pupils(head_session)
    return head_session


@pytest.fixture
def dsl(school: SchoolStore, head: Session) -> Iterator[Session]:
    add_account(head, "dsl1", {Role.DSL})
    session = school.sign_in("dsl1", OTHER_PASSWORD)
    yield session
    session.close()


@pytest.fixture
def lead(school: SchoolStore, head: Session) -> Iterator[Session]:
    add_account(head, "lead1", {Role.BEHAVIOUR_LEAD})
    session = school.sign_in("lead1", OTHER_PASSWORD)
    yield session
    session.close()


def _concern(head: Session) -> str:
    ref = records.record(head, Kind.CONCERN, factories.concern())
    factories.take_in_all(head)
    return ref


def _dispose_as(
    person: Session,
    compartment: Compartment,
    ref: str,
    kind: Kind,
    due: date = date(2020, 1, 1),
    authorised_by: str = "head",
) -> None:
    """What the tester did: the store's disposal, the program's event, then the scrub, in a
    commit the person's own session signs. The rows say the headteacher authorised it."""
    store = person.compartment(compartment)
    with store.write() as conn:
        store_retention.dispose(
            conn,
            ref=ref,
            due=due,
            rule=DEFAULT_RULES[kind].describe(),
            reason="Past its date",
            authorised_by=authorised_by,
            at=person.clock.now(),
        )
        person.audit(
            conn,
            "record.disposed",
            object_type="entry",
            object_id=ref,
            detail={"kind": kind.value, "due_on": due.isoformat()},
        )
    for each in person.all_stores():
        each.reset_connections()
    store_retention.scrub(store)


def _named(report: integrity.VerifyReport, *parts: str) -> list[str]:
    return [p for p in report.problems if all(part in p for part in parts)]


def test_a_dsl_disposing_of_a_record_not_due_is_named_by_every_verify(
    head: Session, dsl: Session
) -> None:
    ref = _concern(head)
    assert integrity.verify(head).ok

    _dispose_as(dsl, Compartment.SAFEGUARDING, ref, Kind.CONCERN)
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        assert conn.execute("SELECT 1 FROM entry WHERE ref = ?", (ref,)).fetchone() is None

    for report in (integrity.verify(head), integrity.verify(dsl)):
        assert not report.ok
        signed = _named(report, "safeguarding: audit row", "disposal", ref, "dsl1", "not the head")
        assert signed, report.problems
        assert _named(report, f"disposal row [1] ({ref}) says it was written by head, but dsl1")
        assert _named(report, ref, "due date that does not follow from the rule in force")
        assert _named(report, ref, "was disposed of before the due date it gives") == []
        # No content: the report names rows, references and accounts only.
        assert not any("coat" in p or "Past its date" in p for p in report.problems)


def test_a_dsl_lifting_a_hold_as_the_head_then_disposing_is_named(
    head: Session, dsl: Session
) -> None:
    ref = _concern(head)
    (hold,) = retention.add_hold(head, ref=ref, reason="Police asked us to keep it")
    dsl.clock = FixedClock(AFTER_DUE)  # due by then: only the hold and the signer are wrong
    store = dsl.compartment(Compartment.SAFEGUARDING)
    with store.write() as conn:
        store_retention.lift_hold(conn, hold.id, "No longer needed", "head", dsl.clock.now())
        dsl.audit(
            conn, "retention.hold_lifted", object_type="retention_hold", object_id=str(hold.id)
        )
    with store.write() as conn:
        store_retention.dispose(
            conn,
            ref=ref,
            due=date(2042, 5, 1),
            rule=DEFAULT_RULES[Kind.CONCERN].describe(),
            reason="Past its date",
            authorised_by="dsl1",
            at=dsl.clock.now(),
        )
        dsl.audit(conn, "record.disposed", object_type="entry", object_id=ref)

    report = integrity.verify(head)
    assert _named(report, "wrote retention_hold_lifted", "under the signature of dsl1")
    assert _named(report, "retention_hold_lifted row [1]", "written by head, but dsl1 signed it")
    assert _named(report, f"wrote disposal ({ref})", "dsl1", "not the headteacher")
    # Her own name on the disposal, and a true due date: nothing false is said of those.
    assert _named(report, "disposal row", "says it was written by") == []
    assert _named(report, "due date") == []


def test_a_dsl_setting_a_rule_or_placing_a_hold_is_named(head: Session, dsl: Session) -> None:
    ref = _concern(head)
    store = dsl.compartment(Compartment.SAFEGUARDING)
    with store.write() as conn:
        rule_id = store_retention.set_rule(
            conn, parse_rule("concern", "occurred", 1), "dsl1", dsl.clock.now()
        )
        dsl.audit(conn, "retention.rule_set", object_type="retention_rule", object_id=str(rule_id))
    with store.write() as conn:
        hold_id = store_retention.add_hold(
            conn, pupil_id=None, ref=ref, reason="x", author="dsl1", at=dsl.clock.now()
        )
        dsl.audit(
            conn, "retention.hold_added", object_type="retention_hold", object_id=str(hold_id)
        )
    with store.write() as conn:  # a hold on the pupil, in the head's name
        (pupil_id,) = store_retention.pupil_upns(conn)
        hold_id = store_retention.add_hold(
            conn, pupil_id=pupil_id, ref=None, reason="x", author="head", at=dsl.clock.now()
        )
        dsl.audit(
            conn, "retention.hold_added", object_type="retention_hold", object_id=str(hold_id)
        )
    report = integrity.verify(head)
    assert _named(report, "wrote retention_rule", "dsl1", "not the headteacher")
    assert _named(report, f"wrote retention_hold ({ref})", "dsl1", "not the headteacher")
    assert _named(report, "retention_hold row [2] says it was written by head, but dsl1")
    assert _named(report, "wrote retention_hold under the signature of dsl1")
    assert not any(factories.PUPIL_A in p for p in report.problems)  # rows, not pupils


def test_a_behaviour_lead_disposing_in_the_behaviour_file_is_named(
    head: Session, lead: Session
) -> None:
    ref = records.record(head, Kind.BEHAVIOUR, factories.behaviour())
    factories.take_in_all(head)
    _dispose_as(lead, Compartment.BEHAVIOUR, ref, Kind.BEHAVIOUR)
    report = integrity.verify(head)
    assert _named(report, "behaviour: audit row", "disposal", ref, "lead1", "not the headteacher")
    assert _named(report, ref, "says it was written by head, but lead1 signed it")


def test_a_former_head_disposing_after_the_role_went_is_named(
    school: SchoolStore, head: Session
) -> None:
    """The role history counts, not who holds the role today: a second headteacher's
    disposal while head is not named; one after the role was taken away (still a DSL, so
    still a member of the file) is."""
    kept, ref = _concern(head), _concern(head)
    add_account(head, "head2", {Role.HEAD, Role.DSL})
    second = school.sign_in("head2", OTHER_PASSWORD)
    try:
        second.clock = FixedClock(AFTER_DUE)
        retention.dispose(second, kept, "Past its date; reviewed")
        assert integrity.verify(head).ok
    finally:
        second.close()
    head.clock = FixedClock(AFTER_DUE + timedelta(days=1))
    membership.revoke(head, "head2", Role.HEAD)
    again = school.sign_in("head2", OTHER_PASSWORD)
    try:
        again.clock = FixedClock(AFTER_DUE + timedelta(days=2))
        _dispose_as(again, Compartment.SAFEGUARDING, ref, Kind.CONCERN)
    finally:
        again.close()
    report = integrity.verify(head)
    assert _named(report, f"wrote disposal ({ref})", "head2", "not the headteacher")
    assert _named(report, kept) == []


def test_the_heads_own_rules_holds_and_disposals_are_not_named(head: Session) -> None:
    ref = _concern(head)
    behaviour = records.record(head, Kind.BEHAVIOUR, factories.behaviour())
    factories.take_in_all(head)
    retention.set_rule(head, "behaviour", "occurred", 1)
    (hold,) = retention.add_hold(head, ref=ref, reason="Police asked us to keep it")
    head.clock = FixedClock(AFTER_DUE)
    retention.lift_hold(head, hold.compartment, hold.id, "The inquiry has ended")
    retention.dispose(head, ref, "Past its date; reviewed by the headteacher")
    retention.dispose(head, behaviour, "Past the school's one-year rule")
    report = integrity.verify(head)
    assert report.ok, report.problems


# --- a disposal notice sealed to an author (their next sign-in removes their own copies) ----


def _author(person: Session, ref: str) -> tuple[bytes, bytes]:
    with person.compartment(Compartment.SAFEGUARDING).read() as conn:
        found = store_retention.author_keys(conn, ref)
    assert found is not None
    return found


def _notice(person: Session, ref: str, author: tuple[bytes, bytes]) -> None:
    """A notice that ``ref`` was disposed of, sealed to its author and signed with the
    safeguarding file's key (which every member holds), written as the program writes it
    once the notice is a ledger row with its own event (services.retention._tell_author)."""
    box_public, mailbox = author
    keys = person.keys[Compartment.SAFEGUARDING]
    value: dict[str, object] = {
        "ref": ref,
        "status": "disposed",
        "at": person.clock.now().isoformat(),
        "compartment": "safeguarding",
        "epoch": keys.epoch,
    }
    message = key_chain.receipt_message(person.store_id, "safeguarding", value)
    value["signature"] = base64.b64encode(keys.sign.sign(message)).decode("ascii")
    item = sealed_items.seal_for(person.store_id, "receipt", box_public, value)
    with person.store.write() as conn:
        notice_id = store_retention.put_notice(
            conn, sealed_items.owner_tag(mailbox), item, person.clock.now()
        )
        person.audit(
            conn, "record.disposal_notice", object_type="disposal_notice", object_id=str(notice_id)
        )


def test_a_notice_for_a_live_record_sealed_by_a_dsl_is_named(
    school: SchoolStore, head: Session, dsl: Session
) -> None:
    add_account(head, "staff1", {Role.STAFF})
    author = school.sign_in("staff1", OTHER_PASSWORD)
    try:
        live = records.record(author, Kind.CONCERN, factories.concern())
        gone = records.record(author, Kind.CONCERN, factories.concern())
    finally:
        author.close()
    factories.take_in_all(head)
    head.clock = FixedClock(AFTER_DUE)
    # The head's disposal and its notice, as the program writes them.
    keys = _author(head, gone)
    _dispose_as(head, Compartment.SAFEGUARDING, gone, Kind.CONCERN, date(2042, 5, 1), "head")
    _notice(head, gone, keys)

    _notice(dsl, live, _author(dsl, live))  # the DSL's, for a record nobody disposed of

    school_check = integrity.school_report(head)
    assert len(school_check.head_notices) == 1
    report = integrity.verify(head)
    named = _named(report, "school: audit row", "disposal_notice", "under the signature of dsl1")
    assert len(named) == 1 and "held no role that may do that" in named[0], report.problems
    assert report.problems == named  # the head's disposal and notice are not named

    # The author's own sign-in honours the head's notice only: their copy of the live record
    # stays, and the DSL's notice stays too, for verify to go on naming.
    author = school.sign_in("staff1", OTHER_PASSWORD)
    try:
        mine = {e.ref for e in records.my_records(author)}
        with author.store.read() as conn:
            left = store_retention.notices(conn, sealed_items.owner_tag(keys[1]))
    finally:
        author.close()
    assert live in mine and gone not in mine
    assert len(left) == 1
