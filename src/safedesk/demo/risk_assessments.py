"""The demo's risk assessments, saved through the service as the DSL and the behaviour lead
would have: the pupil on a child protection plan has one in its second version, another
vulnerable pupil's review is overdue, a pupil with repeated physical interventions has a
behaviour plan, and at least one vulnerable pupil is left without one (the queue and the
Risk assessments page show them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from safedesk.domain.clock import FixedClock
from safedesk.domain.local_time import to_local
from safedesk.domain.risk_assessment import AssessmentKind, Vulnerable
from safedesk.paths import DataPaths
from safedesk.services import risk_assessments, vault
from safedesk.services.session import Session

_SAFEGUARDING = [
    {
        "risk": "Arrives hungry and without a coat; may not be collected at home time.",
        "measures": "Breakfast club place; spare coat in the office; named adults on the "
        "collection list checked at the gate.",
        "owner": "Class teacher and the office",
    },
    {
        "risk": "Contact with the adult named in the child protection plan.",
        "measures": "Photo on the office's collection list; the DSL called at once if seen.",
        "owner": "Office manager",
    },
]
_CONSULTED = "Mother, the pupil (in her own words), the social worker at the core group."
_PLAN = [
    {
        "risk": "Runs from the classroom when the noise rises; has climbed the fence twice.",
        "measures": "Ear defenders and a quiet corner; an adult within arm's reach at "
        "playtime; gate checked before lunch.",
        "owner": "Teaching assistant",
    },
    {
        "risk": "Hurts others when held; physical intervention three times this term.",
        "measures": "Calm-down plan agreed with him; no holds unless a child is in danger; "
        "trained staff only.",
        "owner": "Behaviour lead and the positive-handling team",
    },
]


def _save(
    session: Session,
    upn: str,
    at: datetime,
    review_days: int,
    risks: list[dict[str, str]],
    kind: AssessmentKind,
) -> None:
    clock = session.clock
    session.clock = FixedClock(at)
    try:
        review_on = to_local(at).date() + timedelta(days=review_days)
        payload = {"risks": risks, "consulted": _CONSULTED, "review_on": review_on.isoformat()}
        risk_assessments.make_assessment(session, upn, payload, kind)
    finally:
        session.clock = clock


def add_risk_assessments(paths: DataPaths, password: str, now: datetime) -> int:
    """Saves the demo's assessments as the DSL ("dsl") and the behaviour lead ("behaviour"),
    whose password is ``password``; returns how many versions were saved."""
    dsl = vault.sign_in(paths, "dsl", password)
    lead = vault.sign_in(paths, "behaviour", password)
    saved = 0
    try:
        dsl.clock = lead.clock = FixedClock(now)
        needing: list[Vulnerable] = risk_assessments.vulnerable_pupils(dsl)
        by_status = sorted(
            (v for v in needing if not any("intervention" in r for r in v.reasons)),
            key=lambda v: "Child protection plan" not in v.reasons,
        )
        by_force = [v for v in needing if any("intervention" in r for r in v.reasons)]
        first = by_status[0].upn if by_status else None  # on the plan, when there is one
        late = by_status[1].upn if len(by_status) > 1 else None
        plan = by_force[0].upn if by_force else None
        if plan is None:  # no pupil over the number yet: the one with the most interventions
            counts = risk_assessments.recent_interventions(lead)
            plan = max(counts, key=lambda upn: (counts[upn], upn), default=None)
        chosen = {first, late, plan} - {None}
        if not [v for v in needing if v.upn not in chosen]:
            late = None  # at least one pupil who needs one is left without it
            if len(needing) < 2:
                plan = None
        safeguarding = AssessmentKind.SAFEGUARDING
        if first is not None:
            _save(dsl, first, now - timedelta(weeks=4), 42, _SAFEGUARDING, safeguarding)
            _save(dsl, first, now - timedelta(weeks=1), 56, _SAFEGUARDING[:1], safeguarding)
            saved += 2
        if late is not None:
            # Saved fourteen weeks ago for twelve: its review is two weeks overdue.
            _save(dsl, late, now - timedelta(weeks=14), 84, _SAFEGUARDING, safeguarding)
            saved += 1
        if plan is not None:
            behaviour = AssessmentKind.BEHAVIOUR_PLAN
            _save(lead, plan, now - timedelta(weeks=2), 70, _PLAN, behaviour)
            saved += 1
    finally:
        lead.lock()
        dsl.lock()
    return saved
