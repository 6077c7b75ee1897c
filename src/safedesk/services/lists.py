"""Controlled lists: read by every form, edited only by an administrator."""

from __future__ import annotations

import re

from safedesk.domain.entries import FIXED_LISTS
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.roles import Permission
from safedesk.domain.text import SHORT_TEXT_LIMIT, is_blank, text_problem
from safedesk.services.session import Session
from safedesk.store import lists
from safedesk.store.db import Connection

_VALUE = re.compile(r"^[a-z0-9_]{1,40}$")


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


def active_values(conn: Connection) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {n: {v for v, _ in vals} for n, vals in FIXED_LISTS.items()}
    for item in lists.all_items(conn):
        if item.active:
            found.setdefault(item.list_name, set()).add(item.value)
    return found


def add_value(session: Session, list_name: str, value: str, label: str) -> None:
    session.require(Permission.LISTS_MANAGE, "change the school's lists")
    problems: dict[str, str] = {}
    if list_name in FIXED_LISTS:
        problems["list"] = f"{list_name} is fixed: safedesk's rules depend on it"
    if not _VALUE.match(value):
        problems["value"] = "must be 1–40 lower-case letters, digits or underscores"
    if is_blank(label):
        problems["label"] = "is required"
    elif reason := text_problem(label, limit=SHORT_TEXT_LIMIT):
        problems["label"] = reason
    if problems:
        raise ValidationError(problems)
    with session.store.write() as conn:
        known = {i.list_name for i in lists.all_items(conn)}
        if list_name not in known:
            raise NotFound(f"There is no list called {list_name!r}.")
        if any(i.list_name == list_name and i.value == value for i in lists.all_items(conn)):
            raise ValidationError({"value": f"{value!r} is already in {list_name}"})
        lists.add(conn, list_name, value, label.strip())
        session.audit(conn, "list.value_added", object_id=f"{list_name}:{value}")


def retire_value(session: Session, list_name: str, value: str) -> None:
    """Hide a value from new records; old records keep it."""
    session.require(Permission.LISTS_MANAGE, "change the school's lists")
    with session.store.write() as conn:
        if not lists.set_active(conn, list_name, value, False):
            raise NotFound(f"{list_name} has no value {value!r}.")
        session.audit(conn, "list.value_retired", object_id=f"{list_name}:{value}")
