"""The behaviour lead's targets in the demo, set through the service six weeks into the last
twelve (their baseline the weeks before), so the Reports page shows each week since
against the line to its goal."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from safedesk.demo.trends import Shape
from safedesk.domain.clock import FixedClock
from safedesk.services import targets
from safedesk.services.session import Session


def payloads(shape: Shape, day: date) -> list[dict[str, object]]:
    """Whole school, the cohort that had the hard spring, one pupil, bullying."""
    soonest = day + timedelta(weeks=8)
    end_of_year = max(date(shape.first_year + 1, 7, 17), soonest).isoformat()
    easter = max(date(shape.first_year + 1, 3, 27), soonest).isoformat()
    return [
        {
            "scope": "school",
            "measure": "interventions_per_week",
            "goal": 0.2,
            "goal_on": end_of_year,
            "note": "Keep the fall since the positive-handling training going.",
        },
        {
            "scope": "year_group",
            "year_group": shape.spike_cohort,
            "measure": "incidents_per_week",
            "goal": 0.5,
            "goal_on": easter,
            "note": "Lunchtime play leaders and a quiet space for this year group.",
        },
        {
            "scope": "pupil",
            "pupil": shape.frequent[0],
            "measure": "incidents_per_week",
            "goal": 0.1,
            "goal_on": easter,
            "note": "Daily check-in with the learning mentor; agreed with parents.",
        },
        {
            "scope": "school",
            "measure": "bullying_per_week",
            "goal": 0.1,
            "goal_on": end_of_year,
        },
    ]


def set_targets(lead: Session, shape: Shape, *, at: datetime) -> int:
    """Set the demo's targets as ``lead`` at ``at``; returns how many."""
    clock = lead.clock
    lead.clock = FixedClock(at)
    try:
        wanted = payloads(shape, at.date())
        for payload in wanted:
            targets.set_target(lead, payload)
    finally:
        lead.clock = clock
    return len(wanted)
