"""safedesk-admin analysis: the JSON contract, the sections each role sees, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from safedesk import cli
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import records
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account, new_school

Run = Callable[..., tuple[int, str, str]]
TODAY = date.today()
WEEK = ["--from", (TODAY - timedelta(days=6)).isoformat(), "--to", TODAY.isoformat()]
SECTIONS = {"behaviour", "bullying", "interventions", "concerns"}


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> SchoolStore:
    """One school for the module: a record of each kind, and an account of each role."""
    school = new_school(tmp_path_factory.mktemp("analysis-cli") / "data")
    head = school.sign_in()
    factories.add_pupils(head)
    for kind in Kind:
        records.record(head, kind, factories.PAYLOADS[kind]())
    for name, role in (("lead", Role.BEHAVIOUR_LEAD), ("t.ta", Role.STAFF), ("office", Role.ADMIN)):
        add_account(head, name, {role})
    head.lock()
    return school


@pytest.fixture
def run(
    school: SchoolStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    def invoke(*args: str, user: str = "head") -> tuple[int, str, str]:
        monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD if user == "head" else OTHER_PASSWORD)
        code = cli.main(["analysis", *args, "--user", user, "--data-dir", str(school.paths.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def test_the_head_gets_every_section_as_the_contract_says(run: Run) -> None:
    code, out, err = run(*WEEK, "--json")
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert set(found) == SECTIONS
    behaviour = found["behaviour"]
    assert behaviour["total"] == 1
    assert behaviour["by_trigger"] == {"peer_conflict": 1}
    assert list(behaviour["by_weekday"]) == [str(d) for d in range(1, 8)]
    assert list(behaviour["by_hour"]) == [str(h) for h in range(24)]
    assert sum(behaviour["by_week"].values()) == 1
    assert all(key[4:6] == "-W" for key in behaviour["by_week"])
    assert behaviour["by_year_group"] == {"3": 1}
    # The trend's base: the same dates a year earlier (keys added beside previous_total).
    year_ago = (TODAY - timedelta(days=6)).replace(year=TODAY.year - 1)
    assert behaviour["previous_first_day"] == year_ago.isoformat()
    assert found["concerns"]["previous_last_day"] <= (TODAY - timedelta(days=365)).isoformat()
    interventions = found["interventions"]
    assert (interventions["total"], interventions["pupils"]) == (1, 1)
    # Its minutes are the service tests' (here the times are the real clock's, whatever night).
    assert isinstance(interventions["minutes_total"], int)
    assert interventions["by_hold"] == {"double_elbow": 1}
    assert found["concerns"]["by_category"] == {"neglect": 1}
    assert found["concerns"]["by_urgency"] == {"urgent": 1}
    assert found["bullying"] == {"total": 0, "by_type": {}, "by_prejudice": {}}


def test_the_behaviour_lead_gets_no_concerns(run: Run) -> None:
    code, out, err = run(*WEEK, "--json", user="lead")
    assert (code, err) == (0, "")
    assert set(json.loads(out)) == SECTIONS - {"concerns"}


@pytest.mark.parametrize("user", ["t.ta", "office"])
def test_staff_and_administrators_exit_3(run: Run, user: str) -> None:
    code, out, err = run(*WEEK, "--json", user=user)
    assert (code, out) == (3, "")
    assert "not allowed to see the behaviour and safeguarding analysis" in err


@pytest.mark.parametrize(
    ("dates", "flag"),
    [
        (["--from", "2026-11-15", "--to", "2026-11-02"], "--to"),
        (["--from", "the day before", "--to", "2026-11-02"], "--from"),
        (["--from", "2026-11-02", "--to", "2026-02-30"], "--to"),
    ],
)
def test_bad_dates_exit_2_naming_the_flag(run: Run, dates: list[str], flag: str) -> None:
    code, out, err = run(*dates, "--json")
    assert (code, out) == (2, "")
    assert flag in err


def test_filters(run: Run) -> None:
    _, out, _ = run(*WEEK, "--json", "--year-group", "4")
    found = json.loads(out)
    # Zoë (Year 4) is the target of the incident; the intervention and concern are Shiv's.
    assert (found["behaviour"]["total"], found["interventions"]["total"]) == (1, 0)
    assert found["concerns"]["total"] == 0
    code, out, _ = run(*WEEK, "--json", "--group", "sen")
    assert code == 0
    assert json.loads(out)["behaviour"]["total"] == 0  # no pupil here has SEN
    with pytest.raises(SystemExit) as refused:
        run(*WEEK, "--group", "gifted")
    assert refused.value.code == 2


def test_without_json_a_short_readable_summary(run: Run) -> None:
    code, out, err = run(*WEEK)
    assert (code, err) == (0, "")
    assert "(7 days)" in out
    assert "Behaviour incidents: 1 (the same dates last year: 0)" in out
    assert "Triggers: Conflict with another pupil 1" in out
    assert "Physical interventions: 1" in out
    assert "Holds: Double elbow 1" in out
    assert "Safeguarding concerns: 1" in out
    assert "By term: " in out  # the usual terms: this school has entered no term dates
    assert "(s)" not in out and "peer_conflict" not in out
