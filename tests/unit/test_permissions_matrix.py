"""Each role tried against each service: exactly what the design's table allows, no more.

The expected table is written out here by hand from ../shared/DESIGN.md ("People and roles"),
not derived from the code's permission map, so a change to either shows up as a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from safedesk.domain.analysis import Filters
from safedesk.domain.chronology import ItemGroup
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Role
from safedesk.services import (
    allegations,
    amendments,
    analysis,
    backup,
    behaviour_review,
    casework,
    chronology,
    integrity,
    leader_reports,
    lists,
    parent_letter,
    pupil_import,
    pupil_status,
    queue,
    records,
    school_calendar,
    search,
    settings,
    targets,
    transfers,
    users,
)
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.factories import PUPIL_A

STAFF, DSL, LEAD, HEAD, ADMIN, CHAIR = (
    Role.STAFF,
    Role.DSL,
    Role.BEHAVIOUR_LEAD,
    Role.HEAD,
    Role.ADMIN,
    Role.CHAIR_OF_GOVERNORS,
)
CSV = b"UPN,Surname,Forename,DOB\r\n" + f"{PUPIL_A},O'Connor,Siobhan,01/05/2017\r\n".encode()


class World:
    """Records written by someone else, so 'other people's records' exist to be refused."""

    def __init__(self, head: Session, school: SchoolStore, tmp: Path) -> None:
        self.tmp = tmp
        self.head, self.school = head, school
        factories.add_pupils(head)
        self.concern = records.record(head, Kind.CONCERN, factories.concern())
        self.behaviour = records.record(head, Kind.BEHAVIOUR, factories.behaviour())
        self.intervention = records.record(head, Kind.INTERVENTION, factories.intervention())

    def waiting(self, kind: Kind) -> str:
        """A record a member of staff has just made: sealed in the inbox, not yet taken in."""
        add_account(self.head, "world.staff", {STAFF})
        author = self.school.sign_in("world.staff", OTHER_PASSWORD)
        try:
            return records.record(author, kind, factories.PAYLOADS[kind]())
        finally:
            author.close()


Attempt = Callable[[Session, World], Any]


def _about_staff(**more: Any) -> dict[str, Any]:
    return {
        "subject_name": "Mr Yondu Udonta",
        "subject_role": "Supply teacher",
        "happened_at": factories.earlier(1),
        "alleged": "Slapped a pupil's hand",
        "what": "Called a pupil a rude name",
        "raised_by": "Teaching assistant",
        **more,
    }


ATTEMPTS: dict[str, tuple[Attempt, set[Role]]] = {
    "record a concern": (
        lambda s, w: records.record(s, Kind.CONCERN, factories.concern()),
        {STAFF, DSL, LEAD, HEAD},
    ),
    "open someone else's concern": (
        lambda s, w: records.open_record(s, w.concern),
        {DSL, HEAD},
    ),
    "open someone else's behaviour record": (
        lambda s, w: records.open_record(s, w.behaviour),
        {DSL, LEAD, HEAD},
    ),
    "open someone else's intervention": (
        lambda s, w: records.open_record(s, w.intervention),
        {DSL, LEAD, HEAD},
    ),
    "open a concern staff have just recorded (still in the inbox)": (
        lambda s, w: records.open_record(s, w.waiting(Kind.CONCERN)),
        {DSL, HEAD},
    ),
    "open a behaviour record staff have just recorded (still in the inbox)": (
        lambda s, w: records.open_record(s, w.waiting(Kind.BEHAVIOUR)),
        {DSL, LEAD, HEAD},
    ),
    "list a pupil's records": (
        lambda s, w: records.pupil_records(s, PUPIL_A),
        {DSL, LEAD, HEAD},
    ),
    "amend someone else's concern": (
        lambda s, w: amendments.amend(s, w.concern, "others_told", "Head", "Forgot"),
        {DSL, HEAD},
    ),
    "see the queue": (lambda s, w: queue.load_queue(s), {DSL, HEAD}),
    "see time-to-action figures": (
        lambda s, w: queue.figures(s, date(2026, 1, 1), date(2026, 12, 31)),
        {DSL, HEAD},
    ),
    "acknowledge a concern": (
        lambda s, w: casework.act(s, w.concern, {"type": "acknowledge"}),
        {DSL, HEAD},
    ),
    "open a case": (lambda s, w: casework.open_case(s, w.concern), {DSL, HEAD}),
    "open a chronology (of what they may read)": (
        lambda s, w: chronology.open_chronology(s, PUPIL_A),
        {DSL, LEAD, HEAD},
    ),
    "open a chronology with concerns": (
        lambda s, w: chronology.open_chronology(s, PUPIL_A, groups={ItemGroup.CONCERN}),
        {DSL, HEAD},
    ),
    "open a behaviour-only chronology": (
        lambda s, w: chronology.open_chronology(s, PUPIL_A, groups={ItemGroup.BEHAVIOUR}),
        {DSL, LEAD, HEAD},
    ),
    "add a user": (
        lambda s, w: users.add_user(
            s,
            username=f"new.{s.user.username}",
            display_name="New Person",
            roles={STAFF},
            password="a long new password",
            kdf=FAST_KDF,
        ),
        {ADMIN},
    ),
    "import pupils": (lambda s, w: pupil_import.import_pupils(s, CSV), {ADMIN}),
    "change settings": (
        lambda s, w: settings.update_settings(s, idle_lock_minutes=7),
        {ADMIN},
    ),
    "change the school calendar": (
        lambda s, w: school_calendar.add_closure(s, date(2026, 12, 21), "INSET"),
        {ADMIN},
    ),
    "change a controlled list": (
        lambda s, w: lists.add_value(s, "locations", f"lab_{s.user.username[:8]}", "Lab"),
        {ADMIN},
    ),
    "search records (each finds only what they may read)": (
        lambda s, w: search.search(s, "coat"),
        {STAFF, DSL, LEAD, HEAD},
    ),
    "transfer a pupil's file": (
        lambda s, w: transfers.transfer_case_file(
            s,
            PUPIL_A,
            w.tmp / f"{s.user.username}.pdf",
            {"to_school": "Hillside", "to_person": "Mr Bello", "method": "in_person"},
        ),
        {DSL, HEAD},
    ),
    "back up": (lambda s, w: backup.create_backup(s, w.tmp), {DSL, HEAD, ADMIN}),
    "verify the store": (lambda s, w: integrity.verify(s), {DSL, HEAD, ADMIN, CHAIR}),
    "see the behaviour records waiting for review": (
        lambda s, w: behaviour_review.load_inbox(s),
        {DSL, LEAD, HEAD},
    ),
    "review and sign off a behaviour record": (
        lambda s, w: behaviour_review.record_review(
            s, w.behaviour, {"decision": "signed_off", "note": "Spoke to both pupils."}
        ),
        {DSL, LEAD, HEAD},
    ),
    "see a pupil's safeguarding status": (
        lambda s, w: pupil_status.pupil_statuses(s, PUPIL_A),
        {DSL, HEAD},
    ),
    "analyse behaviour, interventions and concerns": (
        lambda s, w: analysis.analyse(s, Filters(date(2026, 1, 1), date(2026, 12, 31))),
        {DSL, LEAD, HEAD},
    ),
    "see the behaviour targets": (lambda s, w: targets.current_targets(s), {DSL, LEAD, HEAD}),
    "set a behaviour target": (
        lambda s, w: targets.set_target(
            s,
            {
                "measure": "incidents_per_week",
                "goal": "1",
                "goal_on": (date.today() + timedelta(days=60)).strftime("%d/%m/%Y"),
            },
        ),
        {LEAD, HEAD},
    ),
    "make the governors' report": (
        lambda s, w: leader_reports.write_governors_report(
            s, date(2026, 9, 1), date(2026, 12, 18), w.tmp / f"gov-{s.user.username}.pdf"
        ),
        {DSL, HEAD},
    ),
    "make the inspection pack": (
        lambda s, w: leader_reports.write_inspection_pack(
            s, date(2026, 9, 1), date(2026, 12, 18), w.tmp / f"ins-{s.user.username}.pdf"
        ),
        {DSL, HEAD},
    ),
    "write the letter to a parent after an intervention": (
        lambda s, w: parent_letter.write_parent_letter(
            s, w.intervention, w.tmp / f"letter-{s.user.username}.pdf"
        ),
        {DSL, LEAD, HEAD},
    ),
    "start a pupil's safeguarding status": (
        lambda s, w: pupil_status.start_status(s, PUPIL_A, "child_in_need", date(2026, 9, 3)),
        {DSL, HEAD},
    ),
    # Allegations about staff: the headteacher; about the headteacher: the chair of governors.
    "record an allegation about a member of staff": (
        lambda s, w: allegations.record_allegation(s, _about_staff()),
        {HEAD},
    ),
    "see allegations about staff": (lambda s, w: allegations.list_allegations(s), {HEAD}),
    "record a low-level concern about a member of staff": (
        lambda s, w: allegations.record_low_level(s, _about_staff()),
        {HEAD},
    ),
    "record an allegation about the headteacher": (
        lambda s, w: allegations.record_allegation(s, _about_staff(), about_head=True),
        {CHAIR},
    ),
    "see low-level concerns about the headteacher": (
        lambda s, w: allegations.low_level_patterns(s, about_head=True),
        {CHAIR},
    ),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(ATTEMPTS))
def test_role_against_service(
    head_session: Session,
    school: SchoolStore,
    session_as: Callable[[Role], Session],
    tmp_path: Path,
    role: Role,
    action: str,
) -> None:
    world = World(head_session, school, tmp_path)
    attempt, allowed = ATTEMPTS[action]
    session = session_as(role)
    if role in allowed:
        attempt(session, world)
    else:
        with pytest.raises(PermissionDenied):
            attempt(session, world)


def test_every_role_is_in_the_table() -> None:
    assert {r for _, allowed in ATTEMPTS.values() for r in allowed} == set(Role)
