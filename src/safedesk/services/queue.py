"""The DSL queue and the time-to-action figures, evaluated at any moment (injectable clock)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.compartments import READING, Compartment
from safedesk.domain.entries import Kind, Urgency
from safedesk.domain.queue import ItemKind, QueueItem, in_queue_order, request_words
from safedesk.domain.roles import Permission, Role
from safedesk.domain.settings import Settings
from safedesk.domain.time_to_action import (
    Targets,
    concern_due,
    encompass_due,
    referral_chase_due,
)
from safedesk.services import (
    alarms,
    allegations,
    behaviour_review,
    intake,
    membership,
    pupil_status,
    risk_assessments,
    training,
)
from safedesk.services.school_calendar import calendar_for
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import casework, members, transfers, users
from safedesk.store.casework import CaseHead, OpenFollowUp
from safedesk.store.db import Connection

_DOING = "see the safeguarding queue"


def targets_from(settings: Settings) -> Targets:
    return Targets(
        immediate_minutes=settings.immediate_minutes,
        urgent_minutes=settings.urgent_minutes,
        routine_school_days=settings.routine_school_days,
        referral_chase_working_days=settings.referral_chase_working_days,
    )


@dataclass(frozen=True)
class Queue:
    at: datetime
    items: tuple[QueueItem, ...]

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status(self.at).value == status)


def load_queue(session: Session, at: datetime | None = None) -> Queue:
    """Every open item, most urgent first then oldest; ``at`` evaluates it at another time."""
    session.require(Permission.CASEWORK, _DOING)
    store = session.compartment(Compartment.SAFEGUARDING, _DOING)
    for compartment in READING:
        if session.member_of(compartment):
            intake.take_in_waiting(session, compartment)
            intake.check_sequences(session, compartment)
    now = at or session.clock.now()
    settings = get_settings(session)
    targets = targets_from(settings)
    with store.read() as conn:
        calendar = calendar_for(conn, settings, now.date())
        items = build_items(conn, targets, calendar)
        items += transfer_items(conn, settings.transfer_receipt_school_days, calendar)
    items += alarm_items(session, targets, calendar) + request_items(session, calendar)
    items += force_review_items(session)
    items += risk_assessments.queue_items(session, calendar)
    items += training.queue_items(session, calendar)
    items += lado_items(session)
    return Queue(now, tuple(in_queue_order(with_statuses(session, items), now)))


def with_statuses(session: Session, items: list[QueueItem]) -> list[QueueItem]:
    """Each row with its pupils' safeguarding status that holds now, for those who may see it."""
    if not pupil_status.session_may_see(session):
        return items
    upns = {upn for item in items for upn, _name in item.pupils}
    if not upns:
        return items
    current = pupil_status.current_statuses(session, upns)
    found = []
    for item in items:
        several = len(item.pupils) > 1
        words = tuple(
            (f"{name}: " if several else "") + ", ".join(p.kind.label for p in current[upn])
            for upn, name in item.pupils
            if current.get(upn)
        )
        found.append(replace(item, statuses=words) if words else item)
    return found


def lado_items(session: Session) -> list[QueueItem]:
    """The headteacher's: allegations about staff whose contact with the LADO is not yet
    recorded (due within one working day). Named by number only: the queue may be on screen."""
    return [
        QueueItem(
            f"ALLEGATION-{item.allegation_id}",
            ItemKind.LADO,
            item.allegation_id,
            "Contact the LADO about this allegation (see Allegations)",
            (),
            Urgency.URGENT,
            item.started_at,
            item.due_at,
        )
        for item in allegations.lado_due(session)
    ]


def force_review_items(session: Session) -> list[QueueItem]:
    """The headteacher's: every physical intervention not yet reviewed by a leader (the
    guidance expects leaders to review each use of force), on the behaviour review's timing."""
    if (
        Role.HEAD not in session.user.roles
        or not session.user.can(Permission.READ_BEHAVIOUR)
        or not session.member_of(Compartment.BEHAVIOUR)
    ):
        return []
    return [
        QueueItem(
            item.ref,
            ItemKind.BEHAVIOUR_REVIEW,
            None,
            f"Review this use of force: {item.what}",
            item.pupils,
            Urgency.URGENT,
            item.recorded_at,
            item.due_at,
        )
        for item in behaviour_review.review_items(session, kinds=(Kind.INTERVENTION,))
    ]


def alarm_items(session: Session, targets: Targets, calendar: SchoolCalendar) -> list[QueueItem]:
    """Alarms from every compartment this member opens: gaps, changed keys, items kept back."""
    found = []
    for compartment in alarms.alarm_files(session):
        with session.compartments[compartment].read() as conn:
            waiting = members.open_alarms(conn)
        for alarm in waiting:
            started = alarm.raised_at.astimezone()
            found.append(
                QueueItem(
                    alarms.alarm_ref(compartment, alarm.id),
                    ItemKind.ALARM,
                    alarm.id,
                    alarm.detail,
                    (),
                    Urgency.URGENT,
                    started,
                    concern_due(Urgency.URGENT, started, targets, calendar),
                )
            )
    return found


def request_items(session: Session, calendar: SchoolCalendar) -> list[QueueItem]:
    """Reading roles asked for that this member could grant, with the person present."""
    found = []
    with session.store.read() as conn:
        names = users.display_names(conn)
    for request in membership.requests(session):
        started = request.requested_at.astimezone()
        asked_by = names.get(request.requested_by, request.requested_by)
        found.append(
            QueueItem(
                request.username,
                ItemKind.REQUEST,
                None,
                request_words(request.role.label, request.display_name, request.reason, asked_by),
                (),
                Urgency.ROUTINE,
                started,
                calendar.add_school_days(started, 1),
            )
        )
    return found


def transfer_items(conn: Connection, days: int, calendar: SchoolCalendar) -> list[QueueItem]:
    """Files sent to a pupil's new school whose receipt is not yet confirmed."""
    return [
        QueueItem(
            t.ref,
            ItemKind.TRANSFER,
            t.id,
            f"Confirm {t.details.to_school} received the file",
            ((t.pupil_upn, t.pupil_name),),
            Urgency.ROUTINE,
            t.details.sent_at,
            calendar.add_school_days(t.details.sent_at, days),
        )
        for t in transfers.awaiting_receipt(conn)
    ]


def build_items(conn: Connection, targets: Targets, calendar: SchoolCalendar) -> list[QueueItem]:
    cases = casework.untriaged_cases(conn)
    follow_ups = casework.open_follow_ups(conn)
    refs = [c.ref for c in cases] + [f.case_ref for f in follow_ups]
    names = casework.case_pupils(conn, refs)
    urgency = casework.urgencies(conn, [f.case_ref for f in follow_ups])
    items = [_case_item(case, names[case.ref], targets, calendar) for case in cases]
    items += [
        _follow_up_item(f, names[f.case_ref], Urgency(urgency[f.case_ref]), targets, calendar)
        for f in follow_ups
    ]
    return items


def _case_item(
    case: CaseHead, pupils: list[tuple[str, str]], targets: Targets, calendar: SchoolCalendar
) -> QueueItem:
    urgency = Urgency(case.urgency)
    if case.acknowledged_at is not None:
        # Acknowledged stops the first clock; the decision then has the same time again.
        start = case.acknowledged_at
        due = concern_due(urgency, start, targets, calendar)
        what = "Decision needed"
    elif case.kind == "notification":
        start = case.received_at
        due = encompass_due(start, calendar)
        what = "New police notification: before school starts"
    else:
        start = case.recorded_at
        due = concern_due(urgency, start, targets, calendar)
        what = f"New concern ({urgency.label.lower()})"
    kind = ItemKind.NOTIFICATION if case.kind == "notification" else ItemKind.CONCERN
    return QueueItem(case.ref, kind, None, what, tuple(pupils), urgency, start, due)


def _follow_up_item(
    item: OpenFollowUp,
    pupils: list[tuple[str, str]],
    urgency: Urgency,
    targets: Targets,
    calendar: SchoolCalendar,
) -> QueueItem:
    if item.type == "referral":
        assert item.made_at is not None
        due = (
            _start_of(item.due_on, calendar)
            if item.due_on
            else referral_chase_due(item.made_at, targets, calendar)
        )
        return QueueItem(
            item.case_ref,
            ItemKind.REFERRAL,
            item.id,
            item.text,
            tuple(pupils),
            urgency,
            item.made_at,
            due,
        )
    assert item.due_on is not None
    if item.type == "action":
        # An action is due by the end of its day.
        due = datetime.combine(item.due_on + timedelta(days=1), time()).astimezone()
        kind = ItemKind.ACTION
    else:
        due = _start_of(item.due_on, calendar)
        kind = ItemKind.REVIEW
    return QueueItem(
        item.case_ref, kind, item.id, item.text, tuple(pupils), urgency, item.started_at, due
    )


def _start_of(day: date, calendar: SchoolCalendar) -> datetime:
    return datetime.combine(day, calendar.day_start).astimezone()


@dataclass(frozen=True)
class UrgencyFigures:
    """How fast concerns of one urgency were acted on, over a date range."""

    urgency: Urgency
    recorded: int
    acknowledged: int
    acknowledged_in_target: int
    median_to_acknowledge: timedelta | None
    acted: int
    median_to_first_action: timedelta | None
    waiting_overdue: int  # never acknowledged and already past the target

    @property
    def share_in_target(self) -> float | None:
        """Acknowledged inside the target, of those whose target has passed or were met."""
        judged = self.acknowledged + self.waiting_overdue
        return self.acknowledged_in_target / judged if judged else None


def figures(
    session: Session, first_day: date, last_day: date, *, at: datetime | None = None
) -> list[UrgencyFigures]:
    """Time from record to acknowledgement and to first action, per urgency (inclusive days)."""
    session.require(Permission.CASEWORK, "see the time-to-action figures")
    now = at or session.clock.now()
    settings = get_settings(session)
    start = datetime.combine(first_day, time()).astimezone()
    end = datetime.combine(last_day + timedelta(days=1), time()).astimezone()
    with session.compartment(
        Compartment.SAFEGUARDING, "see the time-to-action figures"
    ).read() as conn:
        calendar = calendar_for(conn, settings, now.date())
        cases = casework.concern_timings(conn, start, end)
    targets = targets_from(settings)
    found = []
    for urgency in Urgency:
        mine = [c for c in cases if c.urgency == urgency.value]
        to_ack: list[timedelta] = []
        to_act: list[timedelta] = []
        in_target = overdue = 0
        for case in mine:
            due = concern_due(urgency, case.recorded_at, targets, calendar)
            if case.acknowledged_at is not None:
                to_ack.append(case.acknowledged_at - case.recorded_at)
                in_target += case.acknowledged_at <= due
            elif now > due:
                overdue += 1
            if case.first_act_at is not None:
                to_act.append(case.first_act_at - case.recorded_at)
        found.append(
            UrgencyFigures(
                urgency,
                len(mine),
                len(to_ack),
                in_target,
                _median(to_ack),
                len(to_act),
                _median(to_act),
                overdue,
            )
        )
    return found


def _median(spans: list[timedelta]) -> timedelta | None:
    if not spans:
        return None
    ordered = sorted(spans)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
