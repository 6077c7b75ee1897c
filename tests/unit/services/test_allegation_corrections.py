"""Corrections in the allegations files: a low-level concern's fields, and an allegation's
outcome once recorded. Only the file's holder corrects; the original and every correction
are kept; the corrected values are what the log, the patterns and the list show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
import sqlcipher3

from safedesk.domain.allegations import Outcome
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.local_time import to_local
from safedesk.domain.roles import Role
from safedesk.services import allegations
from safedesk.services.session import Session
from safedesk.store import allegations as allegations_store
from tests.conftest import HEAD_USER, OTHER_PASSWORD, SchoolStore, add_account
from tests.factories import earlier

CHAIR = "cleo.chair"
CHAIR_PASSWORD = "cleo's own long password"


def _low_level(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "subject_name": "Mr Peter Quil",
        "subject_role": "Year 4 teacher",
        "happened_at": earlier(2),
        "what": "Shared his personal phone number with a Year 6 pupil",
        "raised_by": "Teaching assistant",
    }
    payload.update(changes)
    return payload


def _allegation() -> dict[str, object]:
    return {
        "subject_name": "Mr Peter Quill",
        "subject_role": "Year 4 teacher",
        "happened_at": earlier(3),
        "alleged": "Grabbed a pupil by the arm in the corridor",
        "raised_by": "A parent, by phone to the office",
    }


def _decided(head: Session, number: int, *, about_head: bool = False) -> str:
    today = to_local(head.clock.now()).date().isoformat()
    allegations.record_outcome(
        head, number, {"outcome": "unfounded", "decided_on": today}, about_head=about_head
    )
    return today


def test_the_head_corrects_a_low_level_concern_and_every_version_is_kept(
    head_session: Session,
) -> None:
    number = allegations.record_low_level(head_session, _low_level())
    allegations.correct_low_level(
        head_session, number, "subject_name", "Mr Peter Quill", "Surname mistyped"
    )
    allegations.correct_low_level(
        head_session, number, "what", "Gave a Year 6 pupil his phone number", "Her exact words"
    )
    allegations.correct_low_level(
        head_session, number, "subject_name", "Mr P. Quill", "As on the staff list"
    )
    [found] = allegations.list_low_level(head_session)
    assert found.subject.name == "Mr Peter Quil"  # as first recorded
    assert found.what == "Shared his personal phone number with a Year 6 pupil"
    assert found.current("subject_name") == "Mr P. Quill"
    assert found.current_subject.name == "Mr P. Quill"
    assert found.current("what") == "Gave a Year 6 pupil his phone number"
    assert [(a.field, a.old_value, a.new_value, a.reason) for a in found.amendments] == [
        ("subject_name", "Mr Peter Quil", "Mr Peter Quill", "Surname mistyped"),
        ("what", "Shared his personal phone number with a Year 6 pupil",
         "Gave a Year 6 pupil his phone number", "Her exact words"),
        ("subject_name", "Mr Peter Quill", "Mr P. Quill", "As on the staff list"),
    ]  # fmt: skip
    assert {a.recorded_by for a in found.amendments} == {HEAD_USER}


def test_patterns_count_concerns_by_the_corrected_name_and_time(head_session: Session) -> None:
    first = allegations.record_low_level(head_session, _low_level())
    allegations.record_low_level(head_session, _low_level(subject_name="Mr Peter Quill"))
    before = allegations.low_level_patterns(head_session)
    assert sorted(p.total for p in before) == [1, 1]  # the typo splits them
    allegations.correct_low_level(
        head_session, first, "subject_name", "Mr Peter Quill", "Surname mistyped"
    )
    moved = "2025-01-15T10:00"
    allegations.correct_low_level(head_session, first, "happened_at", moved, "Wrong year")
    [pattern] = allegations.low_level_patterns(head_session)
    assert pattern.subject.name == "Mr Peter Quill" and pattern.total == 2
    assert pattern.by_month[0] == ("2025-01", 1)
    [found] = [c for c in allegations.list_low_level(head_session) if c.id == first]
    assert found.current_happened_at == datetime.fromisoformat("2025-01-15T10:00+00:00")


def test_a_low_level_correction_names_what_is_wrong(head_session: Session) -> None:
    number = allegations.record_low_level(head_session, _low_level())

    def problems(field: str, value: str, reason: str) -> dict[str, str]:
        with pytest.raises(ValidationError) as raised:
            allegations.correct_low_level(head_session, number, field, value, reason)
        return raised.value.problems

    assert set(problems("what", "Something else", " ")) == {"reason"}
    assert set(problems("what", " ", "Why")) == {"new value"}
    assert "same" in problems("subject_role", "Year 4 teacher", "Why")["new value"]
    assert set(problems("recorded_by", "someone", "Why")) == {"field"}
    assert "future" in problems("happened_at", "2100-01-01T10:00", "Why")["new value"]
    # Recorded a moment ago, so it cannot have happened since.
    after = head_session.clock.now() + timedelta(minutes=1)
    assert (
        "after the concern was recorded"
        in (problems("happened_at", after.isoformat(), "Why")["new value"])
    )
    assert "date and time" in problems("happened_at", "last Tuesday", "Why")["new value"]
    with pytest.raises(NotFound):
        allegations.correct_low_level(head_session, 999, "what", "x", "y")
    [found] = allegations.list_low_level(head_session)
    assert found.amendments == ()


def test_the_head_corrects_an_outcome_and_the_first_decision_is_kept(
    head_session: Session,
) -> None:
    # Four days ago, so that it can have been decided two days ago.
    number = allegations.record_allegation(
        head_session, {**_allegation(), "happened_at": earlier(96)}
    )
    with pytest.raises(ValidationError, match="not been recorded"):
        allegations.correct_outcome(head_session, number, "false", "2026-01-01", "Why")
    today = _decided(head_session, number)
    allegations.correct_outcome(
        head_session, number, "unsubstantiated", today, "The LADO's letter says unsubstantiated"
    )
    allegations.correct_outcome(
        head_session, number, "unsubstantiated", earlier(48)[:10], "Decided the day before"
    )
    [found] = allegations.list_allegations(head_session)
    assert found.outcome is not None and found.outcome.outcome is Outcome.UNFOUNDED  # kept
    assert found.decision is not None
    assert found.decision.outcome is Outcome.UNSUBSTANTIATED and found.decision.corrected
    assert found.decision.decided_on == date.fromisoformat(earlier(48)[:10])
    assert [(c.old_outcome, c.outcome) for c in found.outcome_corrections] == [
        (Outcome.UNFOUNDED, Outcome.UNSUBSTANTIATED),
        (Outcome.UNSUBSTANTIATED, Outcome.UNSUBSTANTIATED),
    ]
    assert found.outcome_corrections[1].old_decided_on == date.fromisoformat(today)
    # A second outcome is still refused: a later decision is a correction.
    with pytest.raises(ValidationError, match="already"):
        allegations.record_outcome(head_session, number, {"outcome": "false", "decided_on": today})


def test_an_outcome_correction_names_what_is_wrong(head_session: Session) -> None:
    number = allegations.record_allegation(head_session, _allegation())
    today = _decided(head_session, number)

    def problems(outcome: str, on: str, reason: str) -> dict[str, str]:
        with pytest.raises(ValidationError) as raised:
            allegations.correct_outcome(head_session, number, outcome, on, reason)
        return raised.value.problems

    assert set(problems("false", today, "")) == {"reason"}
    assert "already recorded as this" in problems("unfounded", today, "Why")["outcome"]
    assert set(problems("proven", "yesterday", "Why")) == {"outcome", "decided_on"}
    assert "future" in problems("false", "2100-01-01", "Why")["decided_on"]
    [found] = allegations.list_allegations(head_session)
    assert found.outcome_corrections == ()


def test_an_outcome_corrected_just_after_midnight_in_summer_is_the_schools_today(
    head_session: Session,
) -> None:
    head_session.clock = FixedClock(datetime.fromisoformat("2026-05-30T12:00+00:00"))
    number = allegations.record_allegation(
        head_session, {**_allegation(), "happened_at": "2026-05-29T10:00"}
    )
    allegations.record_outcome(
        head_session, number, {"outcome": "false", "decided_on": "2026-05-30"}
    )
    head_session.clock = FixedClock(datetime.fromisoformat("2026-05-31T23:30+00:00"))
    allegations.correct_outcome(head_session, number, "malicious", "2026-06-01", "Decided today")
    [found] = allegations.list_allegations(head_session)
    assert found.decision is not None and found.decision.decided_on == date(2026, 6, 1)


def test_corrections_are_audited_by_number_only(head_session: Session) -> None:
    concern = allegations.record_low_level(head_session, _low_level())
    allegations.correct_low_level(
        head_session, concern, "raised_by", "Midday supervisor", "Mixed up"
    )
    number = allegations.record_allegation(head_session, _allegation())
    today = _decided(head_session, number)
    allegations.correct_outcome(head_session, number, "false", today, "Misread the letter")
    store = head_session.compartments[Compartment.ALLEGATIONS]
    with store.read() as conn:
        rows = conn.execute(
            "SELECT action, object_id, detail FROM audit_log WHERE action IN "
            "('low_level_concern.amended', 'allegation.outcome_corrected') ORDER BY seq"
        ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        ("low_level_concern.amended", str(concern)),
        ("allegation.outcome_corrected", str(number)),
    ]
    for _action, _id, detail in rows:
        for words in ("Midday", "Mixed up", "Misread", "false", "raised_by"):
            assert words not in detail


def test_the_file_refuses_changes_to_corrections(head_session: Session) -> None:
    concern = allegations.record_low_level(head_session, _low_level())
    allegations.correct_low_level(head_session, concern, "what", "Something else", "Why")
    number = allegations.record_allegation(head_session, _allegation())
    today = _decided(head_session, number)
    allegations.correct_outcome(head_session, number, "false", today, "Why")
    store = head_session.compartments[Compartment.ALLEGATIONS]
    for sql in (
        "UPDATE low_level_amendment SET new_value = 'nothing'",
        "DELETE FROM low_level_amendment",
        "UPDATE allegation_outcome_correction SET outcome = 'malicious'",
        "DELETE FROM allegation_outcome_correction",
    ):
        with (
            pytest.raises(sqlcipher3.DatabaseError, match="append-only"),
            store.write() as conn,
        ):
            conn.execute(sql)
    with pytest.raises(sqlcipher3.IntegrityError), store.write() as conn:
        conn.execute(
            "INSERT INTO low_level_amendment (concern_id, field, old_value, new_value, reason, "
            "recorded_by, recorded_at) VALUES (?, 'what', 'a', 'b', ' ', 'head', "
            "'2026-01-01T00:00:00+00:00')",
            (concern,),
        )


@pytest.mark.parametrize("role", [Role.STAFF, Role.DSL, Role.ADMIN, Role.CHAIR_OF_GOVERNORS])
def test_everyone_but_the_head_is_refused_on_the_heads_file(
    head_session: Session, session_as: Callable[[Role], Session], role: Role
) -> None:
    concern = allegations.record_low_level(head_session, _low_level())
    number = allegations.record_allegation(head_session, _allegation())
    today = _decided(head_session, number)
    other = session_as(role)
    with pytest.raises(PermissionDenied):
        allegations.correct_low_level(other, concern, "what", "Nothing happened", "I say so")
    with pytest.raises(PermissionDenied):
        allegations.correct_outcome(other, number, "malicious", today, "I say so")
    [found] = allegations.list_low_level(head_session)
    assert found.amendments == ()
    [kept] = allegations.list_allegations(head_session)
    assert kept.outcome_corrections == ()


def test_the_chair_corrects_in_their_file_and_the_head_is_refused(
    school: SchoolStore, head_session: Session
) -> None:
    add_account(head_session, CHAIR, {Role.CHAIR_OF_GOVERNORS}, CHAIR_PASSWORD)
    add_account(head_session, "d.lead", {Role.DSL})
    chair = school.sign_in(CHAIR, CHAIR_PASSWORD)
    try:
        about = {"subject_username": HEAD_USER, "subject_role": "Headteacher"}
        concern = allegations.record_low_level(chair, _low_level(**about), about_head=True)
        number = allegations.record_allegation(chair, {**_allegation(), **about}, about_head=True)
        today = _decided(chair, number, about_head=True)
        allegations.correct_low_level(
            chair, concern, "subject_role", "Headteacher (acting)", "Acting head", about_head=True
        )
        allegations.correct_outcome(chair, number, "false", today, "Misread", about_head=True)
        dsl = school.sign_in("d.lead", OTHER_PASSWORD)
        for who in (head_session, dsl):
            with pytest.raises(PermissionDenied):
                allegations.correct_low_level(
                    who, concern, "what", "Nothing", "Mine", about_head=True
                )
            with pytest.raises(PermissionDenied):
                allegations.correct_outcome(
                    who, number, "malicious", today, "Mine", about_head=True
                )
        [found] = allegations.list_low_level(chair, about_head=True)
        assert found.current("subject_role") == "Headteacher (acting)"
        [kept] = allegations.list_allegations(chair, about_head=True)
        assert kept.decision is not None and kept.decision.outcome is Outcome.FALSE
        dsl.lock()
    finally:
        chair.lock()


def test_a_name_corrected_to_a_colleagues_makes_them_the_subject_of_the_file(
    head_session: Session,
) -> None:
    """Whom the file is about is never given its key: a low-level concern whose name is
    corrected to an account's name counts, as an allegation's corrected name does."""
    add_account(head_session, "p.quill", {Role.STAFF})
    number = allegations.record_low_level(head_session, _low_level(subject_name="Mr Someone"))
    store = head_session.compartments[Compartment.ALLEGATIONS]
    with store.read() as conn:
        assert not allegations_store.is_subject(conn, "p.quill", "Test p.quill")
    allegations.correct_low_level(
        head_session, number, "subject_name", "Test p.quill", "Wrong person named"
    )
    with store.read() as conn:
        assert allegations_store.is_subject(conn, "p.quill", "Test p.quill")


@pytest.mark.parametrize(
    "written",
    [
        "Mr Test p.quill",
        "Test\u00a0p.quill",
        "Test p.quill\u200b",
        "TEST  P. QUILL",
        "Ｔｅｓｔ p.quill",
    ],
)
def test_a_name_written_another_way_is_still_theirs(head_session: Session, written: str) -> None:
    """An outside tester corrected the name to "Mr Test p.quill" (and with a non-breaking or a
    zero-width space): the grant then gave p.quill the file. Names are read as people read
    them: titles, case, spacing, invisible characters and full-width letters aside."""
    number = allegations.record_low_level(head_session, _low_level(subject_name="Mr Someone"))
    allegations.correct_low_level(head_session, number, "subject_name", written, "Wrong person")
    store = head_session.compartments[Compartment.ALLEGATIONS]
    with store.read() as conn:
        assert allegations_store.is_subject(conn, "p.quill", "Test p.quill")
        assert not allegations_store.is_subject(conn, "p.quinn", "Test p.quinn")


def test_a_concern_corrected_to_another_name_leaves_the_accounts_pattern(
    head_session: Session,
) -> None:
    """Recorded against an account, then corrected to someone else: it counts for the name
    it now has, not for the account (the tester saw the account vanish from the patterns)."""
    add_account(head_session, "p.quill", {Role.STAFF})
    about_him = {"subject_username": "p.quill", "subject_name": "Test p.quill"}
    allegations.record_low_level(head_session, _low_level(**about_him))
    moved = allegations.record_low_level(head_session, _low_level(**about_him))
    allegations.correct_low_level(
        head_session, moved, "subject_name", "Mr Ron Weasel", "The wrong colleague was named"
    )
    found = {(p.subject.username, p.subject.name): p.total for p in
             allegations.low_level_patterns(head_session)}  # fmt: skip
    assert found == {("p.quill", "Test p.quill"): 1, (None, "Mr Ron Weasel"): 1}


@pytest.mark.parametrize("reason", ["\u2800", "\u3164", " \uffa0 "])
def test_a_reason_of_letters_drawn_as_nothing_is_no_reason(
    head_session: Session, reason: str
) -> None:
    number = allegations.record_low_level(head_session, _low_level())
    with pytest.raises(ValidationError) as raised:
        allegations.correct_low_level(head_session, number, "what", "Something else", reason)
    assert "reason" in raised.value.problems


def test_a_correction_that_only_adds_an_invisible_character_changes_nothing(
    head_session: Session,
) -> None:
    number = allegations.record_low_level(head_session, _low_level())
    same = "Shared his personal phone number with a Year 6 pupil\u200b"
    with pytest.raises(ValidationError, match="the same as it is now"):
        allegations.correct_low_level(head_session, number, "what", same, "Checked")


def test_an_outcome_cannot_be_decided_before_what_is_alleged_happened(
    head_session: Session,
) -> None:
    number = allegations.record_allegation(head_session, _allegation())
    long_ago = {"outcome": "false", "decided_on": "2001-01-01"}
    with pytest.raises(ValidationError, match="cannot be before what is alleged happened"):
        allegations.record_outcome(head_session, number, long_ago)
    _decided(head_session, number)
    with pytest.raises(ValidationError, match="cannot be before what is alleged happened"):
        allegations.correct_outcome(head_session, number, "false", "2001-01-01", "A letter")
