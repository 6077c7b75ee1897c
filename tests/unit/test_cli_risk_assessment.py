"""The scripting contract: `risk-assessment --user U --pupil UPN --json FILE` prints the
reference with its version; `records --pupil` (and --json) lists it; exit 2 names every
problem by its label, exit 3 when not allowed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from safedesk.domain.roles import Role
from tests import factories
from tests.conftest import SchoolStore, add_account
from tests.unit.test_cli_records import Run, run

__all__ = ["run"]


def payload(**changes: Any) -> dict[str, Any]:
    return {
        "risks": [
            {
                "risk": "Climbs the fence when upset.",
                "measures": "Adult within arm's reach at playtime; calm space offered.",
                "owner": "Midday supervisors",
            }
        ],
        "consulted": "Father, the pupil, the educational psychologist.",
        "review_on": (date.today() + timedelta(days=60)).isoformat(),
    } | changes


@pytest.fixture
def with_lead(run: Run, school: SchoolStore) -> Run:
    head = school.sign_in()
    try:
        add_account(head, "b.lead", {Role.BEHAVIOUR_LEAD})
    finally:
        head.lock()
    return run


def test_saved_versions_print_their_reference_and_records_lists_them(with_lead: Run) -> None:
    run = with_lead
    upn = factories.PUPIL_A
    year = date.today().year
    assert run("risk-assessment", "--pupil", upn, payload=payload()) == (
        0,
        f"RA-{year}-0001 version 1\n",
        "",
    )
    later = payload(review_on=(date.today() + timedelta(days=90)).isoformat())
    assert run("risk-assessment", "--pupil", upn, payload=later)[:2] == (
        0,
        f"RA-{year}-0001 version 2\n",
    )
    code, out, err = run("risk-assessment", "--pupil", upn, user="b.lead", payload=payload())
    assert (code, out, err) == (0, f"BP-{year}-0001 version 1\n", "")
    code, out, err = run("records", "--pupil", upn)
    assert code == 0, err
    assert f"RA-{year}-0001" in out and "version 2" in out
    assert f"BP-{year}-0001" in out and "Behaviour plan" in out
    assert out.rstrip().endswith("2 records")
    code, out, err = run("records", "--pupil", upn, "--json")
    assert code == 0, err
    listed = {item["ref"]: item for item in json.loads(out)}
    assert listed[f"RA-{year}-0001"]["kind"] == "risk_assessment"
    assert listed[f"RA-{year}-0001"]["version"] == 2
    assert listed[f"RA-{year}-0001"]["review_on"] == later["review_on"]
    assert listed[f"RA-{year}-0001"]["risks"] == payload()["risks"]
    assert listed[f"BP-{year}-0001"]["kind"] == "behaviour_plan"
    # The behaviour lead's records list only the plan.
    code, out, err = run("records", "--pupil", upn, "--json", user="b.lead")
    assert code == 0, err
    assert [item["ref"] for item in json.loads(out)] == [f"BP-{year}-0001"]


def test_bad_input_is_exit_2_naming_every_problem(with_lead: Run) -> None:
    upn = factories.PUPIL_A
    bad = {"risks": [{"risk": "Runs off.", "measures": "", "owner": "Class teacher"}]}
    code, out, err = with_lead("risk-assessment", "--pupil", upn, payload=bad)
    assert (code, out) == (2, "")
    for line in (
        "Risks 1: What reduces it: is required",
        "Who was consulted: is required",
        "Review date: is required",
    ):
        assert line in err
    past = payload(review_on=(date.today() - timedelta(days=1)).isoformat())
    code, _, err = with_lead("risk-assessment", "--pupil", upn, payload=past)
    assert code == 2 and "Review date: must be after today" in err
    code, _, err = with_lead("risk-assessment", "--pupil", upn, payload=payload(kind="care"))
    assert code == 2 and "Kind of assessment: must be safeguarding or behaviour_plan" in err
    code, _, err = with_lead("risk-assessment", "--pupil", "A123456789012", payload=payload())
    assert code == 2 and "There is no pupil with UPN A123456789012" in err
    code, _, err = with_lead("risk-assessment", "--pupil", upn, payload=[1, 2])
    assert code == 2 and "json" in err


def test_not_allowed_is_exit_3(with_lead: Run) -> None:
    upn = factories.PUPIL_A
    code, out, err = with_lead(
        "risk-assessment", "--pupil", upn, user="b.lead", payload=payload(kind="safeguarding")
    )
    assert (code, out) == (3, "")
    assert "not allowed" in err
    for user in ("t.ta", "a.admin"):
        code, out, _ = with_lead("risk-assessment", "--pupil", upn, user=user, payload=payload())
        assert (code, out) == (3, "")
    code, out, _ = with_lead("records", "--pupil", upn, "--json")
    assert json.loads(out) == []  # nothing was saved
