"""Generates a realistic primary school roll and writes it as an MIS would export it."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from safedesk.demo.names import BOYS, CLASS_NAMES, GIRLS, PREFERRED, SURNAMES
from safedesk.domain import upn
from safedesk.domain.people import PupilDetails

YEAR_GROUPS = ("R", "1", "2", "3", "4", "5", "6")
LA_CODES = ("801", "330", "886", "919")


def school_year_start(today: date) -> int:
    """The calendar year in which the current English school year began (1 September)."""
    return today.year if today.month >= 9 else today.year - 1


def generate_pupils(count: int, *, seed: int = 7, today: date | None = None) -> list[PupilDetails]:
    """``count`` pupils across Reception to Year 6, deterministic for a seed."""
    rng = random.Random(seed)
    today = today or date.today()
    start = school_year_start(today)
    establishment = rng.randrange(2000, 3000)
    la = rng.choice(LA_CODES)
    classes_per_year = max(1, round(count / len(YEAR_GROUPS) / 30))
    pupils = []
    for index in range(count):
        year_index = index % len(YEAR_GROUPS)
        year = YEAR_GROUPS[year_index]
        # Reception children turn 5 during the school year that began in `start`.
        birth_year = start - 5 - year_index + 1
        dob = date(birth_year - 1, 9, 1) + timedelta(days=rng.randrange(365))
        girl = rng.random() < 0.5
        forename = rng.choice(GIRLS if girl else BOYS)
        allocated = dob.year + 4
        # UPNs are unique: a thousand serials per establishment number.
        body = f"{la}{establishment + index // 1000:04d}{allocated % 100:02d}{index % 1000:03d}"
        class_name = (
            f"{year}{CLASS_NAMES[rng.randrange(classes_per_year)][0]}"
            if classes_per_year > 1
            else CLASS_NAMES[year_index]
        )
        pupils.append(
            PupilDetails(
                upn=upn.make(body),
                legal_surname=rng.choice(SURNAMES),
                legal_forename=forename,
                date_of_birth=dob,
                preferred_forename=PREFERRED.get(forename) if rng.random() < 0.6 else None,
                gender="F" if girl else "M",
                year_group=year,
                class_name=class_name,
                sen=rng.choices([None, "K", "E"], weights=[83, 14, 3])[0],
                fsm=rng.random() < 0.24,
                cla=rng.random() < 0.01,
                eal=rng.random() < 0.2,
            )
        )
    return pupils


def year_group_born(year_group: str, today: date) -> tuple[date, date]:
    """The first and last dates of birth of a pupil in ``year_group`` ("R", "1" … "6") in the
    English school year ``today`` falls in: Year N pupils turn N + 5 during it (born
    1 September to 31 August), Reception children turn 5."""
    offset = YEAR_GROUPS.index(year_group)
    first = date(school_year_start(today) - 5 - offset, 9, 1)
    return first, date(first.year + 1, 8, 31)


def as_imported(rolls: Sequence[Sequence[PupilDetails]]) -> dict[str, PupilDetails]:
    """Every pupil of ``rolls`` (index 0: on roll now) by UPN, as the school's list holds them
    now: those on roll with this year's year group and class; a leaver with neither (the year
    group they left from would not fit their date of birth now)."""
    now = {p.upn for p in rolls[0]} if rolls else set()
    found: dict[str, PupilDetails] = {}
    for year in reversed(rolls):  # the latest of each
        for pupil in year:
            found[pupil.upn] = (
                pupil if pupil.upn in now else replace(pupil, year_group=None, class_name=None)
            )
    return found


def to_mis_csv(pupils: list[PupilDetails]) -> bytes:
    """The pupils as a SIMS-style export: UTF-8, DD/MM/YYYY, Y/N flags."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "UPN",
            "Legal Surname",
            "Legal Forename",
            "Preferred Forename",
            "Date of Birth",
            "Gender",
            "Year Group",
            "Reg Group",
            "SEN Status",
            "FSM",
            "Looked After",
            "EAL",
        ]
    )
    for p in pupils:
        writer.writerow(
            [
                p.upn,
                p.legal_surname,
                p.legal_forename,
                p.preferred_forename or "",
                p.date_of_birth.strftime("%d/%m/%Y"),
                p.gender or "",
                p.year_group or "",
                p.class_name or "",
                p.sen or "",
                _yn(p.fsm),
                _yn(p.cla),
                _yn(p.eal),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _yn(flag: bool) -> str:
    return "Y" if flag else "N"
