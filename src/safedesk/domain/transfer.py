"""Case-file transfer when a pupil leaves: what is sent, to whom, how; and the receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from safedesk.domain.entries import FieldSpec

TRANSFER_METHODS: list[tuple[str, str]] = [
    ("secure_email", "Secure e-mail (PDF with a password sent separately)"),
    ("in_person", "Handed over in person"),
    ("recorded_post", "Recorded post"),
    ("secure_system", "Secure online system"),
    ("other", "Other"),
]

TRANSFER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("to_school", "Receiving school", "text", True),
    FieldSpec("to_person", "Receiving DSL", "text", True),
    FieldSpec("method", "How it is sent", "choice", True, "transfer_methods"),
    FieldSpec("sent_at", "When it is sent", "datetime", True),
)

RECEIPT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("confirmed_on", "Receipt confirmed on", "date", True),
    FieldSpec("confirmed_by", "Confirmed by (name at the receiving school)", "text", True),
    FieldSpec("note", "Note", "long_text"),
)


@dataclass(frozen=True)
class TransferDetails:
    ref: str  # T-2026-0001
    to_school: str
    to_person: str
    method: str
    sent_at: datetime
    sent_by: str  # display name

    @property
    def method_label(self) -> str:
        return dict(TRANSFER_METHODS).get(self.method, self.method)


@dataclass(frozen=True)
class StoredTransfer:
    id: int
    ref: str
    pupil_upn: str
    pupil_name: str
    details: TransferDetails
    recorded_at: datetime
    confirmed_on: date | None
    confirmed_by: str | None
