"""Controlled lists: read by every form, edited only by an administrator."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from safedesk.domain.entries import FIXED_LISTS
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.roles import Permission
from safedesk.domain.text import SHORT_TEXT_LIMIT, is_blank, text_problem
from safedesk.services.session import Session
from safedesk.store import lists
from safedesk.store.db import Connection

_VALUE = re.compile(r"^[a-z0-9_]{1,40}$")
VALUE_LIMIT = 40
_CHANGE = "change the school's lists"
_FIXED = "{} is fixed: safedesk's rules depend on it"


@dataclass(frozen=True)
class ListValue:
    """One value of a list as an administrator sees it, retired ones included."""

    value: str
    label: str
    active: bool


def is_fixed(list_name: str) -> bool:
    """Fixed lists live in code because safedesk's rules depend on them."""
    return list_name in FIXED_LISTS


def suggest_value(label: str) -> str:
    """The stored value for a label: lower_snake_case ASCII, at most 40 characters."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    snake = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    return snake[:VALUE_LIMIT].rstrip("_")


def choices(session: Session, *, include_retired: bool = False) -> dict[str, list[tuple[str, str]]]:
    """Every list as (value, label) pairs in display order; fixed lists included."""
    with session.store.read() as conn:
        items = lists.all_items(conn)
    found: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        if item.active or include_retired:
            found.setdefault(item.list_name, []).append((item.value, item.label))
    found.update({name: list(values) for name, values in FIXED_LISTS.items()})
    return found


def values_by_list(session: Session) -> dict[str, list[ListValue]]:
    """Every list with every value, retired ones marked, in display order."""
    with session.store.read() as conn:
        items = lists.all_items(conn)
    found: dict[str, list[ListValue]] = {}
    for item in items:
        found.setdefault(item.list_name, []).append(ListValue(item.value, item.label, item.active))
    for name, values in FIXED_LISTS.items():
        found[name] = [ListValue(value, label, True) for value, label in values]
    return found


def active_values(conn: Connection) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {n: {v for v, _ in vals} for n, vals in FIXED_LISTS.items()}
    for item in lists.all_items(conn):
        if item.active:
            found.setdefault(item.list_name, set()).add(item.value)
    return found


def add_value(session: Session, list_name: str, value: str, label: str) -> None:
    session.require(Permission.LISTS_MANAGE, _CHANGE)
    problems: dict[str, str] = {}
    if is_fixed(list_name):
        problems["list"] = _FIXED.format(list_name)
    if not _VALUE.match(value):
        problems["value"] = "must be 1–40 lower-case letters, digits or underscores"
    if is_blank(label):
        problems["label"] = "is required"
    elif reason := text_problem(label, limit=SHORT_TEXT_LIMIT):
        problems["label"] = reason
    if problems:
        raise ValidationError(problems)
    with session.store.write() as conn:
        existing = _find(conn, list_name, value)
        if existing is not None:
            retired = "" if existing.active else " (retired: restore it instead)"
            raise ValidationError({"value": f"{value!r} is already in {list_name}{retired}"})
        lists.add(conn, list_name, value, label.strip())
        session.audit(conn, "list.value_added", object_id=f"{list_name}:{value}")


def retire_value(session: Session, list_name: str, value: str) -> None:
    """Hide a value from new records; old records keep it."""
    _set_active(session, list_name, value, active=False)


def restore_value(session: Session, list_name: str, value: str) -> None:
    """Offer a retired value on new records again."""
    _set_active(session, list_name, value, active=True)


def _set_active(session: Session, list_name: str, value: str, *, active: bool) -> None:
    session.require(Permission.LISTS_MANAGE, _CHANGE)
    if is_fixed(list_name):
        raise ValidationError({"list": _FIXED.format(list_name)})
    with session.store.write() as conn:
        item = _find(conn, list_name, value)
        if item is None:
            raise NotFound(f"{list_name} has no value {value!r}.")
        if item.active == active:
            state = "in use" if active else "retired"
            raise ValidationError({"value": f"{value!r} in {list_name} is already {state}"})
        lists.set_active(conn, list_name, value, active)
        action = "list.value_restored" if active else "list.value_retired"
        session.audit(conn, action, object_id=f"{list_name}:{value}")


def _find(conn: Connection, list_name: str, value: str) -> lists.ListItem | None:
    """The stored value, or None; NotFound when there is no such list at all."""
    items = [i for i in lists.all_items(conn) if i.list_name == list_name]
    if not items:
        raise NotFound(f"There is no list called {list_name!r}.")
    return next((i for i in items if i.value == value), None)
