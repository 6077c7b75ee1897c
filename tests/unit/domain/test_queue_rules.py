"""The DSL queue's order (late first, then urgent first, then oldest) and its plain words."""

from __future__ import annotations

from datetime import datetime, timedelta

from safedesk.domain.entries import Urgency
from safedesk.domain.queue import ItemKind, QueueItem, age, in_queue_order
from safedesk.domain.time_to_action import Timeliness

NOW = datetime.fromisoformat("2026-11-24T12:00:00+00:00")


def item(
    ref: str,
    urgency: Urgency = Urgency.ROUTINE,
    *,
    started: timedelta = timedelta(hours=-1),
    allowed: timedelta = timedelta(hours=24),
    kind: ItemKind = ItemKind.CONCERN,
    item_id: int | None = None,
) -> QueueItem:
    start = NOW + started
    return QueueItem(ref, kind, item_id, "what", (), urgency, start, start + allowed)


def refs(items: list[QueueItem]) -> list[str]:
    return [i.case_ref for i in in_queue_order(items, NOW)]


def test_overdue_before_due_soon_before_on_time_whatever_the_urgency() -> None:
    late = item("late", Urgency.ROUTINE, started=timedelta(hours=-25))
    soon = item("soon", Urgency.ROUTINE, started=timedelta(hours=-20))
    fine = item(
        "fine", Urgency.IMMEDIATE, started=timedelta(minutes=-1), allowed=timedelta(hours=1)
    )
    assert late.status(NOW) is Timeliness.OVERDUE
    assert soon.status(NOW) is Timeliness.DUE_SOON
    assert fine.status(NOW) is Timeliness.ON_TIME
    assert refs([fine, soon, late]) == ["late", "soon", "fine"]


def test_within_a_status_immediate_then_urgent_then_routine() -> None:
    routine = item("routine", Urgency.ROUTINE, started=timedelta(minutes=-3))
    urgent = item("urgent", Urgency.URGENT, started=timedelta(minutes=-2))
    immediate = item("immediate", Urgency.IMMEDIATE, started=timedelta(minutes=-1))
    assert refs([routine, urgent, immediate]) == ["immediate", "urgent", "routine"]


def test_within_an_urgency_oldest_first() -> None:
    newer = item("newer", started=timedelta(minutes=-5))
    older = item("older", started=timedelta(minutes=-50))
    assert refs([newer, older]) == ["older", "newer"]


def test_an_item_is_known_by_its_case_kind_number_and_start() -> None:
    case = item("C-2026-0007", started=timedelta(hours=-1))
    start = round((NOW - timedelta(hours=1)).timestamp())
    assert case.key == f"C-2026-0007/concern/0/{start}"
    action = item("C-2026-0007", kind=ItemKind.ACTION, item_id=3)
    assert action.key == f"C-2026-0007/action/3/{start}"


def test_escalated_once_late_by_its_whole_target_again() -> None:
    target = timedelta(hours=4)
    just = item("x", started=-2 * target, allowed=target)
    beyond = item("y", started=-2 * target - timedelta(minutes=1), allowed=target)
    assert not just.escalated(NOW)
    assert beyond.escalated(NOW)


def test_time_left_and_age_in_plain_words() -> None:
    waiting = item("x", started=timedelta(hours=-3, minutes=-20), allowed=timedelta(hours=4))
    assert waiting.time_left(NOW) == "due in 40 min"
    assert age(waiting.started_at, NOW) == "3 h 20 min"
    late = item("y", started=timedelta(hours=-6), allowed=timedelta(hours=4))
    assert late.time_left(NOW) == "overdue by 2 h"


def test_queue_item_kinds_as_people_read_them() -> None:
    assert [k.label for k in ItemKind] == [
        "Concern",
        "Police notification",
        "Action",
        "Referral",
        "Review",
        "File transfer",
        "Access request",
        "Alarm",
        "Behaviour review",
        "Risk assessment review",
        "No current risk assessment",
        "Training due",
        "Allegation: tell the LADO",
    ]


def test_age_of_an_item_stamped_a_little_ahead_of_this_clock() -> None:
    # Another PC's clock may run a few minutes fast: its start is then just after "now",
    # and the age is still the bare span, never "due in …".
    assert age(NOW + timedelta(minutes=3), NOW) == "3 min"
    assert age(NOW + timedelta(hours=1, minutes=5), NOW) == "1 h 5 min"
