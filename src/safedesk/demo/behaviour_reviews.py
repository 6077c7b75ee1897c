"""The demo's reviews of behaviour records: most are reviewed within their target, the last
few days' records still wait, and one physical intervention is left overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from safedesk.domain.behaviour_review import Decision, ReviewItem
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied
from safedesk.services import behaviour_review
from safedesk.services.session import Session

RECENT = timedelta(days=3)  # records newer than this are left waiting
NOTES = {
    Decision.SIGNED_OFF: "Read the record and spoke to the staff involved. Handled well; "
    "no further action.",
    Decision.FOLLOW_UP: "Pattern of similar incidents at lunchtime: check in with the "
    "midday supervisors.",
    Decision.TARGET: "Agreed a target with the pupil and the class teacher.",
    Decision.PARENTS: "Parents should hear about this from school, in person.",
}
# Most reviews sign a record off; every fifth or so asks for more.
CYCLE = (
    Decision.SIGNED_OFF,
    Decision.SIGNED_OFF,
    Decision.FOLLOW_UP,
    Decision.SIGNED_OFF,
    Decision.TARGET,
    Decision.SIGNED_OFF,
    Decision.PARENTS,
)


def _payload(decision: Decision, day: datetime) -> dict[str, object]:
    by = (day + timedelta(days=7)).date().isoformat()
    payload: dict[str, object] = {"decision": decision.value, "note": NOTES[decision]}
    if decision is Decision.FOLLOW_UP:
        payload |= {"follow_up": "Talk to the lunchtime team about the field", "follow_up_by": by}
    elif decision is Decision.TARGET:
        payload["target"] = "Uses the calm-down corner when frustrated, without being asked"
    elif decision is Decision.PARENTS:
        payload |= {"parents_who": "The class teacher, at home time", "parents_by": by}
    return payload


def left_waiting(items: list[ReviewItem], now: datetime) -> set[str]:
    """The records the demo leaves for the behaviour lead: the last few days', and the most
    recent intervention already past its target (overdue in the inbox and the head's queue)."""
    overdue = [i for i in items if i.kind is Kind.INTERVENTION and i.due_at < now]
    keep = {item.ref for item in items if now - item.recorded_at < RECENT and item not in overdue}
    if overdue:
        keep.add(max(overdue, key=lambda item: item.recorded_at).ref)
    return keep


def add_reviews(session: Session, *, now: datetime, instead: Session | None = None) -> int:
    """Review the demo's behaviour records as ``session`` (the behaviour lead, say), each a
    few hours after it was recorded; an intervention ``session`` recorded itself is reviewed
    by ``instead`` (the head), or left waiting. Returns how many were reviewed."""
    behaviour_review.load_inbox(session)  # takes in what staff recorded
    items = sorted(behaviour_review.review_items(session), key=lambda i: i.recorded_at)
    keep = left_waiting(items, now)
    clocks = [(s, s.clock) for s in (session, instead) if s is not None]
    made = 0
    try:
        for number, item in enumerate(i for i in items if i.ref not in keep):
            when = min(item.recorded_at + timedelta(hours=2 + number % 5), now)
            payload = _payload(CYCLE[number % len(CYCLE)], when)
            for reviewer in (session, instead):
                if reviewer is None:
                    continue
                reviewer.clock = FixedClock(when)
                try:
                    behaviour_review.record_review(reviewer, item.ref, payload)
                except PermissionDenied:  # their own use of force: another leader's to review
                    continue
                made += 1
                break
    finally:
        for reviewer, clock in clocks:
            reviewer.clock = clock
    return made
