"""Drafts save themselves while a form is open, so a lock, crash or power cut loses nothing."""

from __future__ import annotations

import json
from typing import Any

from safedesk.domain.entries import Kind
from safedesk.domain.errors import ValidationError
from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.store import drafts
from safedesk.store.drafts import Draft

MAX_DRAFT_BYTES = 500_000


def save_draft(
    session: Session, kind: Kind, payload: dict[str, Any], draft_id: int | None = None
) -> int:
    session.require(Permission.RECORD_CREATE, "record incidents or concerns")
    if len(json.dumps(payload, ensure_ascii=False).encode()) > MAX_DRAFT_BYTES:
        raise ValidationError({"draft": "is too large to keep; please shorten the text"})
    with session.store.write() as conn:
        return drafts.save(
            conn, session.user.username, kind, payload, session.clock.now(), draft_id
        )


def my_drafts(session: Session) -> list[Draft]:
    with session.store.read() as conn:
        return drafts.for_author(conn, session.user.username)


def discard_draft(session: Session, draft_id: int) -> None:
    with session.store.write() as conn:
        drafts.discard(conn, session.user.username, draft_id)
