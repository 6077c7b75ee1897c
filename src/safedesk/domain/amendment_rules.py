"""The rules a correction must meet, wherever it is applied (directly, or taken in from the
inbox later): a field that exists, a reason, a valid value, and a record that still holds
together."""

from __future__ import annotations

from datetime import date, datetime

from safedesk.domain import holds
from safedesk.domain.entries import (
    FIELDS,
    FieldSpec,
    Kind,
    StoredEntry,
    spec,
    stored_text,
    when_field,
)
from safedesk.domain.entry_validation import Lists, cross_field_problems, field_value
from safedesk.domain.errors import ValidationError
from safedesk.domain.text import LONG_TEXT_LIMIT, is_blank, text_problem


def _typed(field: FieldSpec | None, text: str | None) -> object:
    if text is None or field is None:
        return text
    if field.type == "datetime":
        return datetime.fromisoformat(text)
    if field.type == "bool":
        return text == "true"
    return text


def check_not_before_birth(kind: Kind, moment_text: str, entry: StoredEntry) -> None:
    moment = datetime.fromisoformat(moment_text)
    for pupil in entry.pupils:
        if moment.date() < date.fromisoformat(pupil.date_of_birth):
            raise ValidationError({when_field(kind): f"is before {pupil.name}'s date of birth"})


def validated_amendment(
    entry: StoredEntry,
    field: str,
    value: object,
    reason: str,
    lists: Lists,
    now: datetime,
) -> str | None:
    """The new value's stored text, or ValidationError naming every problem."""
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
    if field_spec.type == "holds" and (held := entry.current().get(field)):
        # Holds the school has retired since are still this record's: a correction may keep
        # them, but not add a retired hold the record did not have.
        try:
            kept = {h.hold for h in holds.from_text(held)}
        except (ValueError, KeyError, TypeError):
            kept = set()
        known = set(lists.get("restraint_types", set()))
        lists = {**lists, "restraint_types": known | kept}
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
