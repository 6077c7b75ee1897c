"""Repository for retention rules, holds and disposals in a compartment file; and the one
deletion the program makes, of a record being disposed of (see migrations/common/retention.sql).
"""

from __future__ import annotations

import json
from datetime import date, datetime

from safedesk.domain.clock import to_stored
from safedesk.domain.entries import Kind
from safedesk.domain.retention import DEFAULT_RULES, Basis, Disposal, Hold, Rule
from safedesk.store import ledger
from safedesk.store.db import Connection, Store, checkpoint_fully
from safedesk.store.entries import TABLES


def has_retention(conn: Connection) -> bool:
    """Whether this file's schema has retention (an older file, not yet upgraded, does not)."""
    found = conn.execute(
        "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = 'disposal'"
    ).fetchone()
    return found is not None


def rules(conn: Connection, kinds: tuple[Kind, ...]) -> dict[Kind, Rule]:
    """The rule in force for each kind: the latest the head set, else the default."""
    found = {kind: DEFAULT_RULES[kind] for kind in kinds}
    for kind, basis, years in conn.execute(
        "SELECT kind, basis, years FROM main.retention_rule ORDER BY id"
    ):
        if Kind(kind) in found:
            found[Kind(kind)] = Rule(Kind(kind), Basis(basis), int(years))
    return found


def set_rule(conn: Connection, rule: Rule, author: str, at: datetime) -> int:
    cursor = conn.execute(
        "INSERT INTO retention_rule (kind, basis, years, author, at) VALUES (?, ?, ?, ?, ?)",
        (rule.kind.value, rule.basis.value, rule.years, author, to_stored(at)),
    )
    rule_id = int(cursor.lastrowid)
    ledger.touched(conn, "retention_rule", [rule_id])
    return rule_id


def candidates(conn: Connection) -> list[tuple[str, Kind, date, tuple[tuple[int, date], ...]]]:
    """Every record in this file: reference, kind, day it happened, (pupil id, birthday)s."""
    pupils: dict[int, list[tuple[int, date]]] = {}
    for entry_id, pupil_id, born in conn.execute(
        "SELECT ep.entry_id, p.id, p.date_of_birth FROM main.entry_pupil ep "
        "JOIN main.pupil p ON p.id = ep.pupil_id ORDER BY ep.entry_id, p.id"
    ):
        pupils.setdefault(int(entry_id), []).append((int(pupil_id), date.fromisoformat(born)))
    return [
        (ref, Kind(kind), datetime.fromisoformat(occurred).date(), tuple(pupils.get(eid, [])))
        for eid, ref, kind, occurred in conn.execute(
            "SELECT id, ref, kind, occurred_at FROM main.entry ORDER BY id"
        )
    ]


def held_refs(conn: Connection) -> set[str]:
    """References of records a hold in force covers (on the record, or on one of its pupils)."""
    return {
        str(r[0])
        for r in conn.execute(
            "SELECT e.ref FROM main.entry e WHERE EXISTS ("
            " SELECT 1 FROM main.retention_hold_open h WHERE h.ref = e.ref"
            " OR h.pupil_id IN (SELECT pupil_id FROM main.entry_pupil WHERE entry_id = e.id))"
        )
    }


def held_upns(conn: Connection) -> set[str]:
    """UPNs of the pupils a hold in force in this file covers (every record of theirs)."""
    return {
        str(r[0])
        for r in conn.execute(
            "SELECT p.upn FROM main.retention_hold_open h JOIN main.pupil p ON p.id = h.pupil_id"
        )
    }


def pupil_upns(conn: Connection) -> dict[int, str]:
    """This file's pupil ids and their UPNs (to match a hold placed in another file)."""
    return {int(r[0]): str(r[1]) for r in conn.execute("SELECT id, upn FROM main.pupil")}


def add_hold(
    conn: Connection,
    *,
    pupil_id: int | None,
    ref: str | None,
    reason: str,
    author: str,
    at: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO retention_hold (pupil_id, ref, reason, author, at) VALUES (?, ?, ?, ?, ?)",
        (pupil_id, ref, reason, author, to_stored(at)),
    )
    hold_id = int(cursor.lastrowid)
    ledger.touched(conn, "retention_hold", [hold_id])
    return hold_id


def lift_hold(conn: Connection, hold_id: int, reason: str, author: str, at: datetime) -> None:
    cursor = conn.execute(
        "INSERT INTO retention_hold_lifted (hold_id, reason, author, at) VALUES (?, ?, ?, ?)",
        (hold_id, reason, author, to_stored(at)),
    )
    ledger.touched(conn, "retention_hold_lifted", [int(cursor.lastrowid)])


def open_holds(conn: Connection, compartment: str) -> list[Hold]:
    return [
        Hold(int(r[0]), compartment, r[1] or f"pupil {r[2]}", r[3], r[4], r[5])
        for r in conn.execute(
            "SELECT h.id, h.ref, p.upn, h.reason, h.author, h.at FROM main.retention_hold_open h "
            "LEFT JOIN main.pupil p ON p.id = h.pupil_id ORDER BY h.id"
        )
    ]


def disposals(conn: Connection) -> list[Disposal]:
    return [
        Disposal(r[0], Kind(r[1]), tuple(json.loads(r[2])), r[3], r[4], r[5], r[6], r[7])
        for r in conn.execute(
            "SELECT ref, kind, pupil_ids, due_on, rule, reason, authorised_by, at "
            "FROM main.disposal ORDER BY id"
        )
    ]


def dispose(
    conn: Connection,
    *,
    ref: str,
    due: date,
    rule: str,
    reason: str,
    authorised_by: str,
    at: datetime,
) -> int:
    """Inside the caller's write transaction: write the disposal record, then delete every row
    of the record (noting each for the ledger) and its search document. Returns the entry id.
    The caller audits it in the same transaction (the event carries the deletions)."""
    found = conn.execute(
        "SELECT id, kind, recorded_at FROM main.entry WHERE ref = ?", (ref,)
    ).fetchone()
    if found is None:
        raise LookupError(ref)
    entry_id, kind = int(found[0]), Kind(found[1])
    conn.execute("PRAGMA main.secure_delete = ON")  # freed cells are zeroed as they go
    pupil_ids = [
        int(r[0])
        for r in conn.execute(
            "SELECT pupil_id FROM main.entry_pupil WHERE entry_id = ? ORDER BY pupil_id",
            (entry_id,),
        )
    ]
    cursor = conn.execute(
        "INSERT INTO disposal (ref, kind, pupil_ids, recorded_on, due_on, rule, reason, "
        "authorised_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ref,
            kind.value,
            json.dumps(pupil_ids),
            datetime.fromisoformat(found[2]).date().isoformat(),
            due.isoformat(),
            rule,
            reason,
            authorised_by,
            to_stored(at),
        ),
    )
    disposal_id = int(cursor.lastrowid)
    ledger.touched(conn, "disposal", [disposal_id])
    # The triggers let the record's rows go only while this row names it (and no hold is on).
    conn.execute(
        "INSERT INTO disposing (entry_id, disposal_id) VALUES (?, ?)", (entry_id, disposal_id)
    )
    ledger.touched(conn, "disposing", [entry_id])
    for table, pk_sql, where, params in _rows_of(conn, kind, entry_id, ref):
        keys = ledger.LEDGER[table]
        rows = conn.execute(f"SELECT {pk_sql} FROM main.{table} WHERE {where}", params).fetchall()
        for row in rows:
            pk = list(row)
            conn.execute(
                f"DELETE FROM main.{table} WHERE " + " AND ".join(f"{k} = ?" for k in keys), pk
            )
            ledger.touched(conn, table, pk, ledger.DELETE)
    # FTS5 keeps the document's text in its own tables: deleting the row removes it there
    # (the caller then merges the index's segments and vacuums the file).
    conn.execute("DELETE FROM main.search_index WHERE rowid = ?", (entry_id,))
    # A deleted document's words stay in the index's older segments until they are merged.
    conn.execute("INSERT INTO main.search_index (search_index) VALUES ('optimize')")
    conn.execute("DELETE FROM main.receipt_sent WHERE ref = ?", (ref,))
    conn.execute("DELETE FROM main.disposing WHERE entry_id = ?", (entry_id,))
    ledger.touched(conn, "disposing", [entry_id], ledger.DELETE)
    return entry_id


def _rows_of(
    conn: Connection, kind: Kind, entry_id: int, ref: str
) -> list[tuple[str, str, str, tuple[object, ...]]]:
    """(table, primary-key columns, condition, parameters) for each kind of row of a record,
    children first (foreign keys are on)."""
    here = set(ledger.tables_here(conn))
    found: list[tuple[str, str, str, tuple[object, ...]]] = []
    if "case_action_done" in here:
        found += [
            (
                "case_action_done",
                "id",
                "action_id IN (SELECT id FROM main.case_action WHERE case_ref = ?)",
                (ref,),
            ),
            (
                "case_referral_decision",
                "id",
                "referral_id IN (SELECT id FROM main.case_referral WHERE case_ref = ?)",
                (ref,),
            ),
        ]
        for table in (
            "case_acknowledgement",
            "case_triage",
            "case_action",
            "case_referral",
            "case_contact",
            "case_closure",
        ):
            found.append((table, "id", "case_ref = ?", (ref,)))
    if "behaviour_review" in here:
        found.append(("behaviour_review", "id", "entry_ref = ?", (ref,)))
    if "attachment" in here:
        found.append(("attachment", "id", "entry_id = ?", (entry_id,)))
    found += [
        ("amendment", "id", "entry_id = ?", (entry_id,)),
        ("entry_status", "id", "entry_id = ?", (entry_id,)),
        (TABLES[kind], "entry_id", "entry_id = ?", (entry_id,)),
        ("entry_pupil", "entry_id, pupil_id", "entry_id = ?", (entry_id,)),
        ("entry", "id", "id = ?", (entry_id,)),
    ]
    return found


def scrub(store: Store) -> None:
    """After a disposal has committed: leave nothing of it on the disk. The file is rebuilt
    (VACUUM, with secure_delete so freed pages are overwritten) and the WAL folded in and
    truncated. Call with every other connection to the file closed."""
    with store.read() as conn:
        conn.execute("PRAGMA main.secure_delete = ON")
        checkpoint_fully(conn, store.path)
        conn.execute("VACUUM main")
        checkpoint_fully(conn, store.path)


# --- in `school`: the author's sealed copies of a disposed record ---------------------------


def author_keys(conn: Connection, ref: str) -> tuple[bytes, bytes] | None:
    """In the compartment: the record's author's public box key and mailbox (to seal them a
    notice), or None when the file does not know them."""
    found = conn.execute(
        "SELECT a.box_public, a.mailbox FROM main.entry e "
        "JOIN main.author_key a ON a.username = e.author WHERE e.ref = ?",
        (ref,),
    ).fetchone()
    return None if found is None else (bytes(found[0]), bytes(found[1]))


def put_notice(conn: Connection, owner: str, item: bytes, at: datetime) -> int:
    """Inside the caller's `school` transaction: the notice's row, in the ledger (verify names
    one no headteacher's commit wrote)."""
    cursor = conn.execute(
        "INSERT INTO disposal_notice (owner, put_at, item) VALUES (?, ?, ?)",
        (owner, to_stored(at), item),
    )
    notice_id = int(cursor.lastrowid or 0)
    ledger.touched(conn, "disposal_notice", [notice_id])
    return notice_id


def notices(conn: Connection, owner: str) -> list[tuple[int, bytes]]:
    """Notices sealed to ``owner`` (none, in a school file not yet upgraded)."""
    here = conn.execute(
        "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = 'disposal_notice'"
    ).fetchone()
    if here is None:
        return []
    return [
        (int(r[0]), bytes(r[1]))
        for r in conn.execute(
            "SELECT id, item FROM disposal_notice WHERE owner = ? ORDER BY id", (owner,)
        )
    ]


def forget(
    conn: Connection,
    owner: str,
    copy_ids: list[int],
    receipt_ids: list[int],
    notice_ids: list[int],
) -> None:
    """Inside the caller's `school` transaction: remove one owner's copies and receipts of
    disposed records (overwritten as they go) and the notices that named them."""
    conn.execute("PRAGMA main.secure_delete = ON")
    conn.execute("INSERT INTO copy_forgetting (owner) VALUES (?)", (owner,))
    conn.executemany("DELETE FROM sealed_copy WHERE id = ?", [(i,) for i in copy_ids])
    conn.executemany("DELETE FROM sealed_receipt WHERE id = ?", [(i,) for i in receipt_ids])
    conn.executemany("DELETE FROM disposal_notice WHERE id = ?", [(i,) for i in notice_ids])
    for notice_id in notice_ids:
        ledger.touched(conn, "disposal_notice", [notice_id], ledger.DELETE)
    conn.execute("DELETE FROM copy_forgetting WHERE owner = ?", (owner,))
