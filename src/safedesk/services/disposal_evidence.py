"""What `verify` checks of retention and disposal in a compartment file: that the
headteacher's rows were written by the headteacher.

Every member of a file holds its key and can sign its commits, so the program's own
head-only check proves nothing to a later reader: a DSL (or a behaviour lead) with the
program's code could write a rule, a hold, a lifted hold or a disposal, and sign it. Here,
each commit that writes one of those rows must be signed by an account that held the `head`
role in the school file at that time (the role history the school file's own check follows);
the row must name its signer as its author; and a disposal's due date must follow from the
rule then in force and its pupils' dates of birth, where the file still knows them (a date
of birth corrected since, or a rule counted from the day a record happened, which goes with
the record, cannot be checked: nothing is said of it). Problems name the audit row, the
table, the record's reference and the signer, never content.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from safedesk.domain.entries import Kind
from safedesk.domain.retention import DEFAULT_RULES, Basis, Rule, due_on
from safedesk.domain.roles import Role
from safedesk.store import ledger
from safedesk.store.audit import AuditEvent
from safedesk.store.db import Connection
from safedesk.store.evidence import SignedHead

# The headteacher's tables in a compartment, and the column naming who wrote each row.
HEAD_TABLES = {
    "retention_rule": "author",
    "retention_hold": "author",
    "retention_hold_lifted": "author",
    "disposal": "authorised_by",
    "disposing": None,  # lives only inside a disposal's own commit: no author of its own
}


@dataclass(frozen=True)
class RoleChange:
    """A role granted or removed in the school file, as its own check accepted it."""

    at: str  # the audit event's time (stored form: UTC ISO 8601, so it sorts)
    username: str
    role: str
    granted: bool


def held(history: Sequence[RoleChange], username: str, role: str, at: str) -> bool:
    """Whether ``username`` held ``role`` at ``at``, by the school file's role history. A
    time before the school was set up counts as its set-up (the first headteacher's roles):
    a file written on a clock behind the one that set the school up (the demo dates its
    school's history) is not thereby someone else's."""
    if history:
        at = max(at, history[0].at)
    holds = False
    for change in history:
        if change.at > at:
            break
        if change.username == username and change.role == role:
            holds = change.granted
    return holds


def check(
    conn: Connection,
    events: list[AuditEvent],
    covered: dict[int, SignedHead],
    history: Sequence[RoleChange],
) -> tuple[list[str], set[int]]:
    """(problems, audit rows written by someone who may not) for one compartment file.
    ``covered``: the trusted signed head vouching for each audit row."""
    if not _has_retention(conn):
        return [], set()
    authors = _authors(conn)
    problems: list[str] = []
    unauthorised: set[int] = set()
    for event in events:
        rows = [
            r
            for r in event.detail.get("rows", [])
            if len(r) > 2 and r[0] in HEAD_TABLES and r[2] == ledger.INSERT
        ]
        if not rows:
            continue
        by = covered.get(event.seq)
        if by is None:
            continue  # nobody signed it: named as such by the file's own check
        signer = by.signer
        tables = sorted({str(r[0]) for r in rows})
        refs = sorted({_record(r) for r in rows} - {""})
        on = f" ({', '.join(refs)})" if refs else ""
        if not held(history, signer, Role.HEAD.value, event.at):
            unauthorised.add(event.seq)
            problems.append(
                f"audit row {event.seq} wrote {', '.join(tables)}{on} under the signature of "
                f"{signer}, who was not the headteacher then: only the headteacher sets how long "
                "records are kept, places or lifts holds and disposes of records"
            )
        for row in rows:
            table, pk = str(row[0]), row[1]
            named = authors.get((table, json.dumps(pk)))
            if HEAD_TABLES[table] is not None and named is not None and named != signer:
                own = f" ({_record(row)})" if _record(row) else ""
                problems.append(
                    f"audit row {event.seq}: {table} row {pk}{own} says it was written by "
                    f"{named}, but {signer} signed it"
                )
    problems += _due_dates(conn, events)
    return problems, unauthorised


def _record(row: Sequence[object]) -> str:
    """The record reference a ledger row names (C-2026-0042), if any: a hold on a pupil is
    named by its row number only, never by the pupil's UPN."""
    ref = str(row[4]) if len(row) > 4 and row[4] else ""
    return ref if "-" in ref else ""


def _has_retention(conn: Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = 'disposal'"
    ).fetchone()
    return found is not None


def _authors(conn: Connection) -> dict[tuple[str, str], str]:
    """(table, primary key as JSON) → who the row says wrote it, for each row still here."""
    found: dict[tuple[str, str], str] = {}
    for table, column in HEAD_TABLES.items():
        if column is None:
            continue
        for row_id, author in conn.execute(f"SELECT id, {column} FROM main.{table}"):
            found[(table, json.dumps([int(row_id)]))] = str(author)
    return found


def _due_dates(conn: Connection, events: list[AuditEvent]) -> list[str]:
    """Each disposal's due date against the rule in force when it was written (the newest
    rule row written before it, else the default) and its pupils' dates of birth, and its
    date against the day it was disposed of."""
    rules = {
        int(r[0]): Rule(Kind(r[1]), Basis(r[2]), int(r[3]))
        for r in conn.execute("SELECT id, kind, basis, years FROM main.retention_rule")
    }
    disposals = {
        int(r[0]): r[1:]
        for r in conn.execute(
            "SELECT id, ref, kind, pupil_ids, due_on, rule, at FROM main.disposal"
        )
    }
    births = {
        int(r[0]): date.fromisoformat(str(r[1]))
        for r in conn.execute("SELECT id, date_of_birth FROM main.pupil")
    }
    in_force: dict[Kind, Rule] = dict(DEFAULT_RULES)
    written: list[tuple[AuditEvent, int, Rule]] = []
    changed_after: dict[int, int] = {}  # pupil id → the last audit row that changed its copy
    for event in events:
        for row in event.detail.get("rows", []):
            if len(row) < 3:
                continue
            table, pk, op = str(row[0]), row[1], row[2]
            if table == "retention_rule" and op == ledger.INSERT and int(pk[0]) in rules:
                rule = rules[int(pk[0])]
                in_force[rule.kind] = rule
            elif table == "disposal" and op == ledger.INSERT and int(pk[0]) in disposals:
                kind = Kind(str(disposals[int(pk[0])][1]))
                written.append((event, int(pk[0]), in_force[kind]))
            elif table == "pupil" and op == ledger.UPDATE:
                changed_after[int(pk[0])] = event.seq
    problems: list[str] = []
    for event, disposal_id, rule in written:
        ref, _kind, pupil_text, due_text, rule_text, at = disposals[disposal_id]
        due = date.fromisoformat(str(due_text))
        what = f"audit row {event.seq}: disposal row [{disposal_id}] ({ref})"
        day = datetime.fromisoformat(str(at)).date()
        if due > day:
            problems.append(f"{what} was disposed of before the due date it gives")
        if str(rule_text) != rule.describe():
            problems.append(f"{what} names a rule that was not the one in force then")
            continue
        pupil_ids = [int(i) for i in json.loads(str(pupil_text))]
        if rule.basis is not Basis.DATE_OF_BIRTH or not pupil_ids:
            continue  # counted from the day it happened, which went with the record
        if any(i not in births or changed_after.get(i, 0) > event.seq for i in pupil_ids):
            continue  # a date of birth this file no longer knows as it was then
        expected = due_on(rule, day, [births[i] for i in pupil_ids])
        if due != expected:
            problems.append(
                f"{what} gives a due date that does not follow from the rule in force and its "
                "pupils' dates of birth"
            )
    return problems
