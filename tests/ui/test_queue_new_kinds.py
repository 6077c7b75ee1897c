"""The queue's columns for items that are not records (step 11): a pupil needing a risk
assessment, an assessment due for review, training due. No cut-off UPN in Reference, and the
Waiting column says the date that matters, not how long an item that is not a record waited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from safedesk.domain.clock import FixedClock
from safedesk.domain.pupil_status import StatusKind
from safedesk.domain.queue import ItemKind
from safedesk.domain.roles import Role
from safedesk.services import pupil_status, queue, risk_assessments, training
from safedesk.services.session import Session
from safedesk.ui.queue_model import REF, WAITING, QueueModel
from tests import factories
from tests.factories import PUPIL_A, PUPIL_B

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def rows(session: Session, qtmodeltester: Any) -> dict[str, tuple[ItemKind, str, str]]:
    model = QueueModel()
    model.set_queue(queue.load_queue(session))
    qtmodeltester.check(model)
    found = {}
    for row in range(model.rowCount()):
        item = model.item(row)
        found[item.what] = (
            item.kind,
            model.index(row, REF).data(),
            model.index(row, WAITING).data(),
        )
    return found


def test_items_that_are_not_records_say_what_they_are_and_the_date_that_matters(
    head_session: Session, qtmodeltester: Any
) -> None:
    head = head_session
    head.clock = FixedClock(NOW)
    factories.add_pupils(head)
    pupil_status.start_status(head, PUPIL_B, StatusKind.CHILD_IN_NEED, "2026-11-02")
    risk_assessments.make_assessment(
        head,
        PUPIL_A,
        {
            "risks": [{"risk": "Runs off", "measures": "Gate shut", "owner": "TA"}],
            "consulted": "Mother",
            "review_on": "2026-11-25",
        },
    )
    factories.account_with_own_password(head, "dee.dsl", {Role.DSL})
    factories.account_with_own_password(head, "bob.teacher")
    training.add_entry(head, {"who": "head", "course": "DSL training", "on": "2024-12-10"})
    training.add_entry(head, {"who": "bob.teacher", "course": "staff_update", "on": "2025-09-01"})
    found = rows(head, qtmodeltester)
    kinds = {kind for kind, _, _ in found.values()}
    assert {ItemKind.RISK_MISSING, ItemKind.RISK_REVIEW, ItemKind.TRAINING_DUE} <= kinds
    for what, (kind, ref, waiting) in found.items():
        assert PUPIL_A not in ref and PUPIL_B not in ref, what  # never a UPN
        if kind is ItemKind.RISK_MISSING:
            assert (ref, waiting) == ("Assessment needed", "Needed since 02/11/2026")
        elif kind is ItemKind.RISK_REVIEW:
            assert ref.startswith("RA-2026-")
            assert waiting == "Review date 25/11/2026"
    assert found["Ms Ada Ngozi: DSL training runs out on 10/12/2026"][1:] == (
        "Training",
        "Runs out 10/12/2026",
    )
    assert found["Test dee.dsl: DSL training: none recorded"][1:] == ("Training", "None recorded")
    staff = next(what for what in found if "annual safeguarding update" in what)
    assert found[staff][1:] == ("Training", "Ran out 01/09/2026")


def test_the_waiting_column_shows_a_whole_date(head_session: Session, qtbot: Any) -> None:
    """ "Ran out 02/08/2026" wraps at its space; the date itself was cut to "02/08/202"
    (new-user pass): the column is at least a date wide, at any text size."""
    from safedesk.ui.queue_alerts import QueueNotifier
    from safedesk.ui.queue_page import QueuePage

    page = QueuePage(head_session, QueueNotifier(watch_escalation=False))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    metrics = page.table.fontMetrics()
    assert page.table.columnWidth(WAITING) > metrics.horizontalAdvance("30/12/2026")
