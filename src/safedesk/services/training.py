"""The staff training log: DSLs, the headteacher and the administrator add entries for anyone
and see them all; every account sees its own and confirms them, alone, with its own key.

An entry is never changed: a mistake is corrected by a new entry that replaces it, with the
reason. A confirmation counts only when its signature checks out (services.confirmations);
one that does not is shown as such and counts as not confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from safedesk.domain.calendar import SchoolCalendar
from safedesk.domain.clock import to_stored
from safedesk.domain.entries import Urgency
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.formatting import counted
from safedesk.domain.local_time import to_local, zone
from safedesk.domain.people import User
from safedesk.domain.queue import ItemKind, QueueItem
from safedesk.domain.roles import Permission, Role, is_staff
from safedesk.domain.training import (
    DUE_SOON_DAYS,
    PURPOSE,
    Confirmation,
    Course,
    Standing,
    TrainingEntry,
    current_only,
    default_expiry,
    standing,
    validate_reason,
    validate_training,
)
from safedesk.services import confirmations, genuine_accounts
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import training, users
from safedesk.store.db import Connection

_MANAGING = "record training for other members of staff"
_SEEING = "see other members of staff's training"
_CONFIRMING = "confirm training recorded for someone else"
QUEUE_REF = "Training"  # the queue's reference for a training item (there is no case)


@dataclass(frozen=True)
class EntryView:
    """An entry as people read it."""

    entry: TrainingEntry
    display_name: str
    confirmed_at: datetime | None  # the first confirmation that checks out
    # a confirmation row is there but does not check out (so it counts as not confirmed)
    confirmation_fails: bool
    replaced_by: int | None
    # the password reset by someone else the confirming key descends from (None: none): an
    # administrator who resets a password can act as that person until they choose their own
    reset: confirmations.Reset | None = None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def confirmed_after_reset(self) -> bool:
        return self.reset is not None


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    active: bool


def may_manage(session: Session) -> bool:
    return session.user.can(Permission.TRAINING_MANAGE)


def today(session: Session) -> date:
    return to_local(session.clock.now()).date()


def people(session: Session) -> list[Person]:
    """Every account, for the picker (managers) - or only this one."""
    with session.store.read() as conn:
        found = _accounts(conn)
    if not may_manage(session):
        found = [u for u in found if u.username == session.user.username]
    return sorted(
        (Person(u.username, u.display_name, u.active) for u in found),
        key=lambda p: (not p.active, p.display_name.casefold()),
    )


def _accounts(conn: Connection) -> list[User]:
    """Accounts with the state the program gave them (one re-enabled behind its back is
    still disabled)."""
    found, _tampered = genuine_accounts.as_written(conn)
    return found


def add_entry(session: Session, payload: Mapping[str, Any]) -> int:
    """Record training (fields who, course, course_text, provider, on, expires). Returns its
    number."""
    session.require(Permission.TRAINING_MANAGE, _MANAGING)
    return _write(session, payload)


def correct_entry(session: Session, entry_id: int, payload: Mapping[str, Any], reason: str) -> int:
    """A new entry that replaces ``entry_id``, with the reason. Returns the new number."""
    session.require(Permission.TRAINING_MANAGE, _MANAGING)
    why = validate_reason(reason)
    with session.store.read() as conn:
        old = training.entry(conn, entry_id)
        later = training.replaced_by(conn, entry_id)
    if old is None:
        raise NotFound(f"There is no training entry {entry_id}.")
    if later is not None:
        raise ValidationError({"Training": f"entry {entry_id} was already replaced by {later}"})
    return _write(session, payload, replaces=entry_id, reason=why)


def _write(
    session: Session,
    payload: Mapping[str, Any],
    *,
    replaces: int | None = None,
    reason: str | None = None,
) -> int:
    settings = get_settings(session)
    now = session.clock.now()
    with session.store.write() as conn:
        accounts = {u.username: u.active for u in _accounts(conn)}
        entry = validate_training(payload, today=to_local(now).date(), accounts=accounts)
        expires = entry.expires_on or default_expiry(
            entry.course,
            entry.taken_on,
            dsl_months=settings.dsl_training_months,
            update_months=settings.staff_update_months,
        )
        row_id = training.insert(
            conn,
            entry,
            expires_on=expires,
            added_by=session.user.username,
            at=now,
            replaces=replaces,
            reason=reason,
        )
        detail: dict[str, Any] = {"entry": row_id, "who": entry.who, "course": entry.course.value}
        if replaces is not None:
            detail["replaces"] = replaces
        session.audit(
            conn,
            "training.corrected" if replaces else "training.added",
            object_type="training",
            object_id=str(row_id),
            detail=detail,
        )
    return row_id


def _signed(entry: TrainingEntry, username: str, at: str) -> dict[str, Any]:
    return {**entry.payload(), "confirmed_by": username, "confirmed_at": at}


def confirm(session: Session, entry_id: int) -> datetime:
    """The member of staff the entry names confirms it, with their own key. Returns when."""
    with session.store.read() as conn:
        entry = training.entry(conn, entry_id)
        later = training.replaced_by(conn, entry_id)
        active = {u.username: u.active for u in _accounts(conn)}
    if entry is None:
        raise NotFound(f"There is no training entry {entry_id}.")
    me = session.user.username
    if entry.who != me:
        session.refuse(_CONFIRMING, entry=str(entry_id))
    if not active.get(me, False):
        session.refuse("confirm training: this account has been disabled", entry=str(entry_id))
    if later is not None:
        raise ValidationError(
            {"Training": f"entry {entry_id} was replaced by {later}: confirm that one instead"}
        )
    if _view(session, [entry])[0].confirmed:
        raise ValidationError({"Training": f"you have already confirmed entry {entry_id}"})
    now = session.clock.now()
    if now < entry.added_at:
        raise ValidationError(
            {
                "Training": "this computer's clock says it is before the entry was added: "
                "check its date and time"
            }
        )
    at = to_stored(now)
    signature = confirmations.sign_confirmation(session, PURPOSE, _signed(entry, me, at))
    with session.store.write() as conn:
        row_id = training.confirm(conn, entry_id, me, now, signature)
        session.audit(
            conn,
            "training.confirmed",
            object_type="training",
            object_id=str(entry_id),
            detail={"confirmation": row_id},
        )
    return now


def _view(session: Session, entries: list[TrainingEntry]) -> list[EntryView]:
    """Each entry with whether a confirmation of it counts (services.confirmations.Checker:
    the same answer for whoever looks)."""
    with session.store.read() as conn:
        names = users.display_names(conn)
        found = training.confirmations(conn)
        everything = training.entries(conn)
        checker = confirmations.Checker(conn, "training_confirmation", session.store_id or None)
        by_entry: dict[int, list[Confirmation]] = {}
        for item in found:
            by_entry.setdefault(item.entry_id, []).append(item)
        replaced = {e.replaces: e.id for e in everything if e.replaces is not None}
        views = []
        for entry in entries:
            confirmed_at: datetime | None = None
            reset: confirmations.Reset | None = None
            fails = False
            for item in by_entry.get(entry.id, []):
                verdict = checker.check(
                    item.id,
                    entry.who,
                    PURPOSE,
                    _signed(entry, item.username, to_stored(item.at)),
                    item.signature,
                    at=item.at,
                    earliest=entry.added_at,
                )
                holds = item.username == entry.who and verdict.holds
                if holds and confirmed_at is None:
                    confirmed_at, reset = item.at, verdict.reset
                fails = fails or not holds
            views.append(
                EntryView(
                    entry,
                    names.get(entry.who, entry.who),
                    confirmed_at,
                    fails and confirmed_at is None,
                    replaced.get(entry.id),
                    reset,
                )
            )
    return views


def list_entries(
    session: Session, who: str | None = None, *, with_replaced: bool = False
) -> list[EntryView]:
    """Entries, newest taken first: a manager's of everyone (or ``who``), anyone else's own."""
    me = session.user.username
    if not may_manage(session):
        if who is not None and who != me:
            session.refuse(_SEEING, permission=Permission.TRAINING_MANAGE.value)
        who = me
    with session.store.read() as conn:
        found = training.entries(conn, who)
    if not with_replaced:
        found = current_only(found)
    found.sort(key=lambda e: (e.taken_on, e.id), reverse=True)
    return _view(session, found)


def waiting_for_me(session: Session) -> int:
    """How many of this account's entries wait for its confirmation."""
    mine = list_entries(session, session.user.username)
    return sum(1 for view in mine if not view.confirmed)


def standings(session: Session, on: date | None = None) -> list[Standing]:
    """Managers: each DSL's (and the head's) DSL training, and every active member of staff's
    whole-staff update, as they stand ``on`` (today)."""
    session.require(Permission.TRAINING_MANAGE, _SEEING)
    day = on or today(session)
    with session.store.read() as conn:
        # members of staff only: a chair of governors is not asked for staff training
        accounts = [u for u in _accounts(conn) if u.active and is_staff(u.roles)]
        current = current_only(training.entries(conn))
    found = []
    for user in sorted(accounts, key=lambda u: u.display_name.casefold()):
        if user.roles & {Role.DSL, Role.HEAD}:
            found.append(standing(user.username, user.display_name, Course.DSL, current, day))
        found.append(standing(user.username, user.display_name, Course.STAFF_UPDATE, current, day))
    return found


def due(session: Session, on: date | None = None) -> list[Standing]:
    """The Due or out of date view: DSL training out of date or running out within 30 days;
    the whole-staff update out of date."""
    return [
        s
        for s in standings(session, on)
        if s.out_of_date or (s.course is Course.DSL and s.due_soon)
    ]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone()).astimezone()


def queue_items(session: Session, calendar: SchoolCalendar) -> list[QueueItem]:
    """The DSL's and the head's queue: each DSL whose training is out of date or due within
    30 days (or never recorded), and one item for the staff whose update is out of date -
    once the school has begun its training log."""
    del calendar  # training falls due on calendar days, not school days
    if not may_manage(session) or not session.user.can(Permission.CASEWORK):
        return []
    with session.store.read() as conn:
        if not training.entries(conn):
            # Until the school records its first training, the log is not in use: the Training
            # page says what is due, and the queue is not filled with "none recorded".
            return []
    now = session.clock.now()
    found = due(session)
    with session.store.read() as conn:
        ids = {u.username: u.id for u in users.all_users(conn)}
    items = []
    for item in (s for s in found if s.course is Course.DSL):
        if item.expires_on is None:
            started = due_at = now
        else:
            due_at = _start_of(item.expires_on)
            started = min(due_at - timedelta(days=DUE_SOON_DAYS), now)
        items.append(
            QueueItem(
                QUEUE_REF,
                ItemKind.TRAINING_DUE,
                ids.get(item.username),
                f"{item.display_name}: {item.words}",
                (),
                Urgency.ROUTINE,
                started,
                due_at,
            )
        )
    late = [s for s in found if s.course is Course.STAFF_UPDATE]
    if late:
        expiries = [s.expires_on for s in late if s.expires_on is not None]
        due_at = _start_of(min(expiries)) if expiries else now
        items.append(
            QueueItem(
                QUEUE_REF,
                ItemKind.TRAINING_DUE,
                0,
                f"{counted(len(late), 'member of staff', 'staff')} "
                f"{'is' if len(late) == 1 else 'are'} due their annual safeguarding update",
                (),
                Urgency.ROUTINE,
                due_at,
                due_at,
            )
        )
    return items
