"""How long each kind of record is kept, and when a record falls due for the head's review.

Defaults follow the IRMS Information Management Toolkit for Schools (see
docs/retention.md for the rows used and what is still to be checked)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from safedesk.domain.entries import Kind
from safedesk.domain.errors import ValidationError

MIN_YEARS, MAX_YEARS = 1, 100


class Basis(StrEnum):
    """What the years are counted from."""

    DATE_OF_BIRTH = "date_of_birth"  # the pupil's (the youngest, when a record names several)
    OCCURRED = "occurred"  # the day the incident happened

    @property
    def label(self) -> str:
        return {
            Basis.DATE_OF_BIRTH: "the pupil's date of birth",
            Basis.OCCURRED: "the date it happened",
        }[self]


@dataclass(frozen=True)
class Rule:
    kind: Kind
    basis: Basis
    years: int

    def describe(self) -> str:
        years = "1 year" if self.years == 1 else f"{self.years} years"
        return f"{self.kind.label}: kept until {self.basis.label} + {years}"


# IRMS Toolkit for Schools: child protection files "date of birth of the child + 25 years,
# then review". Behaviour incidents and physical interventions: see docs/retention.md.
DEFAULT_RULES: dict[Kind, Rule] = {
    Kind.CONCERN: Rule(Kind.CONCERN, Basis.DATE_OF_BIRTH, 25),
    Kind.BEHAVIOUR: Rule(Kind.BEHAVIOUR, Basis.DATE_OF_BIRTH, 25),
    Kind.INTERVENTION: Rule(Kind.INTERVENTION, Basis.DATE_OF_BIRTH, 25),
}


def parse_rule(kind: str, basis: str, years: object) -> Rule:
    """A rule as typed by the head, or ValidationError naming each field that is wrong."""
    problems: dict[str, str] = {}
    try:
        parsed_kind = Kind(kind)
    except ValueError:
        problems["kind"] = "choose concern, behaviour or intervention"
    try:
        parsed_basis = Basis(basis)
    except ValueError:
        problems["basis"] = "choose date_of_birth or occurred"
    count = years if isinstance(years, int) and not isinstance(years, bool) else None
    if isinstance(years, str) and years.strip().isdigit():
        count = int(years.strip())
    if count is None or not MIN_YEARS <= count <= MAX_YEARS:
        problems["years"] = f"give a whole number of years from {MIN_YEARS} to {MAX_YEARS}"
    if problems:
        raise ValidationError(problems)
    assert count is not None
    return Rule(parsed_kind, parsed_basis, count)


def add_years(day: date, years: int) -> date:
    """``day`` moved on by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def due_on(rule: Rule, occurred: date, births: Iterable[date]) -> date:
    """The first day the record may be reviewed for disposal: the latest of its pupils'."""
    if rule.basis is Basis.OCCURRED:
        return add_years(occurred, rule.years)
    days = [add_years(born, rule.years) for born in births]
    # A record naming no pupil cannot be tied to a birthday: counted from when it happened.
    return max(days) if days else add_years(occurred, rule.years)


@dataclass(frozen=True)
class DueRecord:
    """A record past its date, as the head sees it in the review list."""

    ref: str
    kind: Kind
    occurred_on: date
    due_on: date
    pupil_ids: tuple[int, ...]
    held: bool


@dataclass(frozen=True)
class Hold:
    id: int
    compartment: str
    on: str  # a record's reference, or "pupil <UPN>"
    reason: str
    author: str
    at: str


@dataclass(frozen=True)
class Disposal:
    ref: str
    kind: Kind
    pupil_ids: tuple[int, ...]
    due_on: str
    rule: str
    reason: str
    authorised_by: str
    at: str
