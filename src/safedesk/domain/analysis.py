"""The figures leaders read: behaviour, bullying, physical interventions and concerns for a
date range, each section present only when the reader's role may see it. Counts are keyed by
the stored list value (``peer_conflict``), never the label; ``NOT_RECORDED`` counts records
made before a field existed. ``to_json`` is the `safedesk-admin analysis --json` contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

NOT_RECORDED = "not_recorded"


class PupilGroup(StrEnum):
    SEN = "sen"  # SEN support or an EHCP, from the MIS
    PP_FSM = "pp_fsm"  # pupil premium / free school meals
    CLA = "cla"  # looked after

    @property
    def label(self) -> str:
        return {
            PupilGroup.SEN: "Pupils with SEN",
            PupilGroup.PP_FSM: "Pupil premium / free school meals",
            PupilGroup.CLA: "Looked-after children",
        }[self]


@dataclass(frozen=True)
class Filters:
    """Which records count: those naming at least one pupil who matches every filter given."""

    first_day: date
    last_day: date  # inclusive
    year_group: str | None = None
    class_name: str | None = None
    group: PupilGroup | None = None


@dataclass(frozen=True)
class RepeatPupil:
    upn: str
    name: str
    year_group: str
    count: int


@dataclass
class BehaviourFigures:
    total: int = 0
    previous_total: int = 0  # the same length of time just before the range: the trend
    by_type: dict[str, int] = field(default_factory=dict)
    by_location: dict[str, int] = field(default_factory=dict)
    by_trigger: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_weekday: dict[str, int] = field(default_factory=dict)  # "1" (Monday) … "7", all present
    by_hour: dict[str, int] = field(default_factory=dict)  # "0" … "23", all present
    by_year_group: dict[str, int] = field(default_factory=dict)
    by_class: dict[str, int] = field(default_factory=dict)
    by_week: dict[str, int] = field(default_factory=dict)  # ISO week "2026-W47", all present
    by_month: dict[str, int] = field(default_factory=dict)  # "2026-11", all present
    by_term: dict[str, int] = field(default_factory=dict)  # "Autumn 2026", from the calendar
    repeat_pupils: list[RepeatPupil] = field(default_factory=list)  # 3 or more, most first


@dataclass
class BullyingFigures:
    total: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_prejudice: dict[str, int] = field(default_factory=dict)


@dataclass
class InterventionFigures:
    total: int = 0
    previous_total: int = 0
    pupils: int = 0  # distinct pupils
    minutes_total: int = 0
    minutes_median: float | None = None
    by_hold: dict[str, int] = field(default_factory=dict)  # restraint_type + each more_holds
    by_kind: dict[str, int] = field(default_factory=dict)  # intervention_kind
    by_trigger: dict[str, int] = field(default_factory=dict)
    with_injury_pupil: int = 0
    with_injury_staff: int = 0
    parent_informed_same_day: int = 0
    pupils_with_sen: int = 0  # distinct pupils with SEN support or an EHCP
    by_week: dict[str, int] = field(default_factory=dict)
    by_pupil: list[RepeatPupil] = field(default_factory=list)  # every pupil, most first


@dataclass
class ConcernFigures:
    total: int = 0
    previous_total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_urgency: dict[str, int] = field(default_factory=dict)
    by_term: dict[str, int] = field(default_factory=dict)


@dataclass
class Analysis:
    filters: Filters
    behaviour: BehaviourFigures | None = None
    bullying: BullyingFigures | None = None
    interventions: InterventionFigures | None = None
    concerns: ConcernFigures | None = None
    # list value -> label, per list name, for people to read (tables, charts, PDFs)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The contract's shape; sections the reader may not see are absent."""
        out: dict[str, Any] = {}
        if self.behaviour is not None:
            b = self.behaviour
            out["behaviour"] = {
                "total": b.total,
                "previous_total": b.previous_total,
                "by_type": b.by_type,
                "by_location": b.by_location,
                "by_trigger": b.by_trigger,
                "by_severity": b.by_severity,
                "by_weekday": b.by_weekday,
                "by_hour": b.by_hour,
                "by_year_group": b.by_year_group,
                "by_class": b.by_class,
                "by_week": b.by_week,
                "by_month": b.by_month,
                "by_term": b.by_term,
                "repeat_pupils": [
                    {"upn": p.upn, "name": p.name, "year_group": p.year_group, "count": p.count}
                    for p in b.repeat_pupils
                ],
            }
        if self.bullying is not None:
            out["bullying"] = {
                "total": self.bullying.total,
                "by_type": self.bullying.by_type,
                "by_prejudice": self.bullying.by_prejudice,
            }
        if self.interventions is not None:
            i = self.interventions
            out["interventions"] = {
                "total": i.total,
                "previous_total": i.previous_total,
                "pupils": i.pupils,
                "minutes_total": i.minutes_total,
                "minutes_median": i.minutes_median,
                "by_hold": i.by_hold,
                "by_kind": i.by_kind,
                "by_trigger": i.by_trigger,
                "with_injury_pupil": i.with_injury_pupil,
                "with_injury_staff": i.with_injury_staff,
                "parent_informed_same_day": i.parent_informed_same_day,
                "pupils_with_sen": i.pupils_with_sen,
                "by_week": i.by_week,
                "by_pupil": [
                    {"upn": p.upn, "name": p.name, "year_group": p.year_group, "count": p.count}
                    for p in i.by_pupil
                ],
            }
        if self.concerns is not None:
            c = self.concerns
            out["concerns"] = {
                "total": c.total,
                "previous_total": c.previous_total,
                "by_category": c.by_category,
                "by_urgency": c.by_urgency,
                "by_term": c.by_term,
            }
        return out
