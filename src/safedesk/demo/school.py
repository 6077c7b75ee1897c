"""Builds the demo school: a store, one account per role, pupils, and a term of records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from safedesk.demo import history, trends
from safedesk.demo.allegations import CHAIR, CHAIR_NAME, add_allegations
from safedesk.demo.attachments import add_attachments
from safedesk.demo.behaviour_reviews import add_reviews
from safedesk.demo.policies import add_policies
from safedesk.demo.pupil_statuses import give_statuses
from safedesk.demo.pupils import YEAR_GROUPS, generate_pupils, school_year_start, to_mis_csv
from safedesk.demo.retention import add_retention
from safedesk.demo.risk_assessments import add_risk_assessments
from safedesk.demo.training import add_training
from safedesk.domain import upn
from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import is_reading_role
from safedesk.domain.people import PupilDetails
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import membership, users, vault
from safedesk.services.pupil_import import import_pupils
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF, KdfParams
from safedesk.store.db import without_durability

SCHOOL_NAME = "Riverside Primary School (demo)"
DEMO_YEARS = 10  # school years of records in the demo
TERM_WEEKS = 12  # the last weeks, recorded through the services with their casework
DEMO_PASSWORD = "demo-password"  # noqa: S105 - shown on the demo's sign-in screen on purpose


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    roles: frozenset[Role]

    @property
    def roles_label(self) -> str:
        return ", ".join(r.label for r in Role if r in self.roles)


ACCOUNTS = (
    DemoAccount("head", "Mrs Adaeze Okonkwo", frozenset({Role.HEAD, Role.ADMIN})),
    DemoAccount("dsl", "Mr Tom Hughes", frozenset({Role.DSL})),
    DemoAccount("teacher", "Miss Priya Shah", frozenset({Role.STAFF})),
    DemoAccount("behaviour", "Mr Dan Kowalski", frozenset({Role.BEHAVIOUR_LEAD})),
    DemoAccount("office", "Mrs Sue Bennett", frozenset({Role.ADMIN})),
)
# Made by demo.allegations: the first chair of governors is given the role, never granted.
GOVERNORS = (DemoAccount(CHAIR, CHAIR_NAME, frozenset({Role.CHAIR_OF_GOVERNORS})),)


@dataclass(frozen=True)
class DemoSchool:
    paths: DataPaths
    password: str
    accounts: tuple[DemoAccount, ...]
    recovery_key: str
    pupils: int
    records: int


def build_demo_school(
    paths: DataPaths,
    *,
    pupils: int = 300,
    kdf: KdfParams = FAST_KDF,
    seed: int = 7,
    today: date | None = None,
    with_records: bool = True,
    years: int = DEMO_YEARS,
    now: datetime | None = None,
) -> DemoSchool:
    """A new store in ``paths`` (which must be empty) filled with demo data.

    With records: ``years`` school years (ten by default, as a school keeps them) with the
    pupils who were on roll in each: the earlier years written fast (demo.history) with the
    DSL's casework and the behaviour lead's reviews, this school year through the services
    with its stories; or, with ``years`` = 0, the last twelve weeks alone.
    Nothing is dated after ``now`` (default: the real time), which the open items in the
    queue are placed against.
    """
    with without_durability():
        return _build(paths, pupils, kdf, seed, today, with_records, years, now)


def _build(
    paths: DataPaths,
    pupils: int,
    kdf: KdfParams,
    seed: int,
    today: date | None,
    with_records: bool,
    years: int,
    now: datetime | None,
) -> DemoSchool:
    now = (now or datetime.now()).astimezone()
    today = today or now.date()
    head = ACCOUNTS[0]
    created = vault.create_school(
        paths,
        school_name=SCHOOL_NAME,
        username=head.username,
        display_name=head.display_name,
        password=DEMO_PASSWORD,
        kdf=kdf,
    )
    session = vault.sign_in(paths, head.username, DEMO_PASSWORD)
    try:
        for account in ACCOUNTS[1:]:
            reading = sorted(r for r in account.roles if is_reading_role(r))
            given = f"given {DEMO_PASSWORD}" if reading else DEMO_PASSWORD
            users.add_user(
                session,
                username=account.username,
                display_name=account.display_name,
                roles=account.roles,
                password=given,
                kdf=kdf,
            )
            # The head grants reading roles in person; at the first, the person chooses their
            # own password (the demo's, as if typed there and then).
            granted = None
            for number, role in enumerate(reading):
                typed, own = (given, DEMO_PASSWORD) if number == 0 else (DEMO_PASSWORD, None)
                granted = membership.grant(
                    session, account.username, role, typed, new_password=own, kdf=kdf
                )
            # The staff role an account holds while a reading role waits is not one the demo
            # lists for it: the sign-in screen shows each account's roles as they are.
            if granted and Role.STAFF in granted.roles and Role.STAFF not in account.roles:
                membership.revoke(session, account.username, Role.STAFF)
            if Role.ADMIN in account.roles:
                # The head confirms the office's administrator in person, as a school does
                # before the office adds accounts.
                membership.confirm(session, account.username, DEMO_PASSWORD)
        _own_passwords(paths, kdf)
        roll = generate_pupils(pupils, seed=seed, today=today)
        made = 0
        if years > 0 and with_records:
            made = _record_years(session, roll, years, seed=seed, today=today, now=now)
        else:
            import_pupils(session, to_mis_csv(roll))
        if with_records and years <= 0:
            from safedesk.demo.casework import record_and_work

            made = record_and_work(session, roll, seed=seed, today=today, now=now)
        if with_records:
            give_statuses(session, roll, today=today)
    finally:
        session.lock()
    if with_records:
        _review_behaviour(paths, now)
        add_risk_assessments(paths, DEMO_PASSWORD, now)
        add_policies(paths, DEMO_PASSWORD, now)
        add_training(paths, DEMO_PASSWORD, now)
        add_attachments(paths, DEMO_PASSWORD, roll, now)
        add_retention(paths, DEMO_PASSWORD, roll, now, with_paper_book=years > 0)
    add_allegations(paths, DEMO_PASSWORD, now, kdf=kdf, with_records=with_records)
    accounts = ACCOUNTS + GOVERNORS
    return DemoSchool(paths, DEMO_PASSWORD, accounts, created.recovery_key or "", pupils, made)


def _own_passwords(paths: DataPaths, kdf: KdfParams) -> None:
    """Each account without a reading role chooses the demo password as its own, as staff do
    at their first sign-in, so the demo does not ask them to change it at every sign-in."""
    for account in ACCOUNTS[1:]:
        if any(is_reading_role(r) for r in account.roles):
            continue  # chose their own when the head granted the role in person
        session = vault.sign_in(paths, account.username, DEMO_PASSWORD)
        try:
            if session.password_from_administrator:
                users.change_own_password(session, DEMO_PASSWORD, DEMO_PASSWORD, kdf=kdf)
        finally:
            session.lock()


def _review_behaviour(paths: DataPaths, now: datetime) -> None:
    """The behaviour lead reviews what staff recorded, as a school's would (some left waiting)."""
    lead = vault.sign_in(paths, "behaviour", DEMO_PASSWORD)
    head = vault.sign_in(paths, ACCOUNTS[0].username, DEMO_PASSWORD)
    try:
        add_reviews(lead, now=now, instead=head)
    finally:
        head.lock()
        lead.lock()


def _record_years(
    head: Session,
    roll: list[PupilDetails],
    years: int,
    *,
    seed: int,
    today: date,
    now: datetime,
) -> int:
    """Oldest first: the school years up to the last twelve weeks written fast by
    demo.history (with the DSL's casework and the behaviour lead's reviews), then those twelve
    weeks through the services, with the stories and the open items.

    Each pupil is imported once, before the first year they are on roll, as they stand now
    (leavers as they left): importing each year's roll would move every pupil up a year
    group, and the audit event of each change made the school file's every check (as taking
    in does) ten times as long."""
    from safedesk.demo.casework import record_and_work

    first = school_year_start(today)
    rolls = rolls_by_year(roll, years, seed=seed, today=today)
    shape = trends.shape_for(roll, first)
    everyone = {p.upn: p for year in reversed(rolls) for p in year}  # the latest of each
    imported: set[str] = set()
    made = 0
    clock = head.clock
    dsl = vault.sign_in(head.paths, "dsl", DEMO_PASSWORD)
    lead = vault.sign_in(head.paths, "behaviour", DEMO_PASSWORD)
    term = today - timedelta(weeks=TERM_WEEKS)  # from here on, through the services
    try:
        for back in reversed(range(years)):
            start = date(first - back, 9, 3)
            end = min(date(first - back + 1, 7, 22), term - timedelta(days=1))
            head.clock = FixedClock(datetime.combine(min(start, term), time(7, 30)).astimezone())
            joining = [everyone[p.upn] for p in rolls[back] if p.upn not in imported]
            if joining:
                import_pupils(head, to_mis_csv(joining))
                imported.update(p.upn for p in joining)
            if start <= end:
                made += history.write_year(
                    head,
                    dsl,
                    lead,
                    rolls[back],
                    shape,
                    first=start,
                    last=end,
                    seed=seed * 100 + back,
                )
        made += record_and_work(
            head,
            rolls[0],
            seed=seed,
            today=today,
            now=now,
            weeks=TERM_WEEKS,
            leave_open=True,
            with_story=True,
        )
    finally:
        head.clock = clock
        lead.lock()
        dsl.lock()
    return made


def rolls_by_year(
    roll: Sequence[PupilDetails], years: int, *, seed: int, today: date
) -> list[list[PupilDetails]]:
    """The pupils on roll ``back`` school years ago (index 0: now), as cohorts move up.

    Today's pupils were there from Reception; the Year 6 leavers of each earlier year are
    generated, with UPNs that clash with nobody's.
    """
    first = school_year_start(today)
    used = {p.upn for p in roll}
    leavers: dict[int, list[PupilDetails]] = {}
    for back in range(1, years):
        then = generate_pupils(len(roll), seed=seed + 1000 + back, today=date(first - back, 10, 1))
        leavers[back] = [_unique(p, used) for p in then if p.year_group == "6"]
    rolls: list[list[PupilDetails]] = []
    for back in range(years):
        found = [
            p if back == 0 else _moved_down(p, YEAR_GROUPS.index(p.year_group or "R") - back)
            for p in roll
            if YEAR_GROUPS.index(p.year_group or "R") >= back
        ]
        for left, cohort in leavers.items():
            if left <= back <= left + 6:
                found += [p if back == left else _moved_down(p, 6 - (back - left)) for p in cohort]
        rolls.append(found)
    return rolls


def _moved_down(pupil: PupilDetails, year_index: int) -> PupilDetails:
    return replace(pupil, year_group=YEAR_GROUPS[year_index], class_name=None)


def _unique(pupil: PupilDetails, used: set[str]) -> PupilDetails:
    body = pupil.upn[1:]
    while upn.make(body) in used:
        body = body[:9] + f"{(int(body[9:]) + 1) % 1000:03d}"
    used.add(upn.make(body))
    return replace(pupil, upn=upn.make(body))
