"""A pupil's chronology, for roles allowed to read every record in it (audited)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from safedesk.domain.chronology import (
    CASEWORK_LISTS_LABELS,
    ChronologyItem,
    ItemGroup,
    case_item,
    entry_items,
    in_order,
    notification_item,
)
from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import FIXED_LISTS, Kind, StoredEntry
from safedesk.domain.errors import NotFound, PermissionDenied
from safedesk.domain.people import Pupil, User
from safedesk.domain.roles import Permission
from safedesk.services import intake
from safedesk.services.session import Session
from safedesk.store import casework, entries, lists, pupils, school, users
from safedesk.store.audit import AuditHead
from safedesk.store.db import Connection

_BEHAVIOUR_GROUPS = frozenset({ItemGroup.BEHAVIOUR, ItemGroup.INTERVENTION, ItemGroup.AMENDMENT})


def allowed_groups(user: User) -> frozenset[ItemGroup]:
    """DSL and head see everything; a behaviour lead the behaviour-only chronology."""
    if user.can(Permission.CASEWORK) and user.can(Permission.READ_CONCERNS):
        return frozenset(ItemGroup)
    if user.can(Permission.READ_BEHAVIOUR):
        return _BEHAVIOUR_GROUPS
    return frozenset()


@dataclass(frozen=True)
class Chronology:
    school_name: str
    pupil: Pupil
    items: tuple[ChronologyItem, ...]
    groups: frozenset[ItemGroup]
    first_day: date | None
    last_day: date | None
    opened_by: str  # display name
    opened_at: datetime
    audit_head: AuditHead  # the chain's head once the opening was audited


def open_chronology(
    session: Session,
    upn: str,
    *,
    groups: Iterable[ItemGroup] | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    purpose: str = "opened",
) -> Chronology:
    """Every item of the groups asked for (default: all this user may read), in time order."""
    allowed = allowed_groups(session.user)
    wanted = allowed if groups is None else frozenset(groups)
    if not allowed or not wanted <= allowed:
        with session.store.write() as conn:
            session.audit(
                conn, "permission.refused", object_type="chronology", object_id=upn.upper()
            )
        raise PermissionDenied(
            f"Your account ({session.user.roles_label}) may not open this chronology: it "
            "holds records only the Designated Safeguarding Lead may read."
        )
    with session.store.read() as conn:
        found = pupils.by_upns(conn, [upn.strip().upper()])
        if not found:
            raise NotFound(f"There is no pupil with UPN {upn}.")
        pupil = next(iter(found.values()))
        names = users.display_names(conn)
        labels = _labels(conn)
        school_name = school.get(conn).name
    # Amendments come with the entries they amend, so only of the kinds asked for.
    kinds = [k for k in Kind if ItemGroup(k.value) in wanted]
    items: list[ChronologyItem] = []
    read: list[Compartment] = []
    needs_safeguarding = bool(
        wanted & {ItemGroup.CONCERN, ItemGroup.NOTIFICATION, ItemGroup.CASEWORK}
    )
    if any(KIND_COMPARTMENT[k] is Compartment.BEHAVIOUR for k in kinds):
        read.append(Compartment.BEHAVIOUR)
    if needs_safeguarding:
        read.insert(0, Compartment.SAFEGUARDING)
    for compartment in read:
        store = session.compartment(compartment, "open this chronology")
        intake.take_in_waiting(session, compartment)
        here = [k for k in kinds if KIND_COMPARTMENT[k] is compartment]
        with store.read() as conn:
            pupil_id = pupils.copy_ids(conn, [pupil.upn]).get(pupil.upn)
            if pupil_id is None:
                continue
            stored = entries.for_pupil(conn, pupil_id, here)
            items += [
                item
                for entry in stored
                for item in entry_items(entry, labels, names)
                if item.group in wanted
            ]
            if compartment is Compartment.SAFEGUARDING:
                items += _safeguarding_items(conn, pupil_id, stored, wanted, names)
    in_range = [i for i in items if _within(i.happened_at, first_day, last_day)]
    now = session.clock.now()
    detail = {
        "groups": sorted(g.value for g in wanted),
        "from": first_day.isoformat() if first_day else None,
        "to": last_day.isoformat() if last_day else None,
    }
    heads = []
    for compartment in read:
        with session.compartment(compartment).write() as conn:
            heads.append(
                session.audit(
                    conn,
                    f"chronology.{purpose}",
                    object_type="pupil",
                    object_id=pupil.upn,
                    detail=detail,
                )
            )
    head = heads[0] if heads else AuditHead(0, "0" * 64)
    return Chronology(
        school_name,
        pupil,
        tuple(in_order(in_range)),
        wanted,
        first_day,
        last_day,
        session.user.display_name,
        now,
        head,
    )


def _safeguarding_items(
    conn: Connection,
    pupil_id: int,
    stored: list[StoredEntry],
    wanted: frozenset[ItemGroup],
    names: dict[str, str],
) -> list[ChronologyItem]:
    """Police notifications and the casework on this pupil's cases."""
    items: list[ChronologyItem] = []
    case_refs = [e.ref for e in stored if e.kind is Kind.CONCERN]
    if ItemGroup.CASEWORK in wanted and ItemGroup.CONCERN not in wanted:
        case_refs = [e.ref for e in entries.for_pupil(conn, pupil_id, [Kind.CONCERN])]
    if ItemGroup.NOTIFICATION in wanted or ItemGroup.CASEWORK in wanted:
        for ref in casework.notification_refs_for_pupil(conn, pupil_id):
            case_refs.append(ref)
            note = casework.notification_by_ref(conn, ref)
            if note and ItemGroup.NOTIFICATION in wanted:
                items.append(
                    notification_item(
                        ref, note.author, note.recorded_at, note.values, note.pupils, names
                    )
                )
    if ItemGroup.CASEWORK in wanted:
        for ref, events in casework.timelines(conn, case_refs).items():
            items += [case_item(ref, event, names) for event in events]
    return items


def _labels(conn: Connection) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for item in lists.all_items(conn):
        found.setdefault(item.list_name, {})[item.value] = item.label
    for name, values in FIXED_LISTS.items():
        found[name] = dict(values)
    return found | {name: dict(values) for name, values in CASEWORK_LISTS_LABELS.items()}


def _within(moment: datetime, first_day: date | None, last_day: date | None) -> bool:
    day = moment.astimezone().date()
    return (first_day is None or day >= first_day) and (last_day is None or day <= last_day)
