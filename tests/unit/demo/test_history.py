"""The demo school's ten years: written fast but whole (verify passes, from the command line
too), with trends a leader would want to see, and nothing old left waiting in any queue."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from safedesk.cli import common as cli_common
from safedesk.cli.main import main as cli_main
from safedesk.demo import trends
from safedesk.demo.pupils import school_year_start
from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain.compartments import Compartment
from safedesk.domain.queue import ItemKind
from safedesk.paths import DataPaths
from safedesk.services import behaviour_review, integrity, queue, targets, vault
from safedesk.services.session import Session

PUPILS = 120


@dataclass(frozen=True)
class Built:
    paths: DataPaths
    now: datetime
    head: Session


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    now = datetime.now().astimezone()
    built = build_demo_school(
        DataPaths(tmp_path_factory.mktemp("ten") / "data"), pupils=PUPILS, now=now
    )
    head = vault.sign_in(built.paths, "head", DEMO_PASSWORD)
    yield Built(built.paths, now, head)
    head.lock()


def _rows(built: Built, compartment: Compartment, sql: str) -> list[tuple[object, ...]]:
    with built.head.compartment(compartment).read() as conn:
        return [tuple(row) for row in conn.execute(sql).fetchall()]


def _school_year(day: str) -> int:
    return school_year_start(date.fromisoformat(day[:10]))


def test_the_demo_holds_ten_school_years_of_every_kind(demo: Built) -> None:
    first = school_year_start(demo.now.date())
    for compartment, kinds in (
        (Compartment.SAFEGUARDING, {"concern"}),
        (Compartment.BEHAVIOUR, {"behaviour", "intervention"}),
    ):
        found = _rows(demo, compartment, "SELECT kind, occurred_at FROM entry")
        assert {kind for kind, _ in found} == kinds
        years = [_school_year(str(at)) for _, at in found]
        ten = set(range(first - 9, first + 1))
        assert set(years) >= ten, compartment
        # Besides the ten years: only the former pupil's concern transcribed from the paper
        # book (2001), the retention example of a record long past its date.
        earlier = [year for year in years if year not in ten]
        assert earlier == ([2000] if compartment is Compartment.SAFEGUARDING else []), compartment


def test_the_store_verifies_and_so_does_the_command_line(
    demo: Built, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert integrity.verify(demo.head).ok
    monkeypatch.setenv(cli_common.PASSWORD_ENV, DEMO_PASSWORD)
    code = cli_main(["--demo", "verify", "--user", "head", "--data-dir", str(demo.paths.root)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "audit chain head" in out


def test_nothing_from_earlier_years_waits_in_a_queue(demo: Built) -> None:
    # Training falling due and pupils needing a risk assessment start when that began: the
    # records and their casework are what must all be recent.
    not_records = {ItemKind.TRAINING_DUE, ItemKind.RISK_MISSING, ItemKind.RISK_REVIEW}
    items = [i for i in queue.load_queue(demo.head, demo.now).items if i.kind not in not_records]
    assert items
    assert min(item.started_at for item in items) > demo.now - timedelta(weeks=14)
    force = [i for i in items if i.kind is ItemKind.BEHAVIOUR_REVIEW]
    assert len(force) <= 3
    lead = vault.sign_in(demo.paths, "behaviour", DEMO_PASSWORD)
    try:
        waiting = behaviour_review.load_inbox(lead).waiting
    finally:
        lead.lock()
    assert waiting and all(i.recorded_at > demo.now - timedelta(weeks=2) for i in waiting)


def test_interventions_fall_after_the_positive_handling_training(demo: Built) -> None:
    first = school_year_start(demo.now.date())
    trained = first - trends.TRAINING_YEARS_BACK  # its January, in that school year
    per_year = Counter(
        _school_year(str(at))
        for (at,) in _rows(
            demo, Compartment.BEHAVIOUR, "SELECT occurred_at FROM entry WHERE kind = 'intervention'"
        )
    )
    before = sum(per_year[y] for y in range(first - 9, trained)) / (trained - first + 9)
    after = sum(per_year[y] for y in range(trained + 1, first)) / (first - trained - 1)
    assert before >= 2 * after, per_year
    holds = Counter(
        (str(at)[:10] >= f"{trained + 1}-01-06", hold)
        for at, hold in _rows(
            demo,
            Compartment.BEHAVIOUR,
            "SELECT e.occurred_at, i.restraint_type FROM entry e "
            "JOIN physical_intervention i ON i.entry_id = e.id",
        )
    )
    assert holds[(False, "double_elbow")] > holds[(True, "double_elbow")]


def test_lunchtime_and_unstructured_time_stand_out(demo: Built) -> None:
    found = _rows(
        demo,
        Compartment.BEHAVIOUR,
        "SELECT e.occurred_at, b.trigger, b.location FROM entry e "
        "JOIN behaviour_incident b ON b.entry_id = e.id",
    )
    lunch = [
        at
        for at, _, _ in found
        if "12:00" <= datetime.fromisoformat(str(at)).astimezone().strftime("%H:%M") < "13:15"
    ]
    # 75 minutes of a 390-minute day hold over a third of the incidents.
    assert len(lunch) > len(found) / 3
    triggers = Counter(trigger for _, trigger, _ in found)
    assert triggers.most_common(1)[0][0] == "unstructured_time"
    places = [place for place, _ in Counter(loc for _, _, loc in found).most_common(2)]
    assert "playground" in places


def test_a_year_groups_spike_and_pupils_who_keep_coming_back(demo: Built) -> None:
    spring = school_year_start(demo.now.date()) - trends.SPIKE_YEARS_BACK + 1
    terms = Counter(
        str(at)[:4]
        for (at,) in _rows(
            demo,
            Compartment.BEHAVIOUR,
            "SELECT occurred_at FROM entry WHERE kind = 'behaviour' "
            "AND substr(occurred_at, 6, 5) BETWEEN '01-05' AND '03-31'",
        )
    )
    assert terms[str(spring)] > 1.3 * terms[str(spring - 1)], terms
    instigators = Counter(
        upn
        for (upn,) in _rows(
            demo,
            Compartment.BEHAVIOUR,
            "SELECT p.upn FROM entry_pupil ep JOIN pupil p ON p.id = ep.pupil_id "
            "WHERE ep.role = 'instigator'",
        )
    )
    assert len([n for _, n in instigators.most_common(5) if n >= 15]) >= 2


def test_the_new_fields_are_all_used(demo: Built) -> None:
    [(prejudice, kinds, more, accounts, body_maps)] = _rows(
        demo,
        Compartment.BEHAVIOUR,
        "SELECT (SELECT count(*) FROM behaviour_incident WHERE prejudice_type IS NOT NULL), "
        "(SELECT count(DISTINCT intervention_kind) FROM physical_intervention), "
        "(SELECT count(*) FROM physical_intervention WHERE more_holds IS NOT NULL), "
        "(SELECT count(*) FROM physical_intervention WHERE pupil_account IS NOT NULL), "
        "(SELECT count(*) FROM physical_intervention WHERE body_map IS NOT NULL)",
    )
    assert int(str(prejudice)) >= 3 and int(str(kinds)) == 3 and int(str(body_maps)) >= 1
    assert int(str(more)) >= 5 and int(str(accounts)) >= 5
    [(marks,)] = _rows(
        demo,
        Compartment.SAFEGUARDING,
        "SELECT body_map FROM concern WHERE body_map IS NOT NULL LIMIT 1",
    )
    assert json.loads(str(marks))[0]["kind"] == "bruise"
    [(missing,)] = _rows(
        demo,
        Compartment.BEHAVIOUR,
        "SELECT count(*) FROM physical_intervention WHERE trigger IS NULL "
        "OR intervention_kind IS NULL OR support_after IS NULL",
    )
    assert missing == 0


def test_the_behaviour_lead_follows_targets_set_weeks_ago_from_a_baseline(demo: Built) -> None:
    lead = vault.sign_in(demo.paths, "behaviour", DEMO_PASSWORD)
    try:
        found = targets.current_targets(lead)
    finally:
        lead.lock()
    assert len(found) == 4
    assert {view.applies_to for view in found} >= {"Whole school", "Year 5"}
    assert all(view.target.first_set_at < demo.now - timedelta(weeks=3) for view in found)
    assert any(view.target.baseline > 0 for view in found)
