"""Drafts save themselves while a form is open, so a lock, crash or power cut loses nothing.

A draft is sealed to its author alone: nobody else, not even a DSL, can open it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safedesk.domain.entries import Kind
from safedesk.domain.errors import SafedeskError, ValidationError
from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.store import sealed, sealed_items

MAX_DRAFT_BYTES = 500_000


@dataclass(frozen=True)
class Draft:
    id: int
    kind: Kind
    payload: dict[str, Any]
    updated_at: datetime


def _owner(session: Session) -> str:
    if session.account is None:
        raise SafedeskError("Sign in again to keep drafts.")
    return sealed_items.owner_tag(session.account.secrets.mailbox)


def save_draft(
    session: Session, kind: Kind, payload: dict[str, Any], draft_id: int | None = None
) -> int:
    session.require(Permission.RECORD_CREATE, "record incidents or concerns")
    if len(json.dumps(payload, ensure_ascii=False).encode()) > MAX_DRAFT_BYTES:
        raise ValidationError({"draft": "is too large to keep; please shorten the text"})
    owner = _owner(session)
    assert session.account is not None
    item = sealed_items.seal_for(
        session.store_id,
        "draft",
        session.account.secrets.box.public,
        {"kind": kind.value, "payload": payload},
    )
    with session.store.write() as conn:
        return sealed.save_draft(conn, owner, item, session.clock.now(), draft_id)


def my_drafts(session: Session) -> list[Draft]:
    owner = _owner(session)
    assert session.account is not None
    privates = session.account.secrets.box_privates
    with session.store.read() as conn:
        rows = sealed.drafts(conn, [owner])
    found = []
    for row in rows:
        value = sealed_items.open_for(session.store_id, "draft", row.item, privates)
        if value is not None:
            found.append(
                Draft(
                    row.id,
                    Kind(value["kind"]),
                    value["payload"],
                    datetime.fromisoformat(row.put_at),
                )
            )
    return found


def discard_draft(session: Session, draft_id: int) -> None:
    owner = _owner(session)
    with session.store.write() as conn:
        sealed.discard_draft(conn, [owner], draft_id)
