"""Repository for casework: notifications, the acts on a case, and what the queue reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from safedesk.domain.casework import (
    ACT_FIELDS,
    NOTIFICATION_FIELDS,
    Act,
    ActType,
    CaseEvent,
    action_words,
    referral_words,
    review_words,
)
from safedesk.domain.clock import from_stored, to_stored
from safedesk.domain.entries import stored_text
from safedesk.store import ledger
from safedesk.store.db import Connection

ACT_TABLES = {
    ActType.ACKNOWLEDGE: "case_acknowledgement",
    ActType.TRIAGE: "case_triage",
    ActType.ACTION: "case_action",
    ActType.ACTION_DONE: "case_action_done",
    ActType.REFERRAL: "case_referral",
    ActType.REFERRAL_DECISION: "case_referral_decision",
    ActType.CONTACT: "case_contact",
    ActType.CLOSURE: "case_closure",
}
# Acts on an earlier act name it by number rather than by case.
_ON_ACT = {ActType.ACTION_DONE: "action_id", ActType.REFERRAL_DECISION: "referral_id"}

# A concern's urgency as it stands now: amendments count.
_CURRENT_URGENCY = (
    "coalesce((SELECT m.new_value FROM amendment m WHERE m.entry_id = e.id "
    "AND m.field = 'urgency' ORDER BY m.id DESC LIMIT 1), c.urgency)"
)


def _column(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return stored_text(value)


def insert_act(conn: Connection, case_ref: str, act: Act, *, author: str, at: datetime) -> int:
    columns = [s.name for s in ACT_FIELDS[act.type]]
    values = [_column(act.values.get(name)) for name in columns]
    if act.type not in _ON_ACT:
        columns.insert(0, "case_ref")
        values.insert(0, case_ref)
    columns += ["author", "at"]
    values += [author, to_stored(at)]
    marks = ", ".join("?" * len(columns))
    cursor = conn.execute(
        f"INSERT INTO {ACT_TABLES[act.type]} ({', '.join(columns)}) VALUES ({marks})", values
    )
    act_id = int(cursor.lastrowid)
    ledger.touched(conn, ACT_TABLES[act.type], [act_id])
    return act_id


def act_case_ref(conn: Connection, act_type: ActType, act_id: int) -> str | None:
    """The case an action or referral belongs to (to check an action_done names its case)."""
    table = {ActType.ACTION: "case_action", ActType.REFERRAL: "case_referral"}[act_type]
    row = conn.execute(f"SELECT case_ref FROM {table} WHERE id = ?", (act_id,)).fetchone()
    return str(row[0]) if row else None


def is_done(conn: Connection, act_type: ActType, act_id: int) -> bool:
    table, column = {
        ActType.ACTION_DONE: ("case_action_done", "action_id"),
        ActType.REFERRAL_DECISION: ("case_referral_decision", "referral_id"),
    }[act_type]
    row = conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (act_id,)).fetchone()
    return row is not None


def next_notification_ref(conn: Connection, year: int) -> str:
    prefix = f"E-{year}-"
    row = conn.execute(
        "SELECT max(CAST(substr(ref, ?) AS INTEGER)) FROM notification WHERE ref GLOB ?",
        (len(prefix) + 1, prefix + "*"),
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def insert_notification(
    conn: Connection,
    *,
    ref: str,
    author: str,
    recorded_at: datetime,
    values: dict[str, object],
    pupil_ids: Iterable[int],
) -> int:
    columns = [s.name for s in NOTIFICATION_FIELDS]
    cursor = conn.execute(
        f"INSERT INTO notification (ref, author, recorded_at, {', '.join(columns)}) "
        f"VALUES (?, ?, ?, {', '.join('?' * len(columns))})",
        (ref, author, to_stored(recorded_at), *[stored_text(values.get(c)) for c in columns]),
    )
    notification_id = int(cursor.lastrowid)
    ledger.touched(conn, "notification", [notification_id])
    ids = list(pupil_ids)
    conn.executemany(
        "INSERT INTO notification_pupil (notification_id, pupil_id) VALUES (?, ?)",
        [(notification_id, pupil_id) for pupil_id in ids],
    )
    for pupil_id in ids:
        ledger.touched(conn, "notification_pupil", [notification_id, pupil_id])
    return notification_id


@dataclass(frozen=True)
class CaseHead:
    """A case (concern or notification) and where it stands."""

    ref: str
    kind: str  # 'concern' or 'notification'
    author: str
    recorded_at: datetime
    received_at: datetime  # a notification's arrival; a concern's recording
    urgency: str  # a notification counts as urgent
    acknowledged_at: datetime | None
    triaged: bool
    closed: bool
    entry_id: int | None


_CASE_HEADS = f"""
SELECT e.ref, 'concern', e.author, e.recorded_at, e.recorded_at, {_CURRENT_URGENCY},
       a.at, EXISTS (SELECT 1 FROM case_triage t WHERE t.case_ref = e.ref),
       EXISTS (SELECT 1 FROM case_closure x WHERE x.case_ref = e.ref), e.id
FROM entry e JOIN concern c ON c.entry_id = e.id
LEFT JOIN case_acknowledgement a ON a.case_ref = e.ref
WHERE {{concern_where}}
UNION ALL
SELECT n.ref, 'notification', n.author, n.recorded_at, n.received_at, 'urgent',
       a.at, EXISTS (SELECT 1 FROM case_triage t WHERE t.case_ref = n.ref),
       EXISTS (SELECT 1 FROM case_closure x WHERE x.case_ref = n.ref), NULL
FROM notification n
LEFT JOIN case_acknowledgement a ON a.case_ref = n.ref
WHERE {{notification_where}}
"""


def _heads(rows: Iterable[tuple[object, ...]]) -> list[CaseHead]:
    return [
        CaseHead(
            ref=str(r[0]),
            kind=str(r[1]),
            author=str(r[2]),
            recorded_at=from_stored(str(r[3])),
            received_at=from_stored(str(r[4])),
            urgency=str(r[5]),
            acknowledged_at=from_stored(str(r[6])) if r[6] else None,
            triaged=bool(r[7]),
            closed=bool(r[8]),
            entry_id=int(r[9]) if r[9] is not None else None,  # type: ignore[call-overload]
        )
        for r in rows
    ]


def untriaged_cases(conn: Connection) -> list[CaseHead]:
    """Open cases without a decision yet: the first thing the queue shows."""
    waiting = (
        "NOT EXISTS (SELECT 1 FROM case_triage t WHERE t.case_ref = {ref}) "
        "AND NOT EXISTS (SELECT 1 FROM case_closure x WHERE x.case_ref = {ref})"
    )
    sql = _CASE_HEADS.format(
        # Only concerns have a concern row anyway; saying so first spares the two look-ups
        # for every behaviour and intervention record (most of a school's records).
        concern_where="e.kind = 'concern' AND " + waiting.format(ref="e.ref"),
        notification_where=waiting.format(ref="n.ref"),
    )
    return _heads(conn.execute(sql).fetchall())


def case_head(conn: Connection, ref: str) -> CaseHead | None:
    sql = _CASE_HEADS.format(concern_where="e.ref = ?1", notification_where="n.ref = ?1")
    found = _heads(conn.execute(sql, (ref,)).fetchall())
    return found[0] if found else None


@dataclass(frozen=True)
class ConcernTiming:
    """When a concern was recorded, acknowledged and first acted on (for the figures)."""

    ref: str
    urgency: str  # as it stands now: amendments count
    recorded_at: datetime
    acknowledged_at: datetime | None
    first_act_at: datetime | None  # the first act beyond acknowledgement


_FIRST_ACTS = ("case_triage", "case_action", "case_referral", "case_contact", "case_closure")
# '~' sorts after any stored time, so the smallest of the five is the first act (if any).
_FIRST_ACT = "nullif(min({}), '~')".format(
    ", ".join(
        f"ifnull((SELECT min(x.at) FROM {table} x WHERE x.case_ref = e.ref), '~')"
        for table in _FIRST_ACTS
    )
)


def concern_timings(conn: Connection, start: datetime, end: datetime) -> list[ConcernTiming]:
    """Concerns recorded in [start, end), each with its acknowledgement and first act."""
    rows = conn.execute(
        f"SELECT e.ref, {_CURRENT_URGENCY}, e.recorded_at, a.at, {_FIRST_ACT} "
        "FROM entry e JOIN concern c ON c.entry_id = e.id "
        "LEFT JOIN case_acknowledgement a ON a.case_ref = e.ref "
        "WHERE e.recorded_at >= ? AND e.recorded_at < ?",
        (to_stored(start), to_stored(end)),
    ).fetchall()
    return [
        ConcernTiming(
            ref,
            urgency,
            from_stored(recorded),
            from_stored(acknowledged) if acknowledged else None,
            from_stored(first) if first else None,
        )
        for ref, urgency, recorded, acknowledged, first in rows
    ]


@dataclass(frozen=True)
class OpenFollowUp:
    """An action, referral awaiting its decision, or review date on an open case."""

    type: str  # 'action', 'referral', 'review'
    id: int
    case_ref: str
    text: str
    started_at: datetime
    due_on: date | None  # an action's due date, a referral's decision date, a review date
    made_at: datetime | None = None  # a referral's


def open_follow_ups(conn: Connection) -> list[OpenFollowUp]:
    not_closed = "NOT EXISTS (SELECT 1 FROM case_closure x WHERE x.case_ref = {t}.case_ref)"
    found: list[OpenFollowUp] = []
    for row in conn.execute(
        "SELECT a.id, a.case_ref, a.description, a.at, a.due_on, a.owner FROM case_action a "
        "WHERE NOT EXISTS (SELECT 1 FROM case_action_done d WHERE d.action_id = a.id) AND "
        + not_closed.format(t="a")
    ):
        due_on = date.fromisoformat(row[4])
        text = action_words(row[2], row[5], due_on)
        found.append(OpenFollowUp("action", row[0], row[1], text, from_stored(row[3]), due_on))
    for row in conn.execute(
        "SELECT r.id, r.case_ref, r.agency, r.at, r.decision_due, r.made_at FROM case_referral r "
        "WHERE NOT EXISTS (SELECT 1 FROM case_referral_decision d WHERE d.referral_id = r.id) "
        "AND " + not_closed.format(t="r")
    ):
        decision_due = date.fromisoformat(row[4]) if row[4] else None
        made_at = from_stored(row[5])
        found.append(
            OpenFollowUp(
                "referral",
                row[0],
                row[1],
                referral_words(row[2], made_at, decision_due),
                from_stored(row[3]),
                decision_due,
                made_at,
            )
        )
    for row in conn.execute(
        "SELECT t.id, t.case_ref, t.at, t.review_on FROM case_triage t "
        "WHERE t.decision = 'monitor' "
        "AND t.id = (SELECT max(u.id) FROM case_triage u WHERE u.case_ref = t.case_ref) AND "
        + not_closed.format(t="t")
    ):
        review_on = date.fromisoformat(row[3])
        found.append(
            OpenFollowUp(
                "review", row[0], row[1], review_words(review_on), from_stored(row[2]), review_on
            )
        )
    return found


def urgencies(conn: Connection, refs: Iterable[str]) -> dict[str, str]:
    """Each case's current urgency (a notification counts as urgent)."""
    wanted = list(set(refs))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    found = {ref: "urgent" for ref in wanted if ref.startswith("E-")}
    for ref, urgency in conn.execute(
        f"SELECT e.ref, {_CURRENT_URGENCY} FROM entry e JOIN concern c ON c.entry_id = e.id "
        f"WHERE e.ref IN ({marks})",
        wanted,
    ):
        found[ref] = urgency
    return found


def case_pupils(conn: Connection, refs: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """(UPN, name) of the pupils on each case."""
    wanted = list(set(refs))
    found: dict[str, list[tuple[str, str]]] = {ref: [] for ref in wanted}
    if not wanted:
        return found
    marks = ",".join("?" * len(wanted))
    name = "coalesce(p.preferred_forename, p.legal_forename) || ' ' || p.legal_surname"
    rows = conn.execute(
        f"SELECT e.ref, p.upn, {name} FROM entry e JOIN entry_pupil ep ON ep.entry_id = e.id "
        f"JOIN pupil p ON p.id = ep.pupil_id WHERE e.ref IN ({marks}) "
        f"UNION ALL SELECT n.ref, p.upn, {name} FROM notification n "
        "JOIN notification_pupil np ON np.notification_id = n.id "
        f"JOIN pupil p ON p.id = np.pupil_id WHERE n.ref IN ({marks}) ORDER BY 1, 3",
        wanted + wanted,
    )
    for ref, upn, pupil_name in rows:
        found[ref].append((upn, pupil_name))
    return found


def timeline(conn: Connection, case_ref: str) -> list[CaseEvent]:
    """Every act on a case in the order it was recorded."""
    return timelines(conn, [case_ref])[case_ref]


_ACT_ORDER = {act_type: index for index, act_type in enumerate(ACT_TABLES)}


def timelines(conn: Connection, case_refs: Iterable[str]) -> dict[str, list[CaseEvent]]:
    """Each case's timeline (as :func:`timeline`), one query per kind of act for them all."""
    found: dict[str, list[CaseEvent]] = {ref: [] for ref in case_refs}
    if not found:
        return found
    wanted = list(found)
    marks = ",".join("?" * len(wanted))
    for act_type, table in ACT_TABLES.items():
        columns = [s.name for s in ACT_FIELDS[act_type]]
        select = ", ".join(["t.id", "t.author", "t.at", *(f"t.{c}" for c in columns)])
        if act_type in _ON_ACT:
            parent = "case_action" if act_type is ActType.ACTION_DONE else "case_referral"
            sql = (
                f"SELECT p.case_ref, {select} FROM {table} t "
                f"JOIN {parent} p ON p.id = t.{_ON_ACT[act_type]} WHERE p.case_ref IN ({marks})"
            )
        else:
            sql = f"SELECT t.case_ref, {select} FROM {table} t WHERE t.case_ref IN ({marks})"
        for row in conn.execute(sql, wanted):
            values = {
                name: (None if value is None else str(value))
                for name, value in zip(columns, row[4:], strict=True)
            }
            found[row[0]].append(CaseEvent(act_type, row[1], row[2], from_stored(row[3]), values))
    for events in found.values():
        events.sort(key=lambda e: (e.at, _ACT_ORDER[e.type], e.id))
    return found


@dataclass(frozen=True)
class StoredNotification:
    ref: str
    author: str
    recorded_at: datetime
    values: dict[str, str | None]
    pupils: tuple[tuple[str, str], ...]


def notification_by_ref(conn: Connection, ref: str) -> StoredNotification | None:
    columns = [s.name for s in NOTIFICATION_FIELDS]
    row = conn.execute(
        f"SELECT ref, author, recorded_at, {', '.join(columns)} FROM notification WHERE ref = ?",
        (ref,),
    ).fetchone()
    if row is None:
        return None
    pupils = case_pupils(conn, [ref])[ref]
    return StoredNotification(
        row[0],
        row[1],
        from_stored(row[2]),
        dict(zip(columns, row[3:], strict=True)),
        tuple(pupils),
    )


def notification_refs_for_pupil(conn: Connection, pupil_id: int) -> list[str]:
    return [
        str(row[0])
        for row in conn.execute(
            "SELECT n.ref FROM notification n JOIN notification_pupil np "
            "ON np.notification_id = n.id WHERE np.pupil_id = ? ORDER BY n.id",
            (pupil_id,),
        )
    ]
