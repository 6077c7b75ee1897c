"""Leaders' analysis on a known set of records, made through the services by different people
(staff through the inbox, the behaviour lead, the head) and amended: each figure computed by
hand below, on real encrypted files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from safedesk.domain import upn
from safedesk.domain.analysis import NOT_RECORDED, Analysis, Filters, PupilGroup
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.people import PupilDetails
from safedesk.domain.roles import Role
from safedesk.services import amendments, analysis, records, school_calendar, users, vault
from safedesk.services.session import Session
from safedesk.store import audit, pupils
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import OTHER_PASSWORD, add_account, new_school

# Year 3 with SEN support; Year 4 on free school meals; Year 2 looked after.
ANNA = upn.make("801200006001")
BEN = upn.make("801200006002")
CARA = upn.make("801200006003")
RANGE = Filters(date(2026, 11, 2), date(2026, 11, 15))  # Monday to Sunday: 2026-W45, W46


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def add_pupils(session: Session) -> None:
    rows = [
        PupilDetails(ANNA, "Adams", "Anna", date(2018, 1, 5), None, None, "3", "3S", sen="K"),
        PupilDetails(BEN, "Brown", "Ben", date(2017, 3, 9), None, None, "4", "4M", fsm=True),
        PupilDetails(CARA, "Cole", "Cara", date(2019, 6, 1), "Cari", None, "2", "2B", cla=True),
    ]
    with session.store.write() as conn:
        for row in rows:
            pupils.insert(conn, row, session.clock.now())


def record(session: Session, kind: Kind, when: str, **fields: Any) -> str:
    """A record of something that happened at ``when`` (local), made ten minutes after the
    last time it gives."""
    payload = factories.PAYLOADS[kind]() | fields
    if kind is Kind.INTERVENTION:
        payload["started_at"] = when
        payload.setdefault("ended_at", (at(when) + timedelta(minutes=10)).isoformat())
        if "parent_informed_at" not in fields:
            payload["parent_informed_at"] = payload["ended_at"]
    else:
        payload["occurred_at"] = when
    given = ("started_at", "ended_at", "parent_informed_at", "occurred_at")
    times = [at(str(payload[f])) for f in given if payload.get(f)]
    session.clock = FixedClock(max(times) + timedelta(minutes=10))
    return records.record(session, kind, payload)


def amend(session: Session, ref: str, field: str, value: object) -> None:
    session.clock = FixedClock(at("2026-11-16T08:00"))
    amendments.amend(session, ref, field, value, "Corrected after talking to the staff involved")


def incident(*pupils_roles: tuple[str, str], **fields: Any) -> dict[str, Any]:
    return {"pupils": [{"upn": u, "role": r} for u, r in pupils_roles], **fields}


def not_informed() -> dict[str, Any]:
    return {
        "parent_informed_at": None,
        "parent_informed_by": None,
        "parent_informed_how": None,
        "parent_not_informed_reason": "Telling the parent would put the pupil at risk.",
    }


@dataclass
class People:
    head: Session
    lead: Session
    teacher: Session
    dsl: Session
    admin: Session
    refs: dict[str, str]


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Iterator[People]:
    """One school for the module's tests, which only read it (and audit their runs)."""
    school = new_school(tmp_path_factory.mktemp("analysis") / "data")
    head = school.sign_in()
    add_pupils(head)
    names = {
        Role.BEHAVIOUR_LEAD: "lead",
        Role.STAFF: "teacher",
        Role.DSL: "dsl",
        Role.ADMIN: "office",
    }
    for role, name in names.items():
        add_account(head, name, {role})
    lead, teacher, dsl, admin = (school.sign_in(n, OTHER_PASSWORD) for n in names.values())
    school_calendar.add_term(head, "2026-09-02", "2026-10-23")
    school_calendar.add_term(head, "2026-11-02", "2026-12-18")
    refs: dict[str, str] = {}
    # Behaviour: five in the range (one moved into it by an amendment), one just before it.
    refs["b1"] = record(
        teacher,
        Kind.BEHAVIOUR,
        "2026-11-02T10:15",
        **incident((ANNA, "instigator"), (BEN, "target")),
    )
    refs["b2"] = record(
        teacher,
        Kind.BEHAVIOUR,
        "2026-11-03T12:30",
        **incident(
            (ANNA, "instigator"),
            behaviour_type="bullying",
            bullying_type="prejudice",
            prejudice_type="race",
            severity="high",
            trigger="unstructured_time",
        ),
    )
    refs["b3"] = record(
        lead,
        Kind.BEHAVIOUR,
        "2026-11-10T09:05",
        **incident(
            (ANNA, "instigator"),
            (CARA, "witness"),
            behaviour_type="bullying",
            bullying_type="verbal",
            location="classroom",
            severity="low",
            trigger="task_demand",
        ),
    )
    refs["b4"] = record(
        teacher,
        Kind.BEHAVIOUR,
        "2026-11-13T14:45",
        **incident(
            (BEN, "instigator"),
            behaviour_type="disruption",
            location="classroom",
            severity="low",
            trigger="task_demand",
        ),
    )
    refs["b5"] = record(
        lead,
        Kind.BEHAVIOUR,
        "2026-10-30T10:00",
        **incident(
            (CARA, "instigator"),
            behaviour_type="defiance",
            location="hall",
            trigger="adult_direction",
        ),
    )
    # The trend's base is the same dates last year: b6 is in it; b7, in the days just
    # before the range, is in neither.
    refs["b6"] = record(
        teacher, Kind.BEHAVIOUR, "2025-11-03T09:30", **incident((BEN, "instigator"))
    )
    refs["b7"] = record(
        teacher, Kind.BEHAVIOUR, "2026-10-26T11:00", **incident((BEN, "instigator"))
    )
    # Moved by amendments: one into the same dates last year, one out of both.
    for name, day in (("b8", "2026-11-06"), ("b9", "2026-11-07")):
        refs[name] = record(lead, Kind.BEHAVIOUR, f"{day}T11:00", **incident((BEN, "instigator")))
    # Interventions: three in the range, one on the same dates last year.
    refs["i1"] = record(
        teacher,
        Kind.INTERVENTION,
        "2026-11-04T10:00",
        pupil=ANNA,
        ended_at="2026-11-04T10:25",
        more_holds=[{"hold": "seated_hold", "minutes": 5}],
        injuries_staff="Scratch to the forearm",
        parent_informed_at="2026-11-04T15:00",
    )
    refs["i2"] = record(
        teacher,
        Kind.INTERVENTION,
        "2026-11-11T13:00",
        pupil=ANNA,
        restraint_type="guide",
        intervention_kind="restraint_no_contact",
        trigger="sensory",
        injuries_pupil="Red mark on the left wrist",
        injuries_staff="None.",
        parent_informed_at="2026-11-12T09:00",
    )
    refs["i3"] = record(
        lead,
        Kind.INTERVENTION,
        "2026-11-12T11:00",
        pupil=BEN,
        ended_at="2026-11-12T11:15",
        restraint_type="seated_hold",
        injuries_pupil="nil",
        **not_informed(),
    )
    refs["i4"] = record(teacher, Kind.INTERVENTION, "2025-11-14T10:00", pupil=CARA)
    # Concerns: two in the range, one on the same dates last year.
    refs["c1"] = record(teacher, Kind.CONCERN, "2026-11-05T08:50", pupils=[ANNA])
    refs["c2"] = record(
        teacher,
        Kind.CONCERN,
        "2026-11-09T15:20",
        pupils=[BEN],
        category="online",
        urgency="routine",
    )
    refs["c3"] = record(
        teacher,
        Kind.CONCERN,
        "2025-11-02T09:00",
        pupils=[CARA],
        category="neglect",
        urgency="routine",
    )
    # Corrections: by the one who recorded it (through the inbox), and by the head.
    amend(teacher, refs["b1"], "trigger", "sensory")
    amend(head, refs["b5"], "occurred_at", "2026-11-12T10:00")
    amend(head, refs["b8"], "occurred_at", "2025-11-15T11:00")
    amend(head, refs["b9"], "occurred_at", "2026-09-10T11:00")
    amend(head, refs["i2"], "ended_at", "2026-11-11T13:40")
    amend(head, refs["c2"], "urgency", "urgent")
    yield People(head, lead, teacher, dsl, admin, refs)
    for session in (head, lead, teacher, dsl, admin):
        session.close()


def run(session: Session, filters: Filters = RANGE) -> Analysis:
    session.clock = FixedClock(at("2026-11-16T09:00"))
    return analysis.analyse(session, filters)


def zeros(keys: range) -> dict[str, int]:
    return {str(k): 0 for k in keys}


def test_behaviour_figures(people: People) -> None:
    b = run(people.lead).behaviour
    assert b is not None
    assert (b.total, b.previous_total) == (5, 2)  # b6, and b8 as amended
    assert b.by_type == {"bullying": 2, "defiance": 1, "disruption": 1, "verbal_abuse": 1}
    # b1's trigger as amended by its author; b5 as moved into the range by the head.
    assert b.by_trigger == {
        "task_demand": 2,
        "adult_direction": 1,
        "sensory": 1,
        "unstructured_time": 1,
    }
    assert b.by_location == {"classroom": 2, "playground": 2, "hall": 1}
    assert b.by_severity == {"low": 2, "medium": 2, "high": 1}
    assert b.by_weekday == zeros(range(1, 8)) | {"1": 1, "2": 2, "4": 1, "5": 1}
    assert b.by_hour == zeros(range(24)) | {"9": 1, "10": 2, "12": 1, "14": 1}
    # Once per year group (class) with an instigator in it: Cara only witnessed b3.
    assert b.by_year_group == {"2": 1, "3": 3, "4": 1}
    assert b.by_class == {"3S": 3, "2B": 1, "4M": 1}
    assert b.by_week == {"2026-W45": 2, "2026-W46": 3}
    assert b.by_month == {"2026-11": 5}
    assert b.by_term == {"Autumn 2026": 5}
    assert [(p.upn, p.name, p.year_group, p.count) for p in b.repeat_pupils] == [
        (ANNA, "Anna Adams", "3", 3)
    ]


def test_bullying_figures(people: People) -> None:
    y = run(people.lead).bullying
    assert y is not None
    assert (y.total, y.by_type, y.by_prejudice) == (2, {"prejudice": 1, "verbal": 1}, {"race": 1})


def test_intervention_figures(people: People) -> None:
    i = run(people.head).interventions
    assert i is not None
    assert (i.total, i.previous_total, i.pupils) == (3, 1, 2)
    # 25, 40 (its end amended from 13:10) and 15 minutes.
    assert (i.minutes_total, i.minutes_median) == (80, 25.0)
    assert i.by_hold == {"seated_hold": 2, "double_elbow": 1, "guide": 1}
    assert i.by_kind == {"restraint_contact": 2, "restraint_no_contact": 1}
    assert i.by_trigger == {"adult_direction": 2, "sensory": 1}
    assert (i.with_injury_pupil, i.with_injury_staff) == (1, 1)
    assert i.parent_informed_same_day == 1  # i2's parent heard the next morning
    assert i.pupils_with_sen == 1  # Anna
    assert i.by_week == {"2026-W45": 1, "2026-W46": 2}
    assert [(p.upn, p.count) for p in i.by_pupil] == [(ANNA, 2), (BEN, 1)]


def test_concern_figures(people: People) -> None:
    c = run(people.dsl).concerns
    assert c is not None
    assert (c.total, c.previous_total) == (2, 1)
    assert c.by_category == {"neglect": 1, "online": 1}
    assert c.by_urgency == {"urgent": 2}  # c2 amended from routine
    assert c.by_term == {"Autumn 2026": 2}


def test_labels_name_every_value_retired_ones_too(people: People) -> None:
    labels = run(people.lead).labels
    assert labels["triggers"]["peer_conflict"] == "Conflict with another pupil"
    assert labels["restraint_types"]["seated_hold"]
    assert labels["triggers"][NOT_RECORDED] == "Not recorded"


@pytest.mark.parametrize(
    ("filters", "behaviour", "interventions", "concerns"),
    [
        # Ben is in Year 4: a target in b1, the instigator in b4.
        (Filters(RANGE.first_day, RANGE.last_day, year_group="4"), 2, 1, 1),
        (Filters(RANGE.first_day, RANGE.last_day, class_name="2B"), 2, 0, 0),
        (Filters(RANGE.first_day, RANGE.last_day, group=PupilGroup.SEN), 3, 2, 1),
        (Filters(RANGE.first_day, RANGE.last_day, group=PupilGroup.PP_FSM), 2, 1, 1),
        (Filters(RANGE.first_day, RANGE.last_day, group=PupilGroup.CLA), 2, 0, 0),
        (Filters(RANGE.first_day, RANGE.last_day, year_group="4", group=PupilGroup.SEN), 0, 0, 0),
    ],
)
def test_filters_count_records_naming_a_matching_pupil(
    people: People, filters: Filters, behaviour: int, interventions: int, concerns: int
) -> None:
    found = run(people.head, filters)
    assert found.behaviour is not None and found.interventions is not None
    assert found.concerns is not None
    assert (found.behaviour.total, found.interventions.total, found.concerns.total) == (
        behaviour,
        interventions,
        concerns,
    )


@pytest.mark.parametrize(
    ("group", "behaviour", "interventions", "concerns"),
    [(None, 2, 1, 1), (PupilGroup.PP_FSM, 2, 0, 0), (PupilGroup.CLA, 0, 1, 1)],
)
def test_the_period_before_with_and_without_a_pupil_filter(
    people: People, group: PupilGroup | None, behaviour: int, interventions: int, concerns: int
) -> None:
    """Counted in SQL without a filter, read whole with one: the same records either way."""
    found = run(people.head, Filters(RANGE.first_day, RANGE.last_day, group=group))
    assert found.behaviour and found.interventions and found.concerns
    assert (
        found.behaviour.previous_total,
        found.interventions.previous_total,
        found.concerns.previous_total,
    ) == (behaviour, interventions, concerns)


def test_sections_by_role(people: People) -> None:
    lead = run(people.lead).to_json()
    assert set(lead) == {"behaviour", "bullying", "interventions"}
    for leader in (people.head, people.dsl):
        assert set(run(leader).to_json()) == {"behaviour", "bullying", "interventions", "concerns"}


def test_staff_and_administrators_are_refused_and_it_is_audited(people: People) -> None:
    before = audit_head(people.head)
    for session in (people.teacher, people.admin):
        with pytest.raises(PermissionDenied, match="not allowed to see the behaviour"):
            run(session)
    refused = [e for e in events_after(people.head, before) if e.action == "permission.refused"]
    assert [e.actor for e in refused] == ["teacher", "office"]
    assert not [e for e in events_after(people.head, before) if e.action == "analysis.run"]


def test_a_leading_role_asked_for_but_not_yet_granted_is_refused(people: People) -> None:
    """A behaviour lead's role asked for by the administrator, not yet granted in person by a
    member: the account is staff until then, with no key to the behaviour file."""
    users.add_user(
        people.head,
        username="newlead",
        display_name="New Lead",
        roles={Role.BEHAVIOUR_LEAD},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    newcomer = vault.sign_in(people.head.paths, "newlead", OTHER_PASSWORD)
    try:
        assert not newcomer.member_of(Compartment.BEHAVIOUR)
        with pytest.raises(PermissionDenied, match="not allowed to see the behaviour"):
            run(newcomer)
    finally:
        newcomer.close()


def audit_head(session: Session) -> int:
    with session.store.read() as conn:
        return audit.head(conn).seq


def events_after(session: Session, seq: int) -> list[audit.AuditEvent]:
    with session.store.read() as conn:
        return list(audit.events(conn, after_seq=seq))


def test_one_audit_event_a_run_with_the_range_and_filters_only(people: People) -> None:
    before = audit_head(people.head)
    run(people.head, Filters(RANGE.first_day, RANGE.last_day, year_group="3"))
    runs = [e for e in events_after(people.head, before) if e.action == "analysis.run"]
    (event,) = runs
    assert event.actor == "head"
    assert event.detail["from"] == "2026-11-02"
    assert event.detail["to"] == "2026-11-15"
    assert event.detail["year_group"] == "3"
    text = json.dumps(event.detail)
    assert "Anna" not in text and ANNA not in text


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [
        (date(2026, 11, 15), date(2026, 11, 2), "To"),
        (date(1, 1, 1), date(2026, 11, 2), "From"),  # the period before it would be year 0
        (date(2026, 11, 2), date(9999, 12, 31), "To"),
    ],
)
def test_a_range_that_cannot_be_is_refused_naming_the_box(
    people: People, first: date, last: date, label: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        run(people.head, Filters(first, last))
    assert list(refused.value.problems) == [label]


def test_holiday_and_part_weeks_come_from_the_school_calendar(people: People) -> None:
    """Half-term (26 to 30 October) is between the terms entered; today is Wednesday 18
    November, so its week is the week so far."""
    people.lead.clock = FixedClock(at("2026-11-18T09:00"))
    found = analysis.analyse(people.lead, Filters(date(2026, 10, 19), date(2026, 11, 22)))
    assert found.behaviour is not None and found.interventions is not None
    for figures in (found.behaviour, found.interventions):
        assert figures.holiday_weeks == ["2026-W44"]
        assert figures.part_weeks == ["2026-W47"]
