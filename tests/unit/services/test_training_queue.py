"""Training falls due in the DSL's and the head's queue: each DSL's refresher, and one item
for the staff whose annual update is out of date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from safedesk.domain.clock import FixedClock
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.services import queue, training
from safedesk.services.session import Session
from tests import factories
from tests.conftest import SchoolStore

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def head(head_session: Session) -> Session:
    head_session.clock = FixedClock(NOW)
    return head_session


def training_items(session: Session) -> list[str]:
    found = queue.load_queue(session)
    return [i.what for i in found.items if i.kind is ItemKind.TRAINING_DUE]


def test_dsls_without_current_training_and_staff_overdue_their_update(
    school: SchoolStore, head: Session
) -> None:
    dsl_password = factories.account_with_own_password(head, "dee.dsl", {Role.DSL})
    for name in ("amy.ta", "bob.teacher", "cat.office"):
        factories.account_with_own_password(head, name)
    # The head's refresher runs out in 20 days; the DSL has none recorded.
    training.add_entry(head, {"who": "head", "course": "DSL training", "on": "2024-12-10"})
    # Amy's update is current; Bob's ran out; Cat has none; the DSL and the head have none.
    training.add_entry(head, {"who": "amy.ta", "course": "staff_update", "on": "2026-09-01"})
    training.add_entry(head, {"who": "bob.teacher", "course": "staff_update", "on": "2025-09-01"})
    items = training_items(head)
    assert items == sorted(items, key=items.index)  # (queue order)
    assert "Ms Ada Ngozi: DSL training runs out on 10/12/2026" in items
    assert "Test dee.dsl: DSL training: none recorded" in items
    assert "4 staff are due their annual safeguarding update" in items
    assert len(items) == 3  # one item for the staff, not one each
    dsl = school.sign_in("dee.dsl", dsl_password)
    try:
        dsl.clock = FixedClock(NOW)
        assert "4 staff are due their annual safeguarding update" in training_items(dsl)
    finally:
        dsl.close()


def test_training_running_out_later_is_not_in_the_queue(head: Session) -> None:
    training.add_entry(head, {"who": "head", "course": "DSL training", "on": "2025-06-01"})
    training.add_entry(head, {"who": "head", "course": "staff_update", "on": "2026-06-01"})
    assert training_items(head) == []
    head.clock = FixedClock(datetime(2027, 5, 10, 9, 0, tzinfo=UTC))  # 22 days before
    assert training_items(head) == ["Ms Ada Ngozi: DSL training runs out on 01/06/2027"]
    due = training.due(head)
    assert [(s.course.value, s.due_soon, s.out_of_date) for s in due] == [("dsl", True, False)]
    head.clock = FixedClock(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))  # the day both run out
    due = training.due(head)
    assert [(s.course.value, s.out_of_date) for s in due] == [("dsl", True), ("staff_update", True)]
    assert training_items(head) == [
        "Ms Ada Ngozi: DSL training ran out on 01/06/2027",
        "1 member of staff is due their annual safeguarding update",
    ]


def test_a_replaced_entry_no_longer_counts(head: Session) -> None:
    wrong = training.add_entry(head, {"who": "head", "course": "DSL training", "on": "2026-01-05"})
    training.add_entry(head, {"who": "head", "course": "staff_update", "on": "2026-06-01"})
    assert training_items(head) == []
    training.correct_entry(
        head,
        wrong,
        {"who": "head", "course": "Prevent", "on": "2026-01-05"},
        "It was the Prevent course",
    )
    assert training_items(head) == ["Ms Ada Ngozi: DSL training: none recorded"]


def test_nothing_is_in_the_queue_until_the_log_is_begun(school: SchoolStore, head: Session) -> None:
    factories.account_with_own_password(head, "amy.ta")
    assert training_items(head) == []  # no training recorded for anyone yet
    assert [(s.display_name, s.words) for s in training.due(head)] == [
        ("Ms Ada Ngozi", "DSL training: none recorded"),
        ("Ms Ada Ngozi", "Whole-staff safeguarding update: none recorded"),
        ("Test amy.ta", "Whole-staff safeguarding update: none recorded"),
    ]
    training.add_entry(head, {"who": "amy.ta", "course": "Prevent", "on": "2026-09-01"})
    assert sorted(training_items(head)) == [
        "2 staff are due their annual safeguarding update",
        "Ms Ada Ngozi: DSL training: none recorded",
    ]
