"""The demo's pupils' safeguarding status: the pupil whose term is written in full is on a child
protection plan (stepped up from early help), so her chronology and its PDF say so; a few
others are a child in need, a young carer, looked after or previously looked after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from safedesk.demo.casework import rich_pupil
from safedesk.domain.local_time import to_local
from safedesk.domain.people import PupilDetails
from safedesk.domain.pupil_status import StatusKind
from safedesk.services import pupil_status
from safedesk.services.session import Session

# (status, weeks before today it started, a note), for pupils other than the rich one, in
# roll order; the looked-after ones go to pupils the MIS says are looked after, if any.
_OTHERS = (
    (StatusKind.CHILD_IN_NEED, 20, "Section 17 assessment concluded: child in need plan"),
    (StatusKind.YOUNG_CARER, 60, "Cares for mum; referred to the young carers' service"),
    (StatusKind.EARLY_HELP, 8, "Early help assessment with the family support worker"),
)


def give_statuses(head: Session, roll: Sequence[PupilDetails], *, today: date) -> int:
    """Starts (and ends) the demo's statuses as the DSL would have; returns how many were
    started. ``head`` must be a DSL or the head; nothing is dated after its clock's today."""
    today = min(today, to_local(head.clock.now()).date())
    rich = rich_pupil(roll)
    started = 0
    early = pupil_status.start_status(
        head,
        rich.upn,
        StatusKind.EARLY_HELP,
        today - timedelta(weeks=14),
        "Early help assessment after concerns about neglect",
    )
    stepped_up = today - timedelta(weeks=5)
    pupil_status.end_status(head, early.id, stepped_up, "Stepped up: strategy meeting held")
    pupil_status.start_status(
        head,
        rich.upn,
        StatusKind.CHILD_PROTECTION_PLAN,
        stepped_up,
        "Initial child protection conference: plan under the category of neglect",
    )
    started += 2
    others = [p for p in roll if p.upn != rich.upn]
    looked_after = [p for p in others if p.cla][:2]
    for pupil, kind in zip(
        looked_after, (StatusKind.LOOKED_AFTER, StatusKind.PREVIOUSLY_LOOKED_AFTER), strict=False
    ):
        pupil_status.start_status(head, pupil.upn, kind, today - timedelta(weeks=40))
        started += 1
    rest = [p for p in others if p not in looked_after]
    for pupil, (kind, weeks, note) in zip(rest[::37], _OTHERS, strict=False):
        pupil_status.start_status(head, pupil.upn, kind, today - timedelta(weeks=weeks), note)
        started += 1
    return started
