"""Risk assessments against the design's attackers: the behaviour lead and a member of staff,
each holding only their own password, the program's code and a raw SQLCipher connection with
every key their key slot opens; and a DSL with the key who edits an assessment behind the
program's back (verify must find it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Role
from safedesk.services import integrity, risk_assessments
from safedesk.store.instance_lock import InstanceLock
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.security import attacker

LEAD, TEACHER, DSL = "b.lead", "t.jones", "d.sl"
SECRET_RISK = "Uncle Brendan may try to collect from the side gate"
SECRET_MEASURE = "Photo of Brendan at the office window"
PLAN_RISK = "Throws chairs when the hall is noisy"


def payload(risk: str, measures: str) -> dict[str, object]:
    return {
        "risks": [{"risk": risk, "measures": measures, "owner": "Office manager"}],
        "consulted": "Mother and the social worker.",
        "review_on": "2027-02-01",
    }


@pytest.fixture
def assessed(school: SchoolStore) -> SchoolStore:
    """A DSL's safeguarding risk assessment and the behaviour lead's plan for one pupil."""
    head = school.sign_in()
    try:
        factories.add_pupils(head)
        add_account(head, LEAD, {Role.BEHAVIOUR_LEAD})
        add_account(head, TEACHER, {Role.STAFF})
        add_account(head, DSL, {Role.DSL})
    finally:
        head.lock()
    for user, risk, kind in ((DSL, SECRET_RISK, None), (LEAD, PLAN_RISK, None)):
        session = school.sign_in(user, OTHER_PASSWORD)
        try:
            session.clock = FixedClock(datetime.fromisoformat("2026-11-16T10:00").astimezone())
            risk_assessments.make_assessment(
                session, factories.PUPIL_A, payload(risk, SECRET_MEASURE), kind
            )
        finally:
            session.lock()
    return school


def readable_by(school: SchoolStore, username: str) -> attacker.Readable:
    root = school.paths.root
    loot = attacker.loot((root / "keys.json").read_bytes(), username, OTHER_PASSWORD)
    return attacker.everything_readable(root, loot)


def test_the_behaviour_lead_reads_the_plan_never_the_safeguarding_assessment(
    assessed: SchoolStore,
) -> None:
    school = assessed
    found = readable_by(school, LEAD)
    assert "behaviour.db" in found.opened and "safeguarding.db" not in found.opened
    assert found.any(PLAN_RISK)  # their own plan, in the file they hold the key to
    assert not found.any(SECRET_RISK), found.places_with(SECRET_RISK)
    assert not found.any("RA-2026-0001")
    # With the program's code and their own password: refused, and no key behind the check.
    lead = school.sign_in(LEAD, OTHER_PASSWORD)
    try:
        histories = risk_assessments.pupil_assessments(lead, factories.PUPIL_A)
        assert [h.current.ref for h in histories] == ["BP-2026-0001"]
        with pytest.raises(PermissionDenied):
            risk_assessments.make_assessment(
                lead, factories.PUPIL_A, payload("x", "y"), "safeguarding"
            )
        lead.user = replace(lead.user, roles=frozenset({Role.DSL}))  # the code, changed
        with pytest.raises(PermissionDenied, match="cannot open the safeguarding records"):
            risk_assessments.make_assessment(
                lead, factories.PUPIL_A, payload("x", "y"), "safeguarding"
            )
        # Reading shows only what its keys open.
        histories = risk_assessments.pupil_assessments(lead, factories.PUPIL_A)
        assert [h.current.ref for h in histories] == ["BP-2026-0001"]
    finally:
        lead.lock()
    # Nothing of the assessment in the clear in any file of the folder.
    files = attacker.files_under(school.paths.root)
    assert attacker.leaks(files, [SECRET_RISK, SECRET_MEASURE, PLAN_RISK]) == []


def test_staff_read_neither_kind_with_their_own_password(assessed: SchoolStore) -> None:
    school = assessed
    found = readable_by(school, TEACHER)
    assert found.opened == {"school.db"}
    for secret in (SECRET_RISK, SECRET_MEASURE, PLAN_RISK, "RA-2026-0001", "BP-2026-0001"):
        assert not found.any(secret), (secret, found.places_with(secret))
    teacher = school.sign_in(TEACHER, OTHER_PASSWORD)
    try:
        for call in (
            lambda: risk_assessments.pupil_assessments(teacher, factories.PUPIL_A),
            lambda: risk_assessments.vulnerable_pupils(teacher),
            lambda: risk_assessments.make_assessment(teacher, factories.PUPIL_A, payload("a", "b")),
        ):
            with pytest.raises(PermissionDenied):
                call()
        teacher.user = replace(teacher.user, roles=frozenset({Role.HEAD}))  # the code, changed
        with pytest.raises(PermissionDenied, match="cannot open"):
            risk_assessments.pupil_assessments(teacher, factories.PUPIL_A)
    finally:
        teacher.lock()


def verify(school: SchoolStore) -> list[str]:
    with InstanceLock(school.paths.lock):
        session = school.sign_in()
        try:
            report = integrity.verify(session)
        finally:
            session.lock()
    return report.problems


def dsl_key(school: SchoolStore, compartment: Compartment) -> bytes:
    root = school.paths.root
    loot = attacker.loot((root / "keys.json").read_bytes(), DSL, OTHER_PASSWORD)
    key = attacker.opening_key(root / f"{compartment.value}.db", loot.file_keys)
    assert key is not None
    return key


def test_verify_finds_an_assessment_changed_or_removed_behind_its_back(
    assessed: SchoolStore,
) -> None:
    school = assessed
    assert verify(school) == []
    db = school.paths.root / "safeguarding.db"
    with attacker.raw_write(db, dsl_key(school, Compartment.SAFEGUARDING)) as conn:
        conn.execute("DROP TRIGGER risk_assessment_no_update")  # type: ignore[attr-defined]
        conn.execute(  # type: ignore[attr-defined]
            "UPDATE risk_assessment SET review_on = '2027-11-01', consulted = 'Nobody needed.'"
        )
    problems = verify(school)
    assert any(
        "safeguarding:" in p and "risk_assessment row" in p and "changed" in p for p in problems
    ), problems
    db = school.paths.root / "behaviour.db"
    with attacker.raw_write(db, dsl_key(school, Compartment.BEHAVIOUR)) as conn:
        conn.execute("DROP TRIGGER risk_assessment_no_delete")  # type: ignore[attr-defined]
        conn.execute("DELETE FROM risk_assessment")  # type: ignore[attr-defined]
    problems = verify(school)
    assert any(
        "behaviour:" in p and "risk_assessment row" in p and "removed" in p for p in problems
    ), problems
