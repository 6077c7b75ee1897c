"""The row ledger: every row of record content has the hash of its canonical form in an audit
event of the same file, so `verify` finds a row changed, added, removed or reordered behind
the program's back, whatever trigger or pragma made it possible.

A row's canonical form is its table, its primary key, the file's schema version and each
column's SQLite type and value (NULL distinct from '', blobs in base64). Repositories call
:func:`touched` for each row they write; the rows touched in a transaction are hashed (as they
stand at the end) into the next audit event written on that connection, or into a
``rows.written`` event just before the transaction commits (see ``flush``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from safedesk.store.db import Connection

INSERT, UPDATE, DELETE = "insert", "update", "delete"

# Tables whose every row is evidence, with their primary key columns; in whichever files
# have them. (Configuration - settings, lists, the calendar - is audited by its own events.)
LEDGER: dict[str, tuple[str, ...]] = {
    # school
    "user": ("id",),
    "user_role": ("user_id", "role"),
    "inbox_item": ("id",),  # sealed, but a waiting item removed must show
    # school's configuration: what every chronology and time-to-action rests on
    "setting": ("key",),
    "list_item": ("list_name", "value"),
    "school_term": ("first_day",),
    "closure_day": ("day",),
    # safeguarding and behaviour
    "entry": ("id",),
    "entry_pupil": ("entry_id", "pupil_id"),
    "concern": ("entry_id",),
    "behaviour_incident": ("entry_id",),
    "physical_intervention": ("entry_id",),
    "amendment": ("id",),
    "entry_status": ("id",),
    "pupil": ("id",),
    "member": ("username",),
    "authority": ("username",),
    "key_epoch": ("epoch",),
    "notification": ("id",),
    "notification_pupil": ("notification_id", "pupil_id"),
    "case_acknowledgement": ("id",),
    "case_triage": ("id",),
    "case_action": ("id",),
    "case_action_done": ("id",),
    "case_referral": ("id",),
    "case_referral_decision": ("id",),
    "case_contact": ("id",),
    "case_closure": ("id",),
    "pupil_transfer": ("id",),
    "pupil_transfer_receipt": ("id",),
    # behaviour: the behaviour lead's or a leader's review and sign-off of a record
    "behaviour_review": ("id",),
    # safeguarding: a pupil's safeguarding status (child protection plan, …) set by the DSL
    "pupil_status": ("id",),
    # behaviour: since when a field added by an upgrade is required on new records
    "field_required_from": ("field",),
    # behaviour: targets set by the behaviour lead or the head (versions), and their retirement
    "behaviour_target": ("id",),
    "behaviour_target_retired": ("id",),
    # school: the staff training log and each member's signed confirmation of an entry
    "training_entry": ("id",),
    "training_confirmation": ("id",),
    # school: policy versions staff read, and their signed confirmations
    "policy_version": ("id",),
    "policy_confirmation": ("id",),
    # safeguarding and behaviour: a record's attachments (their bytes are in the row's hash)
    "attachment": ("id",),
    # safeguarding (RA-) and behaviour (BP-): a pupil's risk assessment, every version
    "risk_assessment": ("id",),
    # safeguarding and behaviour: retention rules, holds and disposals (the head's); a
    # `disposing` row lives only inside a disposal's transaction, so one left behind shows
    "retention_rule": ("id",),
    "retention_hold": ("id",),
    "retention_hold_lifted": ("id",),
    "disposal": ("id",),
    "disposing": ("entry_id",),
    # school: a notice sealed to a disposed record's author (the head's; its owner removes it)
    "disposal_notice": ("id",),
    # allegations and allegations_head: allegations about staff, their events, low-level concerns
    "allegation": ("id",),
    "allegation_event": ("id",),
    "low_level_concern": ("id",),
    # allegations and allegations_head (schema 2): a low-level concern's corrections, and an
    # allegation's outcome corrected
    "low_level_amendment": ("id",),
    "allegation_outcome_correction": ("id",),
}
# Record content: written once, never changed or removed (corrections are amendments). Only
# an upgrade of the file's schema may hash such a row again, unchanged, at the new version.
APPEND_ONLY = frozenset(
    {
        "entry",
        "entry_pupil",
        "concern",
        "behaviour_incident",
        "physical_intervention",
        "amendment",
        "entry_status",
        "notification",
        "notification_pupil",
        "case_acknowledgement",
        "case_triage",
        "case_action",
        "case_action_done",
        "case_referral",
        "case_referral_decision",
        "case_contact",
        "case_closure",
        "pupil_transfer",
        "pupil_transfer_receipt",
        "behaviour_review",
        "pupil_status",
        "field_required_from",
        "behaviour_target",
        "behaviour_target_retired",
        "training_entry",
        "training_confirmation",
        "policy_version",
        "policy_confirmation",
        "attachment",
        "risk_assessment",
        "allegation",
        "allegation_event",
        "low_level_concern",
        "low_level_amendment",
        "allegation_outcome_correction",
        "retention_rule",
        "retention_hold",
        "retention_hold_lifted",
        "disposal",
    }
)
# Record content that an authorised disposal (and nothing else) removes: `verify` accepts its
# removal only in the disposal's own audit event, for rows written under the disposed reference.
DISPOSABLE = frozenset(
    {
        "entry",
        "entry_pupil",
        "concern",
        "behaviour_incident",
        "physical_intervention",
        "amendment",
        "entry_status",
        "case_acknowledgement",
        "case_triage",
        "case_action",
        "case_action_done",
        "case_referral",
        "case_referral_decision",
        "case_contact",
        "case_closure",
        "behaviour_review",
        "attachment",
    }
)
# (`pupil` is in both: the school's MIS data, corrected by each import, and each
# compartment's copy of the pupils its records name.)
SCHOOL_ONLY = frozenset(
    {"user", "user_role", "inbox_item", "setting", "list_item", "school_term", "closure_day"}
    | {"training_entry", "training_confirmation"}
    | {"policy_version", "policy_confirmation"}
    | {"disposal_notice"}
)

_pending: dict[int, dict[tuple[str, str], str]] = {}


def _key(pk: Sequence[object]) -> str:
    return json.dumps(list(pk), separators=(",", ":"))


def touched(conn: Connection, table: str, pk: Sequence[object], op: str = INSERT) -> None:
    """Note a row this transaction wrote (or deleted): hashed when the next event is made."""
    if table not in LEDGER:
        raise ValueError(f"{table} is not a ledger table")
    rows = _pending.setdefault(id(conn), {})
    key = (table, _key(pk))
    # A row inserted and deleted in one transaction leaves nothing behind: nothing to note.
    if op == DELETE and rows.get(key) == INSERT:
        del rows[key]
    else:
        rows[key] = INSERT if rows.get(key) == INSERT and op == UPDATE else op


def discard(conn: Connection) -> None:
    """The transaction rolled back: what it touched is gone."""
    _pending.pop(id(conn), None)


def take(conn: Connection) -> list[list[object]]:
    """[table, pk, op, hash, reference] for each row touched since the last event (and forget
    them). The reference (C-2026-0042, a username…) names the row when it is reported."""
    rows = _pending.pop(id(conn), {})
    here = set(tables_here(conn))
    version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
    taken: list[list[object]] = []
    for (table, pk_text), op in sorted(rows.items()):
        if table not in here:
            continue  # noted on a connection since closed, whose id this one reuses
        pk = json.loads(pk_text)
        digest = None if op == DELETE else row_hash(conn, table, pk, version)
        taken.append([table, pk, op, digest, reference(conn, table, pk)])
    return taken


# How to name the record a row belongs to: SQL giving a reference from the primary key.
_REFERENCE = {
    "user": "SELECT username FROM main.user WHERE id = ?",
    "user_role": "SELECT username || ' (' || ? || ')' FROM main.user WHERE id = ?",
    "entry": "SELECT ref FROM main.entry WHERE id = ?",
    "entry_pupil": "SELECT ref FROM main.entry WHERE id = ?",
    "concern": "SELECT ref FROM main.entry WHERE id = ?",
    "behaviour_incident": "SELECT ref FROM main.entry WHERE id = ?",
    "physical_intervention": "SELECT ref FROM main.entry WHERE id = ?",
    "amendment": "SELECT e.ref FROM main.amendment a JOIN main.entry e ON e.id = a.entry_id "
    "WHERE a.id = ?",
    "entry_status": "SELECT e.ref FROM main.entry_status s JOIN main.entry e "
    "ON e.id = s.entry_id WHERE s.id = ?",
    "pupil": "SELECT upn FROM main.pupil WHERE id = ?",
    "notification": "SELECT ref FROM main.notification WHERE id = ?",
    "notification_pupil": "SELECT ref FROM main.notification WHERE id = ?",
    "case_action_done": "SELECT a.case_ref FROM main.case_action_done d JOIN main.case_action a "
    "ON a.id = d.action_id WHERE d.id = ?",
    "case_referral_decision": "SELECT r.case_ref FROM main.case_referral_decision d "
    "JOIN main.case_referral r ON r.id = d.referral_id WHERE d.id = ?",
    "pupil_transfer": "SELECT ref FROM main.pupil_transfer WHERE id = ?",
    "pupil_transfer_receipt": "SELECT t.ref FROM main.pupil_transfer_receipt r "
    "JOIN main.pupil_transfer t ON t.id = r.transfer_id WHERE r.id = ?",
    "behaviour_review": "SELECT entry_ref FROM main.behaviour_review WHERE id = ?",
    "risk_assessment": "SELECT ref || ' version ' || version FROM main.risk_assessment "
    "WHERE id = ?",
    "training_entry": "SELECT 'training ' || id || ' (' || who || ')' FROM main.training_entry "
    "WHERE id = ?",
    "training_confirmation": "SELECT 'training ' || entry_id || ' (' || username || ')' "
    "FROM main.training_confirmation WHERE id = ?",
    "attachment": "SELECT e.ref FROM main.attachment a JOIN main.entry e ON e.id = a.entry_id "
    "WHERE a.id = ?",
    "disposal": "SELECT ref FROM main.disposal WHERE id = ?",
    "disposing": "SELECT ref FROM main.entry WHERE id = ?",
    "retention_hold": "SELECT coalesce(h.ref, p.upn) FROM main.retention_hold h "
    "LEFT JOIN main.pupil p ON p.id = h.pupil_id WHERE h.id = ?",
    "pupil_status": "SELECT p.upn FROM main.pupil_status s JOIN main.pupil p ON p.id = s.pupil_id "
    "WHERE s.id = ?",
    "policy_version": "SELECT title || ', version ' || version FROM main.policy_version "
    "WHERE id = ?",
    "policy_confirmation": "SELECT username FROM main.policy_confirmation WHERE id = ?",
}


def reference(conn: Connection, table: str, pk: Sequence[Any]) -> str:
    """The record a row belongs to, as people name it (empty when it cannot be told)."""
    sql = _REFERENCE.get(table)
    params: list[Any] = [pk[0]]
    if sql is None and table.startswith("case_"):
        sql = f"SELECT case_ref FROM main.{table} WHERE id = ?"
    if table == "user_role":
        params = [pk[1], pk[0]]
    if sql is None:
        return str(pk[0])  # member, authority, key_epoch: the key is the name
    row = conn.execute(sql, params).fetchone()
    return "" if row is None else str(row[0])


def pending(conn: Connection) -> bool:
    return bool(_pending.get(id(conn)))


def _value(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def canonical_row(
    table: str, pk: Sequence[object], version: int, columns: Sequence[tuple[str, str, Any]]
) -> bytes:
    return json.dumps(
        ["safedesk-row/1", table, list(pk), version, [[c, t, _value(v)] for c, t, v in columns]],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _columns(conn: Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]


def row_hash(conn: Connection, table: str, pk: Sequence[object], version: int) -> str | None:
    """The hash of one row as it stands (None when there is no such row)."""
    columns = _columns(conn, table)
    keys = LEDGER[table]
    select = ", ".join(f"{c}, typeof({c})" for c in columns)
    where = " AND ".join(f"{k} = ?" for k in keys)
    row = conn.execute(f"SELECT {select} FROM main.{table} WHERE {where}", list(pk)).fetchone()
    if row is None:
        return None
    typed = [(c, row[2 * i + 1], row[2 * i]) for i, c in enumerate(columns)]
    return hashlib.sha256(canonical_row(table, pk, version, typed)).hexdigest()


def tables_here(conn: Connection) -> list[str]:
    found = {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type='table'")}
    is_school = "school" in found
    return [t for t in LEDGER if t in found and (t not in SCHOOL_ONLY or is_school)]


def current_rows(
    conn: Connection, only: frozenset[str] | None = None
) -> dict[tuple[str, str], str]:
    """Every ledger row of this file (of the tables ``only`` names) with its hash, as it
    stands."""
    version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
    found: dict[tuple[str, str], str] = {}
    for table in tables_here(conn):
        if only is not None and table not in only:
            continue
        keys = LEDGER[table]
        columns = _columns(conn, table)
        select = ", ".join(f"{c}, typeof({c})" for c in columns)
        for row in conn.execute(f"SELECT {select} FROM main.{table}"):
            values = {c: row[2 * i] for i, c in enumerate(columns)}
            pk = [values[k] for k in keys]
            typed = [(c, row[2 * i + 1], row[2 * i]) for i, c in enumerate(columns)]
            digest = hashlib.sha256(canonical_row(table, pk, version, typed))
            found[(table, _key(pk))] = digest.hexdigest()
    return found


@dataclass(frozen=True)
class Mismatch:
    table: str
    pk: list[Any]
    what: str  # "changed", "added", "removed"


def compare(
    expected: dict[tuple[str, str], str | None], actual: dict[tuple[str, str], str]
) -> list[Mismatch]:
    found: list[Mismatch] = []
    for key, digest in sorted(actual.items()):
        want = expected.get(key)
        if key not in expected or want is None:
            found.append(Mismatch(key[0], json.loads(key[1]), "added"))
        elif want != digest:
            found.append(Mismatch(key[0], json.loads(key[1]), "changed"))
    for key, wanted in sorted(expected.items()):
        if wanted is not None and key not in actual:
            found.append(Mismatch(key[0], json.loads(key[1]), "removed"))
    return found


def replay(
    events: Iterable[dict[str, Any]],
) -> tuple[dict[tuple[str, str], str | None], dict[tuple[str, str], str]]:
    """What the ledger events say each row should be now (None: deleted), and the record
    each row belongs to."""
    expected: dict[tuple[str, str], str | None] = {}
    names: dict[tuple[str, str], str] = {}
    for detail in events:
        for table, pk, op, digest, ref in detail.get("rows", []):
            key = (str(table), _key(pk))
            expected[key] = None if op == DELETE else digest
            if ref:
                names[key] = str(ref)
    return expected, names


def written_and_actual(
    conn: Connection,
    tables: frozenset[str],
    vouched: Callable[[int], bool] | None = None,
) -> tuple[dict[tuple[str, str], str | None], dict[tuple[str, str], str]]:
    """For ``tables`` of this file: what the program last wrote for each row (its hash, None
    once deleted) and what each row hashes to now. Only the audit events that touched those
    tables are read, so it is cheap enough for a sign-in."""
    wanted = [f'"{t}"' for t in sorted(tables)]
    where = " OR ".join("instr(detail, ?) > 0" for _ in wanted)
    details = (
        json.loads(r[1])
        for r in conn.execute(
            f"SELECT seq, detail FROM main.audit_log WHERE {where} ORDER BY seq", wanted
        )
        if vouched is None or vouched(int(r[0]))
    )
    expected, _names = replay(details)
    expected = {k: v for k, v in expected.items() if k[0] in tables}
    return expected, current_rows(conn, tables)


def row_key(table: str, pk: Sequence[object]) -> tuple[str, str]:
    return table, _key(pk)


def row_hash_as(
    conn: Connection, table: str, pk: Sequence[object], changed: dict[str, Any]
) -> str | None:
    """The hash the row would have with ``changed`` columns set to other values."""
    version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
    columns = _columns(conn, table)
    select = ", ".join(f"{c}, typeof({c})" for c in columns)
    where = " AND ".join(f"{k} = ?" for k in LEDGER[table])
    row = conn.execute(f"SELECT {select} FROM main.{table} WHERE {where}", list(pk)).fetchone()
    if row is None:
        return None
    typed = []
    for i, c in enumerate(columns):
        value, kind = row[2 * i], row[2 * i + 1]
        if c in changed:
            value = changed[c]
            kind = "integer" if isinstance(value, int) else "text"
        typed.append((c, kind, value))
    return hashlib.sha256(canonical_row(table, pk, version, typed)).hexdigest()
