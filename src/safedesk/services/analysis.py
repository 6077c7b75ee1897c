"""Leaders' analysis: behaviour, bullying, physical-intervention and concern figures for a date
range, each section only for a reader whose role and keys allow it (audited, one event a run).

The behaviour lead reads behaviour, bullying and interventions; DSLs and the head read those
and concerns; staff and administrators are refused. Figures use records as they stand after
amendments, and pupils' year group, class and groups as the school file has them now.
"""

from __future__ import annotations

import logging
import time as timer
from datetime import UTC, date, datetime, time, timedelta

from safedesk.domain.analysis import (
    BEHAVIOUR,
    CONCERNS,
    INTERVENTIONS,
    NOT_RECORDED,
    Analysis,
    Filters,
    compute,
)
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import FIELDS, Kind
from safedesk.domain.errors import ValidationError
from safedesk.domain.local_time import to_local, zone
from safedesk.domain.roles import Permission
from safedesk.services import intake, lists
from safedesk.services.school_calendar import calendar_for
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import analysis as rows
from safedesk.store import school_calendar

log = logging.getLogger(__name__)

_DOING = "see the behaviour and safeguarding analysis"
NOT_RECORDED_LABEL = "Not recorded"


def may_analyse(session: Session) -> bool:
    """Whether the Reports page's analysis is for this account (its role, not its keys)."""
    user = session.user
    return user.can(Permission.READ_BEHAVIOUR) or user.can(Permission.READ_CONCERNS)


def _reads_behaviour(session: Session) -> bool:
    return session.user.can(Permission.READ_BEHAVIOUR) and session.member_of(Compartment.BEHAVIOUR)


def _reads_concerns(session: Session) -> bool:
    return session.user.can(Permission.READ_CONCERNS) and session.member_of(
        Compartment.SAFEGUARDING
    )


def local_midnight(day: date) -> datetime:
    """The start of a school-local day, as an aware UTC moment."""
    here = zone()
    wall = datetime.combine(day, time())
    start = wall.replace(tzinfo=here) if here is not None else wall.astimezone()
    return start.astimezone(UTC)


def _labels(session: Session) -> dict[str, dict[str, str]]:
    """Each analysed list's value -> label (retired values too), with "not recorded"."""
    wanted = {
        f.list_name for kind in Kind for f in FIELDS[kind] if f.list_name and f.type == "choice"
    }
    found = {}
    for name, values in lists.choices(session, include_retired=True).items():
        if name in wanted:
            found[name] = dict(values) | {NOT_RECORDED: NOT_RECORDED_LABEL}
    return found


def check_range(filters: Filters) -> None:
    """The range as the Reports page names its boxes (From, To); ValidationError if wrong."""
    problems = {
        label: "must be a date between 2000 and 2100"
        for label, day in (("From", filters.first_day), ("To", filters.last_day))
        if not 2000 <= day.year <= 2100
    }
    if not problems and filters.last_day < filters.first_day:
        problems["To"] = "is before From: choose a last day on or after the first"
    if problems:
        raise ValidationError(problems)


def analyse(session: Session, filters: Filters) -> Analysis:
    """The figures for ``filters``: sections the reader may not read are None."""
    if not may_analyse(session):
        session.refuse(_DOING)
    check_range(filters)
    behaviour, concerns = _reads_behaviour(session), _reads_concerns(session)
    if not behaviour and not concerns:
        # A reading role without its keys yet: say why (audited), as any reading would.
        wanted = (
            Compartment.BEHAVIOUR
            if session.user.can(Permission.READ_BEHAVIOUR)
            else Compartment.SAFEGUARDING
        )
        session.compartment(wanted, _DOING)
    began = timer.perf_counter()
    before = local_midnight(filters.previous_first_day)
    before_end = local_midnight(filters.previous_last_day + timedelta(days=1))
    start = local_midnight(filters.first_day)
    end = local_midnight(filters.last_day + timedelta(days=1))
    # The trend's base (the same dates last year, or the days just before) only gives a
    # total: without a pupil filter it is counted in SQL; with one, its records are read to
    # see whom they name (compute counts only those in the base or the range).
    read_from = before if filters.pupil_filtered else start
    counted: dict[str, int] = {}
    labels = _labels(session)
    incidents = interventions = concern_rows = None
    if behaviour:
        intake.take_in_waiting(session, Compartment.BEHAVIOUR)
        with session.compartment(Compartment.BEHAVIOUR, _DOING).read() as conn:
            incidents = rows.incidents(conn, read_from, end)
            interventions = rows.interventions(conn, read_from, end)
            if read_from != before:
                counted[BEHAVIOUR] = rows.unamended_count(
                    conn, "behaviour", "occurred_at", before, before_end
                )
                counted[INTERVENTIONS] = rows.unamended_count(
                    conn, "intervention", "started_at", before, before_end
                )
    if concerns:
        intake.take_in_waiting(session, Compartment.SAFEGUARDING)
        with session.compartment(Compartment.SAFEGUARDING, _DOING).read() as conn:
            concern_rows = rows.concerns(conn, read_from, end)
            if read_from != before:
                counted[CONCERNS] = rows.unamended_count(
                    conn, "concern", "occurred_at", before, before_end
                )
    named = {upn for row in incidents or () for upn, _ in row.pupils}
    named.update(upn for row in interventions or () for upn in row.pupils)
    named.update(upn for row in concern_rows or () for upn in row.pupils)
    settings = get_settings(session)
    with session.store.read() as conn:
        pupils = rows.pupil_facts(conn, named)
        terms = school_calendar.terms(conn)
        calendar = calendar_for(conn, settings, filters.last_day)
    found = compute(
        filters,
        pupils,
        terms,
        incidents=incidents,
        interventions=interventions,
        concerns=concern_rows,
        labels=labels,
        counted_before=counted,
        calendar=calendar,
        today=to_local(session.clock.now()).date(),
    )
    with session.store.write() as conn:
        session.audit(
            conn,
            "analysis.run",
            detail={
                "from": filters.first_day.isoformat(),
                "to": filters.last_day.isoformat(),
                "year_group": filters.year_group,
                "class": filters.class_name,
                "group": filters.group.value if filters.group else None,
                "sections": [
                    name
                    for name, shown in (
                        ("behaviour", found.behaviour),
                        ("bullying", found.bullying),
                        ("interventions", found.interventions),
                        ("concerns", found.concerns),
                    )
                    if shown is not None
                ],
            },
        )
    log.info("analysis of %d days in %.0f ms", filters.days, (timer.perf_counter() - began) * 1000)
    return found
