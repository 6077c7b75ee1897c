"""The DSL's work on a case: notifications, acknowledgement, decisions, actions, referrals,
contacts and closure. Append-only and audited; only roles with casework may do it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safedesk.domain import upn as upn_rules
from safedesk.domain.casework import (
    ACT_FIELDS,
    NOTIFICATION_FIELDS,
    Act,
    ActType,
    CaseEvent,
    open_item_words,
    still_open,
    unsettled,
    validate_act,
    validate_fields,
)
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Status, StoredEntry
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.formatting import counted, moment_text
from safedesk.domain.local_time import to_local
from safedesk.domain.queue import QueueItem, in_queue_order
from safedesk.domain.roles import Permission
from safedesk.services import intake, queue
from safedesk.services.school_calendar import calendar_for
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import casework, entries, pupils, users
from safedesk.store.casework import CaseHead
from safedesk.store.db import Connection

_DOING = "work on safeguarding cases (the DSL queue)"
SAFEGUARDING = Compartment.SAFEGUARDING
# These acts are themselves acting on the case, so they acknowledge it if nobody had.
_ACKNOWLEDGING = {
    ActType.TRIAGE,
    ActType.ACTION,
    ActType.REFERRAL,
    ActType.CONTACT,
    ActType.CLOSURE,
}


def record_notification(session: Session, payload: Mapping[str, Any]) -> str:
    """Record a police domestic-abuse notification (Operation Encompass); returns E-YYYY-NNNN."""
    session.require(Permission.CASEWORK, _DOING)
    if not isinstance(payload, Mapping):
        raise ValidationError({"notification": "must be a JSON object"})
    now = session.clock.now()
    problems: dict[str, str] = {}
    try:
        values = validate_fields(NOTIFICATION_FIELDS, payload, now=now, extra={"pupils"})
    except ValidationError as exc:
        problems.update(exc.problems)
        values = {}
    upns = _upns(payload.get("pupils"), problems)
    store = session.compartment(SAFEGUARDING, _DOING)
    with store.write() as conn:
        found = pupils.by_upns(conn, upns, schema="school") if upns else {}
        for index, upn in enumerate(upns, start=1):
            if upn not in found:
                problems[f"pupils[{index}]"] = f"there is no pupil with UPN {upn}"
        if problems:
            raise ValidationError(problems)
        ref = casework.next_notification_ref(conn, now.astimezone().year)
        casework.insert_notification(
            conn,
            ref=ref,
            author=session.user.username,
            recorded_at=now,
            values=values,
            pupil_ids=[pupils.upsert_copy(conn, p.details) for p in found.values()],
        )
        session.audit(conn, "notification.created", object_type="notification", object_id=ref)
    return ref


def _upns(raw: object, problems: dict[str, str]) -> list[str]:
    if not isinstance(raw, list) or not raw:
        problems["pupils"] = "is required: at least one pupil"
        return []
    found: list[str] = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, str):
            problems[f"pupils[{index}]"] = "must be a UPN"
            continue
        upn = upn_rules.normalise(item)
        if reason := upn_rules.problem(upn):
            problems[f"pupils[{index}]"] = reason
        elif upn in found:
            problems[f"pupils[{index}]"] = f"{upn} is listed twice"
        else:
            found.append(upn)
    return found


def act(session: Session, ref: str, payload: Mapping[str, Any]) -> int:
    """Apply one act (its ``type`` says which) to the case ``ref``; returns the act's number."""
    session.require(Permission.CASEWORK, _DOING)
    now = session.clock.now()
    validated = validate_act(payload, now=now)
    case_ref = ref.strip().upper()
    intake.take_in_waiting(session, SAFEGUARDING)  # a concern recorded a moment ago
    with session.compartment(SAFEGUARDING, _DOING).write() as conn:
        head = _open_case(conn, case_ref)
        _check_against_case(conn, head, validated)
        if validated.type in _ACKNOWLEDGING and head.acknowledged_at is None:
            _acknowledge(session, conn, head, now)
        if validated.type is ActType.ACKNOWLEDGE:
            act_id = _acknowledge(session, conn, head, now)
        else:
            if validated.type is ActType.CLOSURE:
                _settle(session, conn, head, validated, now)
            act_id = _insert(session, conn, head, validated, now)
    if head.entry_id is not None:
        intake.send_receipts(session, SAFEGUARDING)  # its author hears it is being acted on
    return act_id


def _insert(
    session: Session, conn: Connection, head: CaseHead, validated: Act, now: datetime
) -> int:
    act_id = casework.insert_act(conn, head.ref, validated, author=session.user.username, at=now)
    if validated.type is ActType.CLOSURE and head.entry_id is not None:
        shared = validated.values.get("shared_outcome")
        entries.add_status(
            conn,
            head.entry_id,
            Status.CLOSED,
            str(shared).strip() if shared else None,
            session.user.username,
            now,
        )
    session.audit(
        conn,
        f"case.{validated.type.value}",
        object_type=head.kind,
        object_id=head.ref,
        detail={"act_id": act_id},
    )
    return act_id


def _open_case(conn: Connection, ref: str) -> CaseHead:
    head = casework.case_head(conn, ref)
    if head is None:
        raise NotFound(f"There is no concern or police notification {ref}.")
    if head.closed:
        raise ValidationError({"ref": f"{ref} is closed; nothing more can be added to it"})
    return head


def _check_against_case(conn: Connection, head: CaseHead, act: Act) -> None:
    if act.type is ActType.CLOSURE:
        _check_closure(conn, head, act)
    if act.type is ActType.ACKNOWLEDGE and head.acknowledged_at is not None:
        when = moment_text(head.acknowledged_at)
        raise ValidationError({"type": f"{head.ref} was already acknowledged at {when}"})
    parent = {ActType.ACTION_DONE: ActType.ACTION, ActType.REFERRAL_DECISION: ActType.REFERRAL}
    if act.type in parent:
        field = "action_id" if act.type is ActType.ACTION_DONE else "referral_id"
        act_id = int(act.values[field])  # type: ignore[call-overload]
        what = parent[act.type].value
        if casework.act_case_ref(conn, parent[act.type], act_id) != head.ref:
            raise ValidationError({field: f"{head.ref} has no {what} {act_id}"})
        if casework.is_done(conn, act.type, act_id):
            done = "done" if act.type is ActType.ACTION_DONE else "decided"
            raise ValidationError({field: f"{what} {act_id} is already {done}"})


def _check_closure(conn: Connection, head: CaseHead, act: Act) -> None:
    """A case closes only once every action and referral still open is accounted for."""
    events = casework.timeline(conn, head.ref)
    problems: dict[str, str] = {}
    open_ids = {
        (opened, e.id)
        for opened in (ActType.ACTION, ActType.REFERRAL)
        for e in still_open(events, opened)
    }
    for index, item in enumerate(act.settled, start=1):
        if (item.opened, item.id) not in open_ids:
            problems[f"open_items[{index}]"] = (
                f"{head.ref} has no open {item.opened.value} {item.id}"
            )
    left = unsettled(events, act.settled)
    if left:
        named = "; ".join(open_item_words(e) for e in left)
        problems["open_items"] = (
            f"{head.ref} still has {_open_count(left)} open ({named}). Before it closes, "
            "say for each whether it was done, carried into monitoring, or closed and why"
        )
    if problems:
        raise ValidationError(problems)


def _open_count(left: list[CaseEvent]) -> str:
    actions = sum(1 for e in left if e.type is ActType.ACTION)
    referrals = len(left) - actions
    parts = [counted(actions, "action")] if actions else []
    parts += [counted(referrals, "referral")] if referrals else []
    return " and ".join(parts)


def _settle(
    session: Session, conn: Connection, head: CaseHead, closure: Act, now: datetime
) -> None:
    """Record what became of each open action (a done row) and referral (a decision row),
    in the closure's own transaction, each note saying it was recorded at closure."""
    shared = closure.values.get("shared_outcome")
    for item in closure.settled:
        if item.opened is ActType.ACTION:
            payload: dict[str, object] = {"action_id": item.id, "note": item.written()}
            act_type = ActType.ACTION_DONE
        else:
            payload = {
                "referral_id": item.id,
                "decision": item.written(),
                "decided_on": to_local(now).date().isoformat(),
                "feedback_to_referrer": "The outcome line shared when the case was closed: "
                + (str(shared).strip() if shared else "Closed"),
            }
            act_type = ActType.REFERRAL_DECISION
        values = validate_fields(ACT_FIELDS[act_type], payload, now=now)
        _insert(session, conn, head, Act(act_type, values), now)


def _acknowledge(session: Session, conn: Connection, head: CaseHead, now: datetime) -> int:
    act_id = casework.insert_act(
        conn, head.ref, Act(ActType.ACKNOWLEDGE, {}), author=session.user.username, at=now
    )
    if head.entry_id is not None:
        entries.add_status(
            conn, head.entry_id, Status.IN_PROGRESS, None, session.user.username, now
        )
    session.audit(conn, "case.acknowledge", object_type=head.kind, object_id=head.ref)
    return act_id


@dataclass(frozen=True)
class CaseFile:
    head: CaseHead
    pupils: tuple[tuple[str, str], ...]
    events: tuple[CaseEvent, ...]
    notification: casework.StoredNotification | None
    names: dict[str, str]  # username -> display name, for the timeline
    entry: StoredEntry | None  # the concern itself, as it reads now (None for a notification)
    at: datetime | None = None  # when it was opened, by the session's clock
    waiting: tuple[QueueItem, ...] = ()  # what the queue waits for here, most pressing first

    def name_of(self, username: str) -> str:
        return self.names.get(username, username)


def open_case(session: Session, ref: str) -> CaseFile:
    """A case and its timeline, for the DSL (audited)."""
    session.require(Permission.CASEWORK, _DOING)
    case_ref = ref.strip().upper()
    store = session.compartment(SAFEGUARDING, _DOING)
    intake.take_in_waiting(session, SAFEGUARDING)
    now = session.clock.now()
    settings = get_settings(session)
    with store.read() as conn:
        head = casework.case_head(conn, case_ref)
        if head is None:
            raise NotFound(f"There is no concern or police notification {ref}.")
        calendar = calendar_for(conn, settings, now.date())
        items = queue.build_items(conn, queue.targets_from(settings), calendar)
        case = CaseFile(
            head,
            tuple(casework.case_pupils(conn, [case_ref])[case_ref]),
            tuple(casework.timeline(conn, case_ref)),
            casework.notification_by_ref(conn, case_ref) if head.kind == "notification" else None,
            {user.username: user.display_name for user in users.all_users(conn)},
            entries.by_ref(conn, case_ref) if head.kind == "concern" else None,
            now,
            tuple(in_queue_order([i for i in items if i.case_ref == case_ref], now)),
        )
    with store.write() as conn:
        session.audit(conn, "case.viewed", object_type=head.kind, object_id=case_ref)
    return case
