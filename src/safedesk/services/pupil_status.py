"""Pupils' safeguarding status: set by a DSL or the headteacher with dates, seen only by them.

Kept in the `safeguarding` file, so the permission (CASEWORK) and the key both stand in the
way of anyone else; a refusal is audited. A status is started on a day and ended on a later
one by a new row: nothing is changed or removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.local_time import to_local
from safedesk.domain.people import User
from safedesk.domain.pupil_status import (
    STARTS_FIELD,
    STATUS_FIELD,
    StatusKind,
    StatusPeriod,
    check_end,
    check_start,
    clean_note,
)
from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.store import pupil_status, pupils

_SETTING = "set pupils' safeguarding status"
_SEEING = "see pupils' safeguarding status"
SAFEGUARDING = Compartment.SAFEGUARDING


def may_see(user: User) -> bool:
    """DSLs and the headteacher; never staff, the behaviour lead or an administrator."""
    return user.can(Permission.CASEWORK)


def session_may_see(session: Session) -> bool:
    """The role allows it and this session holds the safeguarding file's key."""
    return may_see(session.user) and session.member_of(SAFEGUARDING)


def current_statuses(session: Session, upns: Iterable[str]) -> dict[str, list[StatusPeriod]]:
    """The statuses that hold now for each of these pupils (UPN -> periods; pupils with none
    are left out). For lists such as the queue: not audited row by row; refused (and
    audited) for those who may not see them."""
    wanted = [u.strip().upper() for u in upns]
    found: dict[str, list[StatusPeriod]] = {}
    for period in _read(session, wanted, only_current=True):
        found.setdefault(period.upn, []).append(period)
    return found


def pupil_statuses(session: Session, upn: str) -> list[StatusPeriod]:
    """Every status this pupil has had, those that hold now first (audited)."""
    wanted = upn.strip().upper()
    periods = _read(session, [wanted], only_current=False)
    with session.compartment(SAFEGUARDING, _SEEING).write() as conn:
        session.audit(conn, "pupil.status_viewed", object_type="pupil", object_id=wanted)
    return periods


def statuses_for_chronology(session: Session, upn: str) -> tuple[StatusPeriod, ...] | None:
    """For a chronology's header: every period, or None when this session may not see them
    (the chronology's own opening is the audit)."""
    if not session_may_see(session):
        return None
    return tuple(_read(session, [upn.strip().upper()], only_current=False))


def _read(session: Session, upns: list[str], *, only_current: bool) -> list[StatusPeriod]:
    session.require(Permission.CASEWORK, _SEEING)
    with session.compartment(SAFEGUARDING, _SEEING).read() as conn:
        return pupil_status.for_pupils(conn, upns, only_current=only_current)


def start_status(
    session: Session,
    upn: str,
    kind: StatusKind | str | None,
    started_on: date | str | None,
    note: str | None = None,
) -> StatusPeriod:
    """Start a status for a pupil from ``started_on`` (not in the future); refused while the
    same status already holds."""
    session.require(Permission.CASEWORK, _SETTING)
    store = session.compartment(SAFEGUARDING, _SETTING)
    now = session.clock.now()
    chosen = check_start(kind, started_on, to_local(now).date(), note)
    day = started_on if isinstance(started_on, date) else date.fromisoformat(str(started_on))
    wanted = upn.strip().upper()
    with store.write() as conn:
        found = pupils.by_upns(conn, [wanted], schema="school")
        if not found:
            raise NotFound(f"There is no pupil with UPN {upn}.")
        pupil = found[wanted]
        same = [p for p in pupil_status.for_pupils(conn, [wanted]) if p.kind is chosen]
        if holding := [p for p in same if p.current]:
            raise ValidationError(
                {STATUS_FIELD: f"{holding[0].text()}: end it before starting it again"}
            )
        if any(p.ended_on is not None and p.ended_on > day for p in same):
            raise ValidationError(
                {STARTS_FIELD: f"{chosen.label} last ended after that day: choose a later one"}
            )
        row = pupil_status.start(
            conn,
            pupils.upsert_copy(conn, pupil.details),
            chosen,
            day,
            clean_note(note),
            author=session.user.username,
            at=now,
        )
        session.audit(
            conn,
            "pupil.status_started",
            object_type="pupil",
            object_id=wanted,
            detail={"status": chosen.value, "on": day.isoformat(), "row": row},
        )
        made = pupil_status.by_id(conn, row)
    assert made is not None
    return made


def end_status(
    session: Session, started: int, ended_on: date | str | None, note: str | None = None
) -> StatusPeriod:
    """End the status the row ``started`` began, on ``ended_on`` (on or after its start, not
    in the future)."""
    session.require(Permission.CASEWORK, _SETTING)
    store = session.compartment(SAFEGUARDING, _SETTING)
    now = session.clock.now()
    with store.write() as conn:
        period = pupil_status.by_id(conn, started)
        if period is None:
            raise NotFound("That safeguarding status was not found; open the pupil again.")
        check_end(period, ended_on, to_local(now).date(), note)
        day = ended_on if isinstance(ended_on, date) else date.fromisoformat(str(ended_on))
        row = pupil_status.end(
            conn, started, day, clean_note(note), author=session.user.username, at=now
        )
        session.audit(
            conn,
            "pupil.status_ended",
            object_type="pupil",
            object_id=period.upn,
            detail={"status": period.kind.value, "on": day.isoformat(), "row": row},
        )
        made = pupil_status.by_id(conn, started)
    assert made is not None
    return made
