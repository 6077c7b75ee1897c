"""Pupils' risk assessments: a safeguarding one in the safeguarding file (DSLs and the head),
a behaviour plan in the behaviour file (the behaviour lead too); versions, never overwritten;
the vulnerable pupils without a current one; their reviews and absences in the DSL queue.

Both the permission and the file's key stand in the way of anyone else; a refusal is audited.
A view or a new version is audited in the file it reads or writes, by reference and pupil,
never by content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Urgency
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.formatting import counted, date_text
from safedesk.domain.local_time import to_local
from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.queue import ItemKind, QueueItem
from safedesk.domain.risk_assessment import (
    LABELS,
    MISSING_SCHOOL_DAYS,
    REVIEW_NOTICE_DAYS,
    AssessmentKind,
    StoredAssessment,
    Vulnerable,
    parse_kind,
    validate,
)
from safedesk.domain.roles import Permission
from safedesk.services import intake
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import pupils, risk_assessments, targets

_READING = "see pupils' risk assessments"
_WRITING = "write pupils' risk assessments"
_VULNERABLE = "see the pupils who need a risk assessment"

# A pupil with one of these statuses needs a current risk assessment.
NEEDS_ASSESSMENT = (
    StatusKind.CHILD_PROTECTION_PLAN,
    StatusKind.CHILD_IN_NEED,
    StatusKind.LOOKED_AFTER,
)
_PERMISSION = {
    AssessmentKind.SAFEGUARDING: Permission.RISK_ASSESSMENT,
    AssessmentKind.BEHAVIOUR_PLAN: Permission.BEHAVIOUR_PLAN,
}


@dataclass(frozen=True)
class History:
    """Every version of one pupil's assessment of one kind, newest first."""

    kind: AssessmentKind
    versions: tuple[StoredAssessment, ...]

    @property
    def current(self) -> StoredAssessment:
        return self.versions[0]


def may_write(session: Session, kind: AssessmentKind) -> bool:
    """The role allows it and this session holds the file's key (nothing audited)."""
    return session.user.can(_PERMISSION[kind]) and session.member_of(kind.compartment)


def kinds_for(session: Session) -> list[AssessmentKind]:
    """The kinds this session reads and writes, safeguarding first."""
    return [kind for kind in AssessmentKind if may_write(session, kind)]


def default_kind(session: Session) -> AssessmentKind:
    """A safeguarding risk assessment for DSLs and the head; a behaviour plan for the
    behaviour lead."""
    found = kinds_for(session)
    return found[0] if found else AssessmentKind.BEHAVIOUR_PLAN


def _allowed(session: Session, kind: AssessmentKind, doing: str) -> None:
    session.require(_PERMISSION[kind], doing)
    session.compartment(kind.compartment, doing)


def _today(session: Session) -> date:
    return to_local(session.clock.now()).date()


def _school_pupil(session: Session, upn: str) -> Any:
    wanted = upn.strip().upper()
    with session.store.read() as conn:
        found = pupils.by_upns(conn, [wanted])
    if wanted not in found:
        raise NotFound(f"There is no pupil with UPN {upn.strip()}.")
    return found[wanted]


def make_assessment(
    session: Session,
    upn: str,
    payload: Mapping[str, Any],
    kind: AssessmentKind | str | None = None,
    *,
    after_version: int | None = None,
) -> StoredAssessment:
    """Save a pupil's assessment: the first, or the next version of the one they have (a
    pupil has one of each kind). ``kind`` defaults to the payload's "kind", then to
    :func:`default_kind`. ``after_version``: the version the form was showing; a newer one
    saved meanwhile is not silently followed."""
    if kind is None and isinstance(payload, Mapping) and payload.get("kind") is not None:
        kind = payload.get("kind")
    chosen = (
        kind
        if isinstance(kind, AssessmentKind)
        else (default_kind(session) if kind is None else parse_kind(kind))
    )
    _allowed(session, chosen, _WRITING)
    now = session.clock.now()
    content = validate(payload, today=to_local(now).date())
    pupil = _school_pupil(session, upn)
    store = session.compartment(chosen.compartment, _WRITING)
    with store.write() as conn:
        before = risk_assessments.versions(conn, chosen, pupil.upn)
        if after_version is not None and (before[0].version if before else 0) != after_version:
            raise ValidationError(
                {
                    chosen.label: "someone saved a newer version meanwhile; close this and "
                    "open the pupil again to see it"
                }
            )
        if before and before[0].content == content:
            raise ValidationError(
                {
                    LABELS["risks"]: "and the rest are as the last version has them: change "
                    "something, such as the review date"
                }
            )
        if before:
            ref, version = before[0].ref, before[0].version + 1
        else:
            ref, version = risk_assessments.next_ref(conn, chosen, to_local(now).year), 1
        pupil_id = pupils.upsert_copy(conn, pupil.details)
        row = risk_assessments.insert_version(
            conn, ref, version, pupil_id, content, author=session.user.username, at=now
        )
        session.audit(
            conn,
            "risk_assessment.saved",
            object_type="risk_assessment",
            object_id=ref,
            detail={"row": row, "version": version, "pupil": pupil.upn, "kind": chosen.value},
        )
        made = risk_assessments.versions(conn, chosen, pupil.upn)
    return made[0]


def pupil_assessments(session: Session, upn: str) -> list[History]:
    """Every version of this pupil's assessments of the kinds this session reads (audited in
    each file read). Refused (and audited) for anyone who reads neither kind."""
    kinds = kinds_for(session)
    if not kinds:
        _allowed(session, default_kind(session), _READING)
    wanted = _school_pupil(session, upn).upn
    found = []
    for kind in kinds:
        with session.compartment(kind.compartment, _READING).write() as conn:
            versions = risk_assessments.versions(conn, kind, wanted)
            session.audit(
                conn,
                "risk_assessment.viewed",
                object_type="pupil",
                object_id=wanted,
                detail={"kind": kind.value, "refs": sorted({v.ref for v in versions})},
            )
        if versions:
            found.append(History(kind, tuple(versions)))
    return found


def _newest(session: Session) -> list[StoredAssessment]:
    found = []
    for kind in kinds_for(session):
        with session.compartment(kind.compartment, _READING).read() as conn:
            found += risk_assessments.newest(conn, kind)
    return found


def _interventions(session: Session, today: date, days: int) -> dict[str, list[date]]:
    """The local days of each pupil's physical interventions in the last ``days`` days."""
    since = today - timedelta(days=days)
    found: dict[str, list[date]] = {}
    with session.compartment(Compartment.BEHAVIOUR, _VULNERABLE).read() as conn:
        occurrences = targets.occurrences(conn, interventions=True)
    for item in occurrences:
        day = to_local(item.at).date()
        if since < day <= today:
            for upn in item.upns:
                found.setdefault(upn, []).append(day)
    return found


def recent_interventions(session: Session) -> dict[str, int]:
    """How many physical interventions each pupil had in the last repeat_interventions_days
    days (those who read behaviour plans; refused and audited for others)."""
    _allowed(session, AssessmentKind.BEHAVIOUR_PLAN, _VULNERABLE)
    days = get_settings(session).repeat_interventions_days
    found = _interventions(session, _today(session), days)
    return {upn: len(found[upn]) for upn in found}


def _vulnerable(session: Session, today: date) -> list[Vulnerable]:
    kinds = kinds_for(session)
    needs: dict[str, list[tuple[str, date]]] = {}
    if AssessmentKind.SAFEGUARDING in kinds:
        intake.take_in_waiting(session, Compartment.SAFEGUARDING)
        with session.compartment(Compartment.SAFEGUARDING, _VULNERABLE).read() as conn:
            holding = risk_assessments.statuses_holding(
                conn, [s.value for s in NEEDS_ASSESSMENT], today
            )
        for upn, status, started in holding:
            needs.setdefault(upn, []).append((StatusKind(status).label, started))
    if AssessmentKind.BEHAVIOUR_PLAN in kinds:
        intake.take_in_waiting(session, Compartment.BEHAVIOUR)
        settings = get_settings(session)
        least, days = settings.repeat_interventions, settings.repeat_interventions_days
        for upn, found in _interventions(session, today, days).items():
            if len(found) >= least:
                crossed = sorted(found)[-least]
                words = f"{counted(len(found), 'physical intervention')} in the last {days} days"
                needs.setdefault(upn, []).append((words, crossed))
    if not needs:
        return []
    newest: dict[str, list[StoredAssessment]] = {}
    for stored in _newest(session):
        newest.setdefault(stored.upn, []).append(stored)
    with session.store.read() as conn:
        names = {p.upn: p.display_name for p in pupils.all_pupils(conn)}
    listed = []
    for upn, reasons in needs.items():
        theirs = newest.get(upn, [])
        if any(a.is_current_on(today) for a in theirs):
            continue
        lapsed = max((a.content.review_on for a in theirs), default=None)
        since = max(day for _, day in reasons)
        if lapsed is not None:
            since = max(since, lapsed)
        listed.append(
            Vulnerable(upn, names.get(upn, upn), tuple(r for r, _ in reasons), since, lapsed)
        )
    return sorted(listed, key=lambda v: (v.since, v.name.casefold(), v.upn))


def vulnerable_pupils(session: Session) -> list[Vulnerable]:
    """Pupils with a child protection plan, child in need or looked-after status, or with
    repeated physical interventions, and no current assessment (of either kind). Each
    person sees what they may read: the behaviour lead only the interventions. Audited in
    the files read, by number of pupils."""
    kinds = kinds_for(session)
    if not kinds:
        _allowed(session, default_kind(session), _VULNERABLE)
    found = _vulnerable(session, _today(session))
    for kind in kinds:
        with session.compartment(kind.compartment, _VULNERABLE).write() as conn:
            session.audit(conn, "risk_assessment.vulnerable_viewed", detail={"pupils": len(found)})
    return found


def _day_start(day: date, calendar: SchoolCalendar) -> datetime:
    """The start of ``day``'s school day (or of the next school day, when it is not one)."""
    return calendar.start_of_next_school_day(datetime.combine(day, time()).astimezone())


def queue_items(session: Session, calendar: SchoolCalendar) -> list[QueueItem]:
    """For the DSL queue: each assessment whose review is near or past (in the queue from 14
    days before the start of its review date's school day, when it is due: due soon in the
    last quarter of those days, as every item is), and each vulnerable pupil with no current
    assessment and no review waiting (due within 5 school days of the need)."""
    if not session.user.can(Permission.CASEWORK) or not kinds_for(session):
        return []
    today = _today(session)
    items = []
    for stored in _newest(session):
        review_on = stored.content.review_on
        due = _day_start(review_on, calendar)
        shown_from = due - timedelta(days=REVIEW_NOTICE_DAYS)
        if to_local(shown_from).date() > today:
            continue
        items.append(
            QueueItem(
                stored.ref,
                ItemKind.RISK_REVIEW,
                stored.version,
                f"Review the {stored.kind.label.lower()} (version {stored.version}, "
                f"review date {date_text(review_on)})",
                ((stored.upn, stored.pupil_name),),
                Urgency.ROUTINE,
                shown_from,  # "waiting" since it came into the queue
                due,
            )
        )
    reviewing = {item.pupils[0][0] for item in items}
    for pupil in _vulnerable(session, today):
        if pupil.upn in reviewing:
            continue  # its overdue review says it already
        started = datetime.combine(pupil.since, time()).astimezone()
        items.append(
            QueueItem(
                pupil.upn,
                ItemKind.RISK_MISSING,
                None,
                f"No current risk assessment: {pupil.reason_text}",
                ((pupil.upn, pupil.name),),
                Urgency.ROUTINE,
                started,
                calendar.add_school_days(_day_start(pupil.since, calendar), MISSING_SCHOOL_DAYS),
            )
        )
    return items


def records_listing(session: Session, upn: str) -> list[StoredAssessment]:
    """For `records --pupil`: the newest version of each of the pupil's assessments this
    session reads (none, and nothing refused, for those who read neither kind)."""
    if not kinds_for(session):
        return []
    try:
        return [history.current for history in pupil_assessments(session, upn)]
    except PermissionDenied:
        return []
