"""The DSL queue's items: what is waiting, when it is due, and the order to work it in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from safedesk.domain.entries import Urgency
from safedesk.domain.time_to_action import Timeliness, describe, escalated, timeliness


class ItemKind(StrEnum):
    CONCERN = "concern"
    NOTIFICATION = "notification"
    ACTION = "action"
    REFERRAL = "referral"
    REVIEW = "review"
    TRANSFER = "transfer"
    REQUEST = "request"  # a reading role waiting to be granted in person
    ALARM = "alarm"  # something found wrong: a gap in a sequence, a changed key…
    # a behaviour incident or physical intervention waiting for a leader's review and sign-off
    BEHAVIOUR_REVIEW = "behaviour_review"
    RISK_REVIEW = "risk_review"  # a pupil's risk assessment or behaviour plan due for review
    RISK_MISSING = "risk_missing"  # a vulnerable pupil with no current risk assessment
    TRAINING_DUE = "training_due"  # a DSL's refresher or a member of staff's annual update
    LADO = "lado"  # an allegation about staff: the LADO to be told within one working day

    @property
    def label(self) -> str:
        return {
            ItemKind.CONCERN: "Concern",
            ItemKind.NOTIFICATION: "Police notification",
            ItemKind.ACTION: "Action",
            ItemKind.REFERRAL: "Referral",
            ItemKind.REVIEW: "Review",
            ItemKind.TRANSFER: "File transfer",
            ItemKind.REQUEST: "Access request",
            ItemKind.ALARM: "Alarm",
            ItemKind.BEHAVIOUR_REVIEW: "Behaviour review",
            ItemKind.RISK_REVIEW: "Risk assessment review",
            ItemKind.RISK_MISSING: "No current risk assessment",
            ItemKind.TRAINING_DUE: "Training due",
            ItemKind.LADO: "Allegation: tell the LADO",
        }[self]


_STATUS_ORDER = {Timeliness.OVERDUE: 0, Timeliness.DUE_SOON: 1, Timeliness.ON_TIME: 2}
_URGENCY_ORDER = {Urgency.IMMEDIATE: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}


@dataclass(frozen=True)
class QueueItem:
    case_ref: str  # the concern or notification this belongs to
    kind: ItemKind
    item_id: int | None  # the action's or referral's number; None for the case itself
    what: str
    pupils: tuple[tuple[str, str], ...]  # (UPN, name)
    urgency: Urgency
    started_at: datetime  # when its clock started
    due_at: datetime
    # The pupils' safeguarding status that holds now, for those who may see it ("Child
    # protection plan"; "Name: Child in need" when the row names several pupils).
    statuses: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable identity across refreshes, for noticing state changes."""
        started = round(self.started_at.timestamp())
        return f"{self.case_ref}/{self.kind.value}/{self.item_id or 0}/{started}"

    def status(self, now: datetime) -> Timeliness:
        return timeliness(self.started_at, self.due_at, now)

    def escalated(self, now: datetime) -> bool:
        return escalated(self.started_at, self.due_at, now)

    def time_left(self, now: datetime) -> str:
        return describe(self.due_at, now)

    def sort_key(self, now: datetime) -> tuple[int, int, datetime, str]:
        """Most urgent first (late, then due soon; immediate before routine), then oldest."""
        return (
            _STATUS_ORDER[self.status(now)],
            _URGENCY_ORDER[self.urgency],
            self.started_at,
            self.key,
        )


def in_queue_order(items: list[QueueItem], now: datetime) -> list[QueueItem]:
    return sorted(items, key=lambda item: item.sort_key(now))


def age(started_at: datetime, now: datetime) -> str:
    """How long it has been waiting, in plain words."""
    words = describe(started_at, now)  # 'overdue by X' once started_at has passed
    return words.removeprefix("overdue by ").removeprefix("due in ")


def request_words(role_label: str, display_name: str, reason: str, asked_by_name: str) -> str:
    """An access request as the queue says it, with people's full names (not usernames)."""
    return f"Grant {role_label} to {display_name} in person ({reason}, asked by {asked_by_name})"
