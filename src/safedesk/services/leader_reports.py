"""The leaders' PDFs: the governors' termly report (anonymised figures) and the inspection pack
(named logs). Only the headteacher and the DSLs may make either: both hold safeguarding
figures, which a behaviour lead does not read. Each is audited in every file it reads — what,
the dates and who, never a word of a record — and the signed log heads are printed on it.

The file is written whole or not at all (services.export.write_once), never inside the data
folder, and never over a file that is already there unless ``replace`` is asked for (the app's
file dialog asks the person first; the command line refuses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from safedesk.domain.analysis import Analysis, Filters, PupilGroup, compute
from safedesk.domain.behaviour_review import StoredReview
from safedesk.domain.casework import CASEWORK_LISTS, ActType, CaseEvent
from safedesk.domain.chronology import SignedLogHead
from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import FIXED_LISTS, Kind, PupilRole, StoredEntry
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text, minutes_text, moment_text
from safedesk.domain.holds import from_text as holds_from_text
from safedesk.domain.people import PupilDetails, User
from safedesk.domain.pupil_status import StatusKind, mis_flags
from safedesk.domain.roles import Permission
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import intake, pupil_status, queue
from safedesk.services.analysis import analyse, local_midnight
from safedesk.services.export import check_target, write_once
from safedesk.services.session import Session
from safedesk.store import analysis as analysis_rows
from safedesk.store import (
    behaviour_review,
    casework,
    entries,
    evidence,
    lists,
    pupils,
    school,
    users,
)
from safedesk.store.casework import StoredNotification
from safedesk.store.db import Connection

if TYPE_CHECKING:
    from safedesk.reports.governors_pdf import GovernorsReport, SignOff
    from safedesk.reports.inspection_pdf import (
        BullyingLine,
        ConcernLine,
        Cover,
        InspectionPack,
        InterventionLine,
        NotificationLine,
        OverdueLine,
        ReferralLine,
        TimingLine,
    )

GOVERNORS = "governors"
INSPECTION = "inspection"
_DOING = {GOVERNORS: "make the governors' report", INSPECTION: "make the inspection pack"}
# Behaviour types that are logged with bullying: the school's list value for discriminatory
# language (an incident with a prejudice or a type of bullying is logged whatever its type).
_PREJUDICE_TYPES = frozenset({"bullying", "racist_incident"})
_BRIEF = 300  # characters of a closure's outcome shown in the pack
_LOGGED = 600  # characters of a record's own words in a log's cell; the record has the rest


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int


Labels = dict[str, dict[str, str]]


def may_make(user: User) -> bool:
    """Whether ``user`` may make the leaders' reports (for a page to offer them or not)."""
    return (
        user.can(Permission.CASEWORK)
        and user.can(Permission.READ_CONCERNS)
        and user.can(Permission.READ_BEHAVIOUR)
    )


def allowed(session: Session, report: str) -> None:
    """The headteacher and the DSLs; anyone else is refused (audited) in plain words."""
    user = session.user
    if may_make(user):
        return
    doing = _DOING[report]
    if user.can(Permission.READ_BEHAVIOUR):
        doing += (
            ": it holds figures about safeguarding concerns, which only the headteacher and "
            "the Designated Safeguarding Leads may see"
        )
    session.refuse(doing, report=report)


def _check_days(first_day: date, last_day: date) -> None:
    if last_day < first_day:
        raise ValidationError({"To": "must be on or after the From date"})


def _window(first_day: date, last_day: date) -> tuple[str, str]:
    """The stored forms of the start of the first day and the end of the last (local)."""
    start = datetime.combine(first_day, time()).astimezone()
    end = datetime.combine(last_day + timedelta(days=1), time()).astimezone()
    return to_stored(start), to_stored(end)


def _labels(conn: Connection) -> Labels:
    found: Labels = {}
    for item in lists.all_items(conn):
        found.setdefault(item.list_name, {})[item.value] = item.label
    for name, values in {**FIXED_LISTS, **CASEWORK_LISTS}.items():
        found[name] = dict(values)
    return found


def _label(labels: Labels, list_name: str, value: str | None, missing: str = "—") -> str:
    if not value:
        return missing
    return labels.get(list_name, {}).get(value, value)


def _target(session: Session, target: Path, replace: bool) -> Path:
    path = check_target(session, target)
    if path.exists() and not replace:
        raise ValidationError(
            {
                "file": f"{path} already exists. Choose another name, or move the old file "
                "away first: it is not replaced"
            }
        )
    return path


def _audit(
    session: Session, report: str, first_day: date, last_day: date
) -> tuple[SignedLogHead, ...]:
    """An event in each reading file (what, the dates; never content), then the heads as
    signed, for the cover."""
    detail = {"report": report, "from": first_day.isoformat(), "to": last_day.isoformat()}
    heads = []
    for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
        store = session.compartment(compartment, _DOING[report])
        with store.write() as conn:
            session.audit(conn, f"report.{report}", object_type="report", detail=detail)
        with store.read() as conn:
            latest = evidence.latest_signed(conn, compartment.value)
        if latest is not None:
            heads.append(
                SignedLogHead(latest.file, latest.seq, latest.hash, latest.signer, latest.at)
            )
    return tuple(heads)


def _cover(session: Session, first_day: date, last_day: date, report: str) -> Cover:
    from safedesk.reports.inspection_pdf import Cover

    with session.store.read() as conn:
        school_name = school.get(conn).name
    heads = _audit(session, report, first_day, last_day)
    return Cover(
        school_name, first_day, last_day, session.user.display_name, session.clock.now(), heads
    )


def timing_lines(session: Session, first_day: date, last_day: date) -> tuple[TimingLine, ...]:
    from safedesk.reports.inspection_pdf import TimingLine

    found = []
    for f in queue.figures(session, first_day, last_day):
        judged = f.acknowledged + f.waiting_overdue
        share = f.share_in_target
        in_target = (
            f"{f.acknowledged_in_target:,} of {judged:,} ({share:.0%})"
            if share is not None
            else "—"
        )
        found.append(
            TimingLine(
                f.urgency.label,
                f.recorded,
                f.acknowledged,
                in_target,
                _span(f.median_to_acknowledge),
                f.acted,
                _span(f.median_to_first_action),
                f.waiting_overdue,
            )
        )
    return tuple(found)


def _span(span: timedelta | None) -> str:
    if span is None:
        return "—"
    minutes = int(span.total_seconds() // 60)
    if minutes >= 48 * 60:
        return counted(round(minutes / (24 * 60)), "day")
    return minutes_text(minutes)


# The inspection pack


def write_inspection_pack(
    session: Session, first_day: date, last_day: date, target: Path, *, replace: bool = False
) -> ReportResult:
    from safedesk.reports.inspection_pdf import render_inspection
    from safedesk.reports.pdf_base import page_count

    allowed(session, INSPECTION)
    _check_days(first_day, last_day)
    path = _target(session, target, replace)
    pdf = render_inspection(inspection_pack(session, first_day, last_day))
    write_once(path, pdf)
    return ReportResult(path, page_count(pdf))


def inspection_pack(session: Session, first_day: date, last_day: date) -> InspectionPack:
    """The named logs for the period (audited)."""
    from safedesk.reports.inspection_pdf import InspectionPack

    allowed(session, INSPECTION)
    _check_days(first_day, last_day)
    start, end = _window(first_day, last_day)
    with session.store.read() as conn:
        labels = _labels(conn)
        names = users.display_names(conn)
    for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
        session.compartment(compartment, _DOING[INSPECTION])
        intake.take_in_waiting(session, compartment)
    with session.compartment(Compartment.SAFEGUARDING).read() as conn:
        concerns = _between(conn, Kind.CONCERN, "recorded_at", start, end)
        referral_refs = _referral_cases(conn, start, end)
        notified = [
            n
            for n in map(partial(casework.notification_by_ref, conn), _notified(conn, start, end))
            if n is not None
        ]
        refs = list(
            dict.fromkeys([c.ref for c in concerns] + referral_refs + [n.ref for n in notified])
        )
        timelines = casework.timelines(conn, refs)
        on_case = casework.case_pupils(conn, referral_refs)
    with session.compartment(Compartment.BEHAVIOUR).read() as conn:
        held = _between(conn, Kind.INTERVENTION, "occurred_at", start, end)
        incidents = _between(conn, Kind.BEHAVIOUR, "occurred_at", start, end)
        reviews = behaviour_review.reviews(conn, [i.ref for i in held])
    upns = [p.upn for e in held for p in e.pupils]
    with session.store.read() as conn:
        details = {upn: p.details for upn, p in pupils.by_upns(conn, upns).items()}
    timings = timing_lines(session, first_day, last_day)
    overdue = _overdue_now(session)
    statuses = _status_counts(session)
    cover = _cover(session, first_day, last_day, INSPECTION)
    return InspectionPack(
        cover,
        tuple(_concern_line(c, timelines.get(c.ref, []), labels) for c in concerns),
        tuple(_referral_lines(timelines, on_case, referral_refs, (start, end), labels, names)),
        tuple(_intervention_line(e, details, reviews, labels) for e in held),
        tuple(_bullying_line(e, labels) for e in incidents if _is_bullying(e)),
        timings,
        tuple(_notification_line(n, timelines.get(n.ref, []), labels) for n in notified),
        statuses,
        overdue,
        cover.made_at,
    )


def _notified(conn: Connection, start: str, end: str) -> list[str]:
    """The police notifications received in the range, in the order received."""
    return [
        str(row[0])
        for row in conn.execute(
            "SELECT ref FROM notification WHERE received_at >= ? AND received_at < ? "
            "ORDER BY received_at, id",
            (start, end),
        )
    ]


def _notification_line(
    notification: StoredNotification, events: list[CaseEvent], labels: Labels
) -> NotificationLine:
    from safedesk.reports.inspection_pdf import NotificationLine

    v = notification.values
    received = from_stored(str(v["received_at"]))
    return NotificationLine(
        notification.ref,
        received,
        ", ".join(name for _, name in notification.pupils) or "—",
        v.get("received_from") or "—",
        v.get("police_reference") or "—",
        standing(notification.ref, events, labels),
    )


# The statuses an inspector asks for by number (the others are the DSL's own lists).
_COUNTED_STATUSES = (
    StatusKind.CHILD_PROTECTION_PLAN,
    StatusKind.CHILD_IN_NEED,
    StatusKind.LOOKED_AFTER,
)


def _status_counts(session: Session) -> tuple[tuple[str, int], ...]:
    """How many pupils on the school's list hold each status now (counts only)."""
    with session.store.read() as conn:
        upns = [p.upn for p in pupils.all_pupils(conn)]
    holding = pupil_status.current_statuses(session, upns)
    return tuple(
        (
            kind.label,
            sum(1 for periods in holding.values() if any(p.kind is kind for p in periods)),
        )
        for kind in _COUNTED_STATUSES
    )


def _overdue_now(session: Session) -> tuple[OverdueLine, ...]:
    """Each item in the DSL's queue past its time now, oldest due first."""
    from safedesk.reports.inspection_pdf import OverdueLine

    now = queue.load_queue(session)
    late = [item for item in now.items if item.status(now.at) is Timeliness.OVERDUE]
    return tuple(
        OverdueLine(
            item.case_ref,
            item.what,
            ", ".join(name for _, name in item.pupils) or "—",
            item.due_at,
        )
        for item in sorted(late, key=lambda item: item.due_at)
    )


def _between(conn: Connection, kind: Kind, column: str, start: str, end: str) -> list[StoredEntry]:
    """Records of ``kind`` recorded in the range, or that happened in it (as amended: a time
    corrected into or out of the range moves the record), in time order."""
    if column == "recorded_at":
        found = entries._load(
            conn,
            "e.kind = ? AND e.recorded_at >= ? AND e.recorded_at < ?",
            (kind.value, start, end),
        )
        return sorted(found, key=lambda e: (e.recorded_at, e.id))
    return entries.happened_between(conn, kind, start, end)


def _referral_cases(conn: Connection, start: str, end: str) -> list[str]:
    """The cases with a referral made in the range."""
    return [
        str(row[0])
        for row in conn.execute(
            "SELECT DISTINCT case_ref FROM case_referral WHERE made_at >= ? AND made_at < ? "
            "ORDER BY case_ref",
            (start, end),
        )
    ]


def brief(words: str, limit: int, ref: str | None = None) -> str:
    """``words`` cut at ``limit`` characters (at a space), saying where the rest is."""
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.")
    rest = f" (the rest is in {ref})" if ref else ""
    return f"{cut}…{rest}"


def _names(entry: StoredEntry) -> str:
    return ", ".join(p.name for p in entry.pupils) or "—"


def _concern_line(entry: StoredEntry, events: list[CaseEvent], labels: Labels) -> ConcernLine:
    from safedesk.reports.inspection_pdf import ConcernLine

    values = entry.current()
    return ConcernLine(
        entry.ref,
        entry.recorded_at,
        _names(entry),
        _label(labels, "categories", values.get("category")),
        _label(labels, "urgencies", values.get("urgency")),
        entry.author_label,
        resolution(entry, events, labels),
    )


def resolution(entry: StoredEntry, events: list[CaseEvent], labels: Labels) -> str:
    """Where a concern stands: its status, the DSL's latest decision, referrals, the outcome."""
    return standing(entry.ref, events, labels)


def standing(ref: str, events: list[CaseEvent], labels: Labels) -> str:
    """Where a case stands: its status, the DSL's latest decision, referrals, the outcome."""
    parts: list[str] = []
    by_type: dict[ActType, list[CaseEvent]] = {}
    for event in events:
        by_type.setdefault(event.type, []).append(event)
    closed = by_type.get(ActType.CLOSURE)
    if closed:
        parts.append(f"Closed {date_text(closed[-1].at.date())}.")
    elif ActType.ACKNOWLEDGE in by_type:
        parts.append(f"Open: acknowledged {moment_text(by_type[ActType.ACKNOWLEDGE][0].at)}.")
    else:
        parts.append("Open: not yet acknowledged.")
    if ActType.TRIAGE in by_type:
        decision = by_type[ActType.TRIAGE][-1].values
        words = _label(labels, "decisions", decision.get("decision"))
        if decision.get("review_on"):
            words = words.split(" (")[0]  # "Monitor (with a review date)": the date follows
            words += f", review on {date_text(date.fromisoformat(str(decision['review_on'])))}"
        parts.append(f"Decision: {words}.")
    agencies = [
        _label(labels, "agencies", e.values.get("agency"))
        for e in by_type.get(ActType.REFERRAL, [])
    ]
    if agencies:
        parts.append(f"Referred to: {', '.join(dict.fromkeys(agencies))}.")
    if closed:
        outcome = " ".join((closed[-1].values.get("outcome") or "").split())
        outcome = brief(outcome, _BRIEF, ref)
        if outcome:
            parts.append(f"Outcome: {outcome}")
    return " ".join(parts)


def _referral_lines(
    timelines: dict[str, list[CaseEvent]],
    on_case: dict[str, list[tuple[str, str]]],
    refs: list[str],
    window: tuple[str, str],
    labels: Labels,
    names: dict[str, str],
) -> list[ReferralLine]:
    from safedesk.reports.inspection_pdf import ReferralLine

    lines = []
    for ref in refs:
        events = timelines.get(ref, [])
        decisions = {
            str(e.values.get("referral_id")): e
            for e in events
            if e.type is ActType.REFERRAL_DECISION
        }
        for event in events:
            made = event.values.get("made_at")
            if event.type is not ActType.REFERRAL or not made or not window[0] <= made < window[1]:
                continue
            v = event.values
            decided = decisions.get(str(event.id))
            if decided is not None:
                when = decided.values.get("decided_on")
                decision = " ".join((decided.values.get("decision") or "").split())
                if when:
                    decision += f" (decided {date_text(date.fromisoformat(when))})"
            elif v.get("decision_due"):
                due = date.fromisoformat(str(v["decision_due"]))
                decision = f"Awaited: due by {date_text(due)}"
            else:
                decision = "Awaited"
            lines.append(
                ReferralLine(
                    datetime.fromisoformat(made),
                    ref,
                    ", ".join(name for _, name in on_case.get(ref, [])) or "—",
                    _label(labels, "agencies", v.get("agency")),
                    f"{_label(labels, 'referral_methods', v.get('method'))}; "
                    f"{v.get('spoken_to') or '—'}",
                    v.get("reference") or "—",
                    decision,
                    names.get(event.author, event.author),
                )
            )
    return sorted(lines, key=lambda r: r.made_at)


def _intervention_line(
    entry: StoredEntry,
    details: dict[str, PupilDetails],
    reviews: dict[str, StoredReview],
    labels: Labels,
) -> InterventionLine:
    from safedesk.reports.inspection_pdf import InterventionLine

    v = entry.current()
    started = datetime.fromisoformat(str(v["started_at"]))
    ended = datetime.fromisoformat(str(v["ended_at"])) if v.get("ended_at") else started
    minutes = max(0, int((ended - started).total_seconds() // 60))
    pupil_parts = []
    for p in entry.pupils:
        d = details.get(p.upn)
        words = p.name
        if d is not None and d.year_group:
            words += f", Year {d.year_group}"
        words += f", {_sen_words(d)}"
        pupil_parts.append(words)
    holds = [f"{_label(labels, 'restraint_types', v.get('restraint_type'))} (main hold)"]
    holds += [
        f"{_label(labels, 'restraint_types', h.hold)}, {counted(h.minutes, 'minute')}"
        for h in holds_from_text(v.get("more_holds"))
    ]
    if v.get("restraint_type") == "other" and v.get("restraint_detail"):
        holds.append(f"Described: {v['restraint_detail']}")
    injuries = (
        f"Pupil: {brief(v.get('injuries_pupil') or '—', _LOGGED, entry.ref)}\n"
        f"Staff: {brief(v.get('injuries_staff') or '—', _LOGGED, entry.ref)}"
    )
    review = reviews.get(entry.ref)
    reviewed = (
        f"{review.author_name}, {date_text(review.at.date())}: {review.review.decision.label}"
        if review is not None
        else "Not yet reviewed"
    )
    return InterventionLine(
        entry.ref,
        started,
        minutes,
        "; ".join(pupil_parts) or "—",
        _label(labels, "intervention_kinds", v.get("intervention_kind"), "not recorded"),
        "\n".join(holds),
        v.get("staff_involved") or "—",
        injuries,
        parent_informed(v),
        reviewed,
        _label(labels, "triggers", v.get("trigger"), "not recorded"),
        brief(v.get("support_after") or "not recorded", _LOGGED, entry.ref),
    )


def _sen_words(details: PupilDetails | None) -> str:
    """The pupil's SEN as the school's pupil list (the MIS) has it."""
    if details is None:
        return "not on the pupil list"
    if details.sen:
        return mis_flags(details)[0]
    return "no SEN recorded"


def parent_informed(v: dict[str, str | None]) -> str:
    if v.get("parent_informed_at"):
        at = datetime.fromisoformat(str(v["parent_informed_at"]))
        how = ", ".join(x for x in (v.get("parent_informed_how"), v.get("parent_informed_by")) if x)
        return f"{moment_text(at)}" + (f" ({how})" if how else "")
    if v.get("parent_not_informed_reason"):
        words = f"Not informed: {brief(str(v['parent_not_informed_reason']), _LOGGED)}"
        if v.get("la_reported_at"):
            at = datetime.fromisoformat(str(v["la_reported_at"]))
            words += f" Reported to the local authority {moment_text(at)}"
            if v.get("la_reported_to"):
                words += f" ({v['la_reported_to']})"
        return words
    return "Not recorded"


def _is_bullying(entry: StoredEntry) -> bool:
    v = entry.current()
    return (
        v.get("behaviour_type") in _PREJUDICE_TYPES
        or bool(v.get("bullying_type"))
        or bool(v.get("prejudice_type"))
    )


def _bullying_line(entry: StoredEntry, labels: Labels) -> BullyingLine:
    from safedesk.reports.inspection_pdf import BullyingLine

    v = entry.current()
    order = list(PupilRole)
    on_record = sorted(entry.pupils, key=lambda p: order.index(p.role) if p.role else len(order))
    who = "; ".join(f"{p.name} ({_role(p.role)})" if p.role else p.name for p in on_record)
    what = [_label(labels, "behaviour_types", v.get("behaviour_type"))]
    if v.get("bullying_type"):
        kind = f"Bullying: {_label(labels, 'bullying_types', v.get('bullying_type'))}"
        what = [kind] if v.get("behaviour_type") == "bullying" else [*what, kind]
    if v.get("prejudice_type"):
        what.append(f"Prejudice: {_label(labels, 'prejudice_types', v.get('prejudice_type'))}")
    informed = {"true": "Yes", "1": "Yes", "false": "No", "0": "No"}.get(
        str(v.get("parents_informed")), "Not recorded"
    )
    return BullyingLine(
        entry.ref,
        entry.occurred_at,
        who or "—",
        "\n".join(what),
        _label(labels, "locations", v.get("location")),
        brief(v.get("action_taken") or "—", _LOGGED, entry.ref),
        informed,
    )


def _role(role: PupilRole) -> str:
    return {
        PupilRole.INSTIGATOR: "instigator",
        PupilRole.TARGET: "target",
        PupilRole.WITNESS: "witness",
    }[role]


# The governors' report


def write_governors_report(
    session: Session, first_day: date, last_day: date, target: Path, *, replace: bool = False
) -> ReportResult:
    from safedesk.reports.governors_pdf import render_governors
    from safedesk.reports.pdf_base import page_count

    allowed(session, GOVERNORS)
    _check_days(first_day, last_day)
    path = _target(session, target, replace)
    pdf = render_governors(governors_report(session, first_day, last_day))
    write_once(path, pdf)
    return ReportResult(path, page_count(pdf))


def governors_report(session: Session, first_day: date, last_day: date) -> GovernorsReport:
    """The anonymised figures for the period (audited): counts and list labels only."""
    from safedesk.reports.governors_pdf import governors_content

    allowed(session, GOVERNORS)
    _check_days(first_day, last_day)
    whole = analyse(session, Filters(first_day, last_day))
    groups = _group_figures(session, whole)
    with session.store.read() as conn:
        year_groups = sorted(
            {p.details.year_group for p in pupils.all_pupils(conn) if p.details.year_group},
            key=_year_order,
        )
    timings = timing_lines(session, first_day, last_day)
    sign_off = governors_sign_off(session)
    cover = _cover(session, first_day, last_day, GOVERNORS)
    return governors_content(cover, whole, groups, year_groups, timings, sign_off)


def governors_sign_off(session: Session) -> SignOff:
    """Training in date and policies confirmed, as they stand today: counts of staff (active
    accounts, not governors) only, never a name. A training entry counts when it is current
    (not replaced) and not run out; how many of those the member of staff confirmed is said
    beside it."""
    from safedesk.domain.roles import Role, is_staff
    from safedesk.domain.training import Course
    from safedesk.reports.governors_pdf import SignOff
    from safedesk.services import genuine_accounts, policies, training

    allowed(session, GOVERNORS)
    day = training.today(session)
    with session.store.read() as conn:
        accounts = [
            u for u in genuine_accounts.as_written(conn)[0] if u.active and is_staff(u.roles)
        ]
    views = training.list_entries(session)
    leads = [u for u in accounts if u.roles & {Role.DSL, Role.HEAD}]
    rows = []
    for course, people, label, noun in (
        (Course.STAFF_UPDATE, accounts, "Whole-staff safeguarding update in date", "staff"),
        (
            Course.DSL,
            leads,
            "DSL training in date (the DSLs and the headteacher)",
            "DSLs and the headteacher",
        ),
        (Course.PREVENT, accounts, "Prevent training in date", "staff"),
        (
            Course.POSITIVE_HANDLING,
            accounts,
            "Positive handling / restraint training in date",
            "staff",
        ),
    ):
        in_date = confirmed = 0
        for user in people:
            held = [
                v
                for v in views
                if v.entry.who == user.username
                and v.entry.course is course
                and (v.entry.expires_on is None or v.entry.expires_on > day)
            ]
            in_date += bool(held)
            confirmed += any(v.confirmed_at is not None for v in held)
        rows.append(
            (label, f"{in_date:,} of {len(people):,} {noun} ({confirmed:,} confirmed by them)")
        )
    read = tuple(
        (
            f"{s.policy.title}, version {s.policy.version} "
            f"(published {date_text(s.policy.published_on)})",
            f"{len(s.confirmed):,} of {s.staff:,} staff",
        )
        for s in policies.standings(session)
    )
    return SignOff(day, tuple(rows), read)


def _group_figures(session: Session, whole: Analysis) -> dict[PupilGroup, Analysis]:
    """The range's figures for each pupil group (SEN, pupil premium, looked after): the
    range's records read once more and counted for each group in memory (an analysis per
    group read each file again, the trend's base too, which the report does not use)."""
    first_day, last_day = whole.filters.first_day, whole.filters.last_day
    start = local_midnight(first_day)
    end = local_midnight(last_day + timedelta(days=1))
    incidents = interventions = concerns = None
    if whole.behaviour is not None:
        with session.compartment(Compartment.BEHAVIOUR, _DOING[GOVERNORS]).read() as conn:
            incidents = analysis_rows.incidents(conn, start, end)
            interventions = analysis_rows.interventions(conn, start, end)
    if whole.concerns is not None:
        with session.compartment(Compartment.SAFEGUARDING, _DOING[GOVERNORS]).read() as conn:
            concerns = analysis_rows.concerns(conn, start, end)
    named = {upn for row in incidents or () for upn, _ in row.pupils}
    named.update(upn for row in interventions or () for upn in row.pupils)
    named.update(upn for row in concerns or () for upn in row.pupils)
    with session.store.read() as conn:
        facts = analysis_rows.pupil_facts(conn, named)
    return {
        group: compute(
            Filters(first_day, last_day, group=group),
            facts,
            incidents=incidents,
            interventions=interventions,
            concerns=concerns,
        )
        for group in PupilGroup
    }


def _year_order(year: str) -> tuple[int, str]:
    digits = "".join(ch for ch in year if ch.isdigit())
    return (int(digits) if digits else -1, year)
