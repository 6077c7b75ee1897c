"""The demo's allegations about staff and low-level concerns, recorded through the services as
a head (and the chair of governors) would: an allegation about a teaching assistant, the LADO
told the next working day and found unsubstantiated; one recorded on the last school afternoon
still waiting for the LADO (so the head's queue shows "Allegation: tell the LADO"); three
low-level concerns, two about the same sports coach (so the patterns show); and, in the
chair's own file, one allegation about the headteacher, the LADO told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial

from safedesk.domain.clock import FixedClock
from safedesk.domain.local_time import to_local
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import allegations, membership, users, vault
from safedesk.services.session import Session
from safedesk.store.crypto import KdfParams

HEAD = "head"
HEAD_NAME = "Mrs Adaeze Okonkwo"
# The chair of governors: the first chair is given the role by the administrator (nobody
# holds their file yet to grant it), and the file is made when they choose their own password.
CHAIR = "chair"
CHAIR_NAME = "Mr Graham Whitfield"
LADO_OFFICER = "Ms Rachel Osei (LADO)"


def _at(day: date, hour: int, minute: int, now: datetime) -> datetime:
    """That local time on ``day``, never after ``now``."""
    return min(datetime.combine(day, time(hour, minute)).astimezone(), now - timedelta(minutes=5))


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _previous_weekday(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _when(session: Session, at: datetime) -> None:
    session.clock = FixedClock(at)


def add_chair(paths: DataPaths, password: str, kdf: KdfParams) -> None:
    """The chair of governors' account: added by the head (an administrator too), then the
    chair's own password chosen at their first sign-in, which makes their file."""
    head = vault.sign_in(paths, HEAD, password)
    given = f"given {password}"
    try:
        colleagues = [u.username for u in users.list_users(head) if u.active]
        users.add_user(
            head,
            username=CHAIR,
            display_name=CHAIR_NAME,
            roles={Role.CHAIR_OF_GOVERNORS},
            password=given,
            kdf=kdf,
        )
    finally:
        head.lock()
    chair = vault.sign_in(paths, CHAIR, given, kdf=kdf)
    try:
        users.change_own_password(chair, given, password, kdf=kdf)
    finally:
        chair.lock()
    # At the first governors' meeting in school, each colleague types their own password
    # at the chair's side: their accounts can then pass on a concern about the head, sealed.
    chair = vault.sign_in(paths, CHAIR, password, kdf=kdf)
    try:
        for username in colleagues:
            membership.confirm(chair, username, password)
    finally:
        chair.lock()


def _heads_file(head: Session, now: datetime) -> None:
    """Each step at its own time, oldest first (the file's audit chain runs forward)."""
    today = to_local(now).date()
    steps: list[tuple[datetime, Callable[[], object]]] = []
    # Three weeks ago: a parent's complaint about a teaching assistant; the LADO told the
    # next working day; unsubstantiated ten days later.
    happened = today - timedelta(days=21)
    contacted = _at(_next_weekday(happened), 9, 20, now)
    decided = happened + timedelta(days=10)
    first: list[int] = []
    steps.append(
        (
            _at(happened, 16, 40, now),
            lambda: first.append(
                allegations.record_allegation(
                    head,
                    {
                        "subject_name": "Mrs Julie Marsh",
                        "subject_role": "Teaching assistant, Year 3",
                        "happened_at": _at(happened, 14, 10, now).isoformat(),
                        "alleged": "A parent says Mrs Marsh pulled her son by the arm out of "
                        "the line after PE and left a red mark; the boy told his mother at "
                        "home time.",
                        "raised_by": "The boy's mother, in person at the office",
                    },
                )
            ),
        )
    )
    steps.append(
        (
            contacted + timedelta(minutes=10),
            lambda: allegations.record_lado_contact(
                head, first[0], {"contacted_at": contacted.isoformat(), "lado_name": LADO_OFFICER}
            ),
        )
    )
    steps.append(
        (
            contacted + timedelta(minutes=40),
            lambda: allegations.record_action(
                head,
                first[0],
                "Agreed with the LADO: no strategy meeting; the head to look into it. "
                "Statements taken from two adults on duty; Mrs Marsh told and offered support.",
            ),
        )
    )
    steps.append(
        (
            _at(decided, 15, 30, now),
            lambda: allegations.record_outcome(
                head, first[0], {"outcome": "unsubstantiated", "decided_on": decided.isoformat()}
            ),
        )
    )
    # The last school afternoon (today's, once it is over): a pupil's account about a midday
    # supervisor at lunchtime, the LADO not yet told.
    local = to_local(now)
    latest = today if local.hour >= 16 and today.weekday() < 5 else _previous_weekday(today)
    recorded = _at(latest, 15, 40, now)
    steps.append(
        (
            recorded,
            lambda: allegations.record_allegation(
                head,
                {
                    "subject_name": "Mr Steve Pratt",
                    "subject_role": "Midday supervisor",
                    "happened_at": _at(latest, 12, 35, now).isoformat(),
                    "alleged": "A Year 4 pupil told her teacher he grabbed her wrist and pulled "
                    "her off the climbing frame at lunchtime, and that it hurt.",
                    "raised_by": "Miss Priya Shah (class teacher), told by the pupil",
                },
            ),
        )
    )
    # Low-level concerns: two about the same sports coach, a month apart, and one about the
    # class teacher (her account, so the log links them).
    for days, subject, what, raised in LOW_LEVEL:
        day = today - timedelta(days=days)
        payload = {
            **subject,
            "happened_at": _at(day, 12, 30, now).isoformat(),
            "what": what,
            "raised_by": raised,
        }
        steps.append((_at(day, 16, 5, now), partial(allegations.record_low_level, head, payload)))
    for at, step in sorted(steps, key=lambda s: s[0]):
        _when(head, at)
        step()
    # Then a correction to the first lift home: who raised it (the audit log stays in order).
    lift = min(allegations.list_low_level(head), key=lambda c: c.happened_at)
    last = max(at for at, _step in steps)
    _when(head, min(last + timedelta(minutes=10), now - timedelta(minutes=1)))
    allegations.correct_low_level(
        head,
        lift.id,
        "raised_by",
        "Mrs Sue Bennett (office), told by a parent at the gate",
        "The office note left out who first told her",
    )


LOW_LEVEL: tuple[tuple[int, dict[str, str], str, str], ...] = (
    (
        40,
        {"subject_name": "Mr Leon Carter", "subject_role": "Sports coach (agency)"},
        "Gave a Year 5 pupil a lift home after football club without telling the office.",
        "Mrs Sue Bennett (office)",
    ),
    (
        9,
        {"subject_name": "Mr Leon Carter", "subject_role": "Sports coach (agency)"},
        "Followed two Year 6 pupils on social media from his own account.",
        "Mr Dan Kowalski (behaviour lead)",
    ),
    (
        15,
        {
            "subject_username": "teacher",
            "subject_name": "Miss Priya Shah",
            "subject_role": "Class teacher, Year 4",
        },
        "Photographed pupils' work on her own phone, with two children's faces in view.",
        "Mr Tom Hughes (DSL)",
    ),
)


def _chairs_file(chair: Session, now: datetime) -> None:
    today = to_local(now).date()
    happened = today - timedelta(days=6)
    _when(chair, _at(happened, 18, 0, now))
    number = allegations.record_allegation(
        chair,
        {
            "subject_username": HEAD,
            "subject_name": HEAD_NAME,
            "subject_role": "Headteacher",
            "happened_at": _at(happened, 8, 45, now).isoformat(),
            "alleged": "A parent wrote that the headteacher held his son by both shoulders and "
            "shouted at him in the office.",
            "raised_by": "The boy's father, by letter to the chair of governors",
        },
        about_head=True,
    )
    contacted = _at(_next_weekday(happened), 10, 0, now)
    _when(chair, contacted + timedelta(minutes=15))
    allegations.record_lado_contact(
        chair,
        number,
        {"contacted_at": contacted.isoformat(), "lado_name": LADO_OFFICER},
        about_head=True,
    )


def add_allegations(
    paths: DataPaths, password: str, now: datetime, *, kdf: KdfParams, with_records: bool
) -> None:
    """The chair's account always; the records only ``with_records``."""
    add_chair(paths, password, kdf)
    if not with_records:
        return
    head = vault.sign_in(paths, HEAD, password)
    try:
        _heads_file(head, now)
    finally:
        head.lock()
    chair = vault.sign_in(paths, CHAIR, password)
    try:
        _chairs_file(chair, now)
    finally:
        chair.lock()
