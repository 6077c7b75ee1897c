"""Corrections: an amendment (field, old, new, reason, who, when); the original stays."""

from __future__ import annotations

from datetime import datetime

from safedesk.domain.entries import (
    FIELDS,
    Amendment,
    FieldSpec,
    StoredEntry,
    spec,
    stored_text,
)
from safedesk.domain.entry_validation import cross_field_problems, field_value
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.roles import Permission
from safedesk.domain.text import LONG_TEXT_LIMIT, is_blank, text_problem
from safedesk.services.lists import active_values
from safedesk.services.records import check_not_before_birth, load
from safedesk.services.session import Session
from safedesk.store import entries


def _typed(field: FieldSpec | None, text: str | None) -> object:
    if text is None or field is None:
        return text
    if field.type == "datetime":
        return datetime.fromisoformat(text)
    if field.type == "bool":
        return text == "true"
    return text


def amend(session: Session, ref: str, field: str, value: object, reason: str) -> Amendment:
    """Correct one field of a record; only its author or a DSL may."""
    now = session.clock.now()
    with session.store.write() as conn:
        entry = load(conn, ref)
        if entry.author != session.user.username and not session.user.can(Permission.AMEND_ANY):
            session.audit(conn, "permission.refused", object_type="entry", object_id=entry.ref)
            raise PermissionDenied(
                f"Only the person who recorded {entry.ref} or a Designated Safeguarding Lead "
                "may amend it."
            )
        new_text = _validated(entry, field, value, reason, active_values(conn), now)
        amendment = Amendment(
            field, entry.current().get(field), new_text, reason, session.user.username, now
        )
        entries.add_amendment(conn, entry.id, amendment)
        session.audit(
            conn,
            "record.amended",
            object_type=entry.kind.value,
            object_id=entry.ref,
            detail={"field": field},
        )
    return amendment


def _validated(
    entry: StoredEntry,
    field: str,
    value: object,
    reason: str,
    lists: dict[str, set[str]],
    now: datetime,
) -> str | None:
    problems: dict[str, str] = {}
    field_spec = spec(entry.kind, field)
    if field_spec is None:
        fields = ", ".join(f.name for f in FIELDS[entry.kind])
        raise ValidationError({"field": f"{field!r} cannot be amended; choose one of: {fields}"})
    if is_blank(reason):
        problems["reason"] = "is required: say why the record is being corrected"
    elif problem := text_problem(reason, limit=LONG_TEXT_LIMIT):
        problems["reason"] = problem
    if field_spec.type == "bool" and isinstance(value, str):
        value = {"true": True, "false": False, "yes": True, "no": False}.get(value.lower(), value)
    clean, problem = field_value(field_spec, value, lists, now)
    if problem:
        problems[field] = problem
    if problems:
        raise ValidationError(problems)
    current = {name: _typed(spec(entry.kind, name), text) for name, text in entry.current().items()}
    current[field] = clean
    if cross := cross_field_problems(entry.kind, current):
        raise ValidationError(cross)
    new_text = stored_text(clean)
    if new_text == entry.current().get(field):
        raise ValidationError({field: "already has that value; nothing to amend"})
    if field_spec.type == "datetime" and new_text and field in ("occurred_at", "started_at"):
        check_not_before_birth(entry.kind, new_text, entry)
    return new_text
