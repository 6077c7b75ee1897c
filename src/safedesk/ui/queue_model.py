"""The DSL queue as a Qt model: one row per item, coloured amber when due soon, red when late.

Statuses are worked out at the queue's own moment (``Queue.at``, from the session's clock), so a
test can move time by loading the queue at another moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from safedesk.domain.entries import Urgency
from safedesk.domain.formatting import date_text, moment_text
from safedesk.domain.local_time import to_local
from safedesk.domain.people import RoleRequest
from safedesk.domain.pupil_search import fold
from safedesk.domain.queue import ItemKind, QueueItem, age, request_words
from safedesk.domain.time_to_action import Timeliness
from safedesk.services.queue import Queue
from safedesk.ui.grant_dialog import request_for
from safedesk.ui.item_roles import FILTER_ROLE, OBJECT_ROLE, REF_ROLE, SORT_ROLE
from safedesk.ui.rows_model import Index, RowsModel

PUPILS, WHAT, URGENCY, WAITING, TIME_LEFT, STATUS, REF = range(7)
HEADERS = ("Pupil", "What", "Urgency", "Waiting", "Time left", "Status", "Reference")
# Items whose reference is not a record's: the Reference column says what they are instead
# (an access request's is a username, which nobody should have to read).
# A pupil needing an assessment is named by the Pupil column; the reference held is a UPN,
# which nobody reads (and the column cut it off).
NOT_RECORDS = {
    ItemKind.REQUEST: "Access request",
    ItemKind.RISK_MISSING: "Assessment needed",
    ItemKind.TRAINING_DUE: "Training",
}
# A moment this close to the queue's own is "now": training with none recorded is due now.
_NOW_SLACK = timedelta(minutes=1)

STATUS_WORDS = {
    Timeliness.ON_TIME: "On time",
    Timeliness.DUE_SOON: "Due soon",
    Timeliness.OVERDUE: "Overdue",
}
STATUS_RANK = {Timeliness.OVERDUE: 0, Timeliness.DUE_SOON: 1, Timeliness.ON_TIME: 2}
URGENCY_RANK = {Urgency.IMMEDIATE: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}
URGENCY_WORDS = {
    Urgency.IMMEDIATE: "Immediate",
    Urgency.URGENT: "Urgent",
    Urgency.ROUTINE: "Routine",
}
# Soft fills that keep dark text readable; the Status column says it in words too.
FILLS = {Timeliness.DUE_SOON: QColor("#fde7b0"), Timeliness.OVERDUE: QColor("#f8c9c4")}


def waiting_words(item: QueueItem, at: datetime) -> str:
    """The Waiting column. A record waits from when its clock started ("9 days"); items that
    are not records say the date that matters instead ("Runs out 21/12/2026")."""
    if item.kind is ItemKind.TRAINING_DUE:
        if item.started_at == item.due_at and abs(item.due_at - at) < _NOW_SLACK:
            return "None recorded"  # the service dates training never recorded "now"
        day = date_text(to_local(item.due_at).date())
        return f"Ran out {day}" if item.due_at <= at else f"Runs out {day}"
    if item.kind is ItemKind.RISK_REVIEW:
        return f"Review date {date_text(to_local(item.due_at).date())}"
    if item.kind is ItemKind.RISK_MISSING:
        return f"Needed since {date_text(to_local(item.started_at).date())}"
    return age(item.started_at, at)


def status_words(item: QueueItem, at: datetime) -> str:
    words = STATUS_WORDS[item.status(at)]
    return f"{words}, escalated" if item.escalated(at) else words


class QueueModel(RowsModel):
    headers = HEADERS

    def __init__(self) -> None:
        super().__init__()
        self._at: datetime | None = None
        self._names: dict[str, str] = {}
        self._requests: list[RoleRequest] = []

    def set_queue(
        self,
        queue: Queue,
        names: dict[str, str] | None = None,
        requests: list[RoleRequest] | None = None,
    ) -> None:
        """The queue, with people's full names by username and the access requests waiting
        (so a request says who asked by name, not by username)."""
        self.beginResetModel()
        self._at = queue.at
        self._names = dict(names or {})
        self._requests = list(requests or [])
        self._rows = list(queue.items)
        self.endResetModel()

    def words(self, item: QueueItem) -> str:
        """What is due, in the words people read."""
        if item.kind is ItemKind.REQUEST:
            request = request_for(item, self._requests)
            if request is not None:
                asked_by = self._names.get(request.requested_by, request.requested_by)
                return request_words(
                    request.role.label, request.display_name, request.reason, asked_by
                )
        return item.what

    @property
    def at(self) -> datetime | None:
        return self._at

    def item(self, row: int) -> QueueItem:
        found: QueueItem = self._rows[row]
        return found

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item, at = self.row_of(index), self._at
        if item is None or at is None:
            return None
        if role == OBJECT_ROLE:
            return item
        if role == REF_ROLE:
            return item.case_ref
        what = self.words(item)
        if role == SORT_ROLE:
            return (
                ", ".join(name for _, name in item.pupils).casefold(),
                what.casefold(),
                URGENCY_RANK[item.urgency],
                -item.started_at.timestamp(),  # longest waiting first
                item.due_at.timestamp(),
                STATUS_RANK[item.status(at)],
                NOT_RECORDS.get(item.kind, item.case_ref),
            )[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole:
            fill = FILLS.get(item.status(at))
            return QBrush(fill) if fill is not None else None
        if role == FILTER_ROLE:
            names = " ".join(f"{upn} {name}" for upn, name in item.pupils)
            statuses = " ".join(item.statuses)
            return fold(f"{names} {statuses} {what} {item.kind.label} {item.case_ref}")
        if role == Qt.ItemDataRole.ToolTipRole:
            due = f"{item.urgency.label}; due {to_local(item.due_at):%a} {moment_text(item.due_at)}"
            return f"{what}\n{due}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            "\n".join([", ".join(name for _, name in item.pupils) or "—", *item.statuses]),
            what,
            URGENCY_WORDS[item.urgency],
            waiting_words(item, at),
            item.time_left(at),
            status_words(item, at),
            NOT_RECORDS.get(item.kind, item.case_ref),
        )[index.column()]


class QueueFilter(QSortFilterProxyModel):
    """Words typed in the filter box match pupil, UPN, what, kind or reference (accents and
    punctuation ignored, as in the pupil list); a status
    choice narrows to overdue or due-soon items."""

    def __init__(self) -> None:
        super().__init__()
        self._words: list[str] = []
        self._statuses: frozenset[Timeliness] | None = None
        self.setSortRole(SORT_ROLE)  # unsorted (column -1), rows keep the queue's own order

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_statuses(self, statuses: frozenset[Timeliness] | None) -> None:
        self.beginFilterChange()
        self._statuses = statuses
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, QueueModel)
        index = model.index(source_row, 0, source_parent)
        at = model.at
        if self._statuses and at and model.item(source_row).status(at) not in self._statuses:
            return False
        haystack = str(model.data(index, FILTER_ROLE) or "")
        return all(word in haystack for word in self._words)
