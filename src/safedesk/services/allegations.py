"""Allegations about staff and the low-level concerns log, kept where only the head (or, for
allegations about the head, only the chair of governors) can open them.

Members record them here; any member of staff raises one sealed (services/adult_concerns.py),
taken in from the file's inbox when the head (or the chair) next looks. Every call checks the
permission and opens the compartment's own file; the audit events (ids, never content) stay
inside that file, so nobody else learns even that an allegation exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from safedesk.domain.allegations import (
    AMENDABLE,
    Allegation,
    LowLevelConcern,
    Pattern,
    Subject,
    patterns,
    validate_allegation,
    validate_lado,
    validate_low_level,
    validate_low_level_correction,
    validate_outcome,
    validate_outcome_correction,
)
from safedesk.domain.compartments import Compartment
from safedesk.domain.entry_validation import FUTURE_TOLERANCE, parse_moment
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.local_time import to_local
from safedesk.domain.roles import Permission, Role
from safedesk.domain.text import (
    LONG_TEXT_LIMIT,
    SHORT_TEXT_LIMIT,
    is_blank,
    text_problem,
    visible,
)
from safedesk.services import intake
from safedesk.services.school_calendar import get_calendar
from safedesk.services.session import Session
from safedesk.store import allegations as repo
from safedesk.store import users
from safedesk.store.db import Store

LADO_WORKING_DAYS = 1  # the LADO is told within one working day of an allegation


def _file(session: Session, about_head: bool, doing: str) -> Store:
    """The file these records live in, for a person allowed to keep them (else refused);
    what staff have raised since (sealed in its inbox) is taken in first."""
    if about_head:
        session.require(Permission.ALLEGATIONS_ABOUT_HEAD, doing)
        store = session.compartment(Compartment.ALLEGATIONS_HEAD, doing)
        intake.take_in_waiting(session, Compartment.ALLEGATIONS_HEAD)
        return store
    session.require(Permission.ALLEGATIONS, doing)
    store = session.compartment(Compartment.ALLEGATIONS, doing)
    intake.take_in_waiting(session, Compartment.ALLEGATIONS)
    return store


def _check_subject(session: Session, subject: Subject, about_head: bool) -> None:
    if subject.username is None:
        return
    if subject.username == session.user.username:
        raise ValidationError(
            {
                "subject_username": "is you: an allegation about yourself is recorded by someone "
                "else (the chair of governors, for the headteacher)"
            }
        )
    with session.store.read() as conn:
        found = users.by_username(conn, subject.username)
    if found is None:
        raise ValidationError({"subject_username": "is not an account here; give a name instead"})
    if about_head and Role.HEAD not in found.roles:
        raise ValidationError(
            {
                "subject_username": "is not a headteacher: the chair of governors' file is for "
                "allegations about the headteacher; those about other staff go to the "
                "headteacher"
            }
        )
    if not about_head and Role.HEAD in found.roles:
        raise ValidationError(
            {
                "subject_username": "is a headteacher: allegations about the headteacher are "
                "recorded by the chair of governors, in their own file"
            }
        )


def record_allegation(
    session: Session, payload: Mapping[str, Any], *, about_head: bool = False
) -> int:
    """Record an allegation about a member of staff (``about_head``: the headteacher)."""
    store = _file(session, about_head, "record allegations about staff")
    now = session.clock.now()
    new = validate_allegation(payload, now)
    _check_subject(session, new.subject, about_head)
    with store.write() as conn:
        row_id = repo.insert_allegation(conn, new, by=session.user.username, at=now)
        session.audit(conn, "allegation.recorded", object_type="allegation", object_id=str(row_id))
    return row_id


def _allegation(store: Store, allegation_id: int) -> Allegation:
    with store.read() as conn:
        found = repo.get_allegation(conn, allegation_id)
    if found is None:
        raise NotFound(f"There is no allegation number {allegation_id}.")
    return found


def _event(session: Session, store: Store, allegation_id: int, kind: str, **values: Any) -> int:
    with store.write() as conn:
        row_id = repo.insert_event(
            conn,
            allegation_id,
            kind,
            by=session.user.username,
            recorded_at=session.clock.now(),
            **values,
        )
        session.audit(
            conn,
            f"allegation.{kind}",
            object_type="allegation",
            object_id=str(allegation_id),
            detail={"event": row_id},
        )
    return row_id


def record_lado_contact(
    session: Session, allegation_id: int, payload: Mapping[str, Any], *, about_head: bool = False
) -> int:
    """When the local authority designated officer (LADO) was contacted, and their name."""
    store = _file(session, about_head, "record contact with the LADO")
    found = _allegation(store, allegation_id)
    at, name = validate_lado(payload, session.clock.now())
    if at < found.happened_at:
        raise ValidationError({"contacted_at": "is before what is alleged happened"})
    return _event(session, store, allegation_id, "lado_contacted", at=at, lado_name=name)


def record_action(
    session: Session, allegation_id: int, text: str, *, about_head: bool = False
) -> int:
    """An action taken (suspension considered, a strategy meeting, the person told, ...)."""
    store = _file(session, about_head, "record actions on allegations")
    _allegation(store, allegation_id)
    if is_blank(text):
        raise ValidationError({"action": "is required"})
    if problem := text_problem(text, limit=LONG_TEXT_LIMIT):
        raise ValidationError({"action": problem})
    return _event(session, store, allegation_id, "action", at=session.clock.now(), text=text)


def record_outcome(
    session: Session, allegation_id: int, payload: Mapping[str, Any], *, about_head: bool = False
) -> int:
    """The outcome (substantiated, false, malicious, unsubstantiated, unfounded) and its date."""
    store = _file(session, about_head, "record the outcome of allegations")
    found = _allegation(store, allegation_id)
    if found.outcome is not None:
        raise ValidationError(
            {
                "outcome": "has already been recorded for this allegation: if it is wrong, "
                "correct it and give the reason (what was first recorded is kept)"
            }
        )
    # "Today" is the school's day (just after midnight in summer, UTC's is still yesterday).
    outcome, decided = validate_outcome(
        payload, to_local(session.clock.now()).date(), _happened_on(found)
    )
    at = datetime.combine(decided, datetime.min.time(), tzinfo=session.clock.now().tzinfo)
    return _event(session, store, allegation_id, "outcome", at=at, outcome=outcome)


def _happened_on(found: Allegation) -> date:
    """The school's day on which what is alleged happened, as corrected."""
    return to_local(datetime.fromisoformat(found.current("happened_at"))).date()


def amend_allegation(
    session: Session,
    allegation_id: int,
    field: str,
    new_value: str,
    reason: str,
    *,
    about_head: bool = False,
) -> int:
    """A correction: the field, its old and new value and why; the record itself never changes."""
    store = _file(session, about_head, "correct allegations")
    found = _allegation(store, allegation_id)
    problems: dict[str, str] = {}
    if field not in AMENDABLE:
        problems["field"] = "must be one of " + ", ".join(AMENDABLE)
    limit = LONG_TEXT_LIMIT if field == "alleged" else SHORT_TEXT_LIMIT
    if is_blank(new_value):
        problems["new value"] = "is required"
    elif problem := text_problem(new_value, limit=limit):
        problems["new value"] = problem
    if is_blank(reason):
        problems["reason"] = "is required"
    elif problem := text_problem(reason, limit=LONG_TEXT_LIMIT):
        problems["reason"] = problem
    value = new_value.strip() if isinstance(new_value, str) else ""
    old = found.current(field) if field in AMENDABLE else None
    if field == "happened_at" and "new value" not in problems:
        moment = parse_moment(value)
        if isinstance(moment, str):
            problems["new value"] = moment
        elif moment > session.clock.now() + FUTURE_TOLERANCE:
            problems["new value"] = "cannot be in the future"
        elif moment > found.recorded_at:
            problems["new value"] = "cannot be after the allegation was recorded"
        elif old is not None and moment == datetime.fromisoformat(old):
            problems["new value"] = "is the same as it is now: give the time it should be"
        else:
            value = moment.isoformat()
    elif "new value" not in problems and old is not None and visible(value) == visible(old):
        problems["new value"] = "is the same as it is now: give the value it should be"
    if problems:
        raise ValidationError(problems)
    return _event(
        session,
        store,
        allegation_id,
        "amendment",
        at=session.clock.now(),
        field=field,
        old_value=old,
        new_value=value,
        text=reason.strip(),
    )


def correct_outcome(
    session: Session,
    allegation_id: int,
    outcome: str,
    decided_on: str,
    reason: str,
    *,
    about_head: bool = False,
) -> int:
    """A recorded outcome corrected (the outcome, the day it was decided, or both) with the
    reason; the outcome as first recorded and every earlier correction are kept."""
    store = _file(session, about_head, "correct the outcome of allegations")
    found = _allegation(store, allegation_id)
    now = found.decision
    if now is None:
        raise ValidationError(
            {"outcome": "has not been recorded yet for this allegation: record it first"}
        )
    today = to_local(session.clock.now()).date()
    new, decided, why = validate_outcome_correction(
        now, {"outcome": outcome, "decided_on": decided_on}, reason, today, _happened_on(found)
    )
    with store.write() as conn:
        row_id = repo.insert_outcome_correction(
            conn,
            allegation_id,
            new,
            decided,
            (now.outcome, now.decided_on),
            why,
            by=session.user.username,
            at=session.clock.now(),
        )
        session.audit(
            conn,
            "allegation.outcome_corrected",
            object_type="allegation",
            object_id=str(allegation_id),
            detail={"correction": row_id},
        )
    return row_id


def list_allegations(session: Session, *, about_head: bool = False) -> list[Allegation]:
    store = _file(session, about_head, "see allegations about staff")
    with store.read() as conn:
        found = repo.all_allegations(conn)
    with store.write() as conn:
        session.audit(conn, "allegations.viewed", detail={"count": len(found)})
    return found


def record_low_level(
    session: Session, payload: Mapping[str, Any], *, about_head: bool = False
) -> int:
    """A low-level concern: about whom, what, who raised it and when."""
    store = _file(session, about_head, "record low-level concerns")
    now = session.clock.now()
    new = validate_low_level(payload, now)
    _check_subject(session, new.subject, about_head)
    with store.write() as conn:
        row_id = repo.insert_low_level(conn, new, by=session.user.username, at=now)
        session.audit(
            conn, "low_level_concern.recorded", object_type="low_level", object_id=str(row_id)
        )
    return row_id


def correct_low_level(
    session: Session,
    concern_id: int,
    field: str,
    new_value: str,
    reason: str,
    *,
    about_head: bool = False,
) -> int:
    """A correction to a low-level concern: the field, its old and new value and why; the
    concern as recorded never changes."""
    store = _file(session, about_head, "correct low-level concerns")
    with store.read() as conn:
        found = repo.get_low_level(conn, concern_id)
    if found is None:
        raise NotFound(f"There is no low-level concern number {concern_id}.")
    now = session.clock.now()
    old, value, why = validate_low_level_correction(found, field, new_value, reason, now)
    with store.write() as conn:
        row_id = repo.insert_low_level_amendment(
            conn, concern_id, field, old, value, why, by=session.user.username, at=now
        )
        session.audit(
            conn,
            "low_level_concern.amended",
            object_type="low_level",
            object_id=str(concern_id),
            detail={"amendment": row_id},
        )
    return row_id


def list_low_level(session: Session, *, about_head: bool = False) -> list[LowLevelConcern]:
    store = _file(session, about_head, "see low-level concerns")
    with store.read() as conn:
        found = repo.all_low_level(conn)
    with store.write() as conn:
        session.audit(conn, "low_level_concerns.viewed", detail={"count": len(found)})
    return found


def low_level_patterns(session: Session, *, about_head: bool = False) -> list[Pattern]:
    """Low-level concerns counted per person and month, most first."""
    return patterns(list_low_level(session, about_head=about_head))


def names(session: Session, *, about_head: bool = False) -> dict[str, str]:
    """Each account's name as people know it, by username: who recorded what, on the page."""
    _file(session, about_head, "see allegations about staff")
    with session.store.read() as conn:
        return users.display_names(conn)


@dataclass(frozen=True)
class LadoDue:
    allegation_id: int
    subject_name: str
    started_at: datetime
    due_at: datetime


def lado_due(session: Session, *, about_head: bool = False) -> list[LadoDue]:
    """Allegations whose LADO contact is not yet recorded, with when it is due (one working
    day after the allegation was recorded). Empty for anyone who does not keep them."""
    compartment = Compartment.ALLEGATIONS_HEAD if about_head else Compartment.ALLEGATIONS
    permission = Permission.ALLEGATIONS_ABOUT_HEAD if about_head else Permission.ALLEGATIONS
    if not session.user.can(permission) or not session.member_of(compartment):
        return []
    intake.take_in_waiting(session, compartment)  # an allegation staff raised a moment ago
    store = session.compartments[compartment]
    with store.read() as conn:
        waiting = [a for a in repo.all_allegations(conn) if a.lado_contacted is None]
    if not waiting:
        return []
    calendar = get_calendar(session)
    return [
        LadoDue(
            a.id,
            a.current("subject_name"),
            a.recorded_at,
            calendar.add_working_days(a.recorded_at, LADO_WORKING_DAYS),
        )
        for a in waiting
    ]
