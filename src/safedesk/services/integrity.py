"""verify: each file's pages, its cipher's HMACs, its audit chain, and the heads held in backups.

It checks every file the signed-in account can open and names the ones it cannot: those are
checked by a member (at their next sign-in, before any key rotation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from safedesk.domain.compartments import READING, Compartment
from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.services.settings import backup_folder
from safedesk.store import audit, backup_file
from safedesk.store.audit import AuditHead
from safedesk.store.db import Connection, StoreDamaged


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    heads: dict[Compartment, AuditHead]
    audit_rows: int
    backups_checked: int = 0
    problems: list[str] = field(default_factory=list)
    waiting: tuple[Compartment, ...] = ()  # files this account cannot open

    @property
    def head(self) -> AuditHead:
        return self.heads[Compartment.SCHOOL]


def check_database(conn: Connection) -> list[str]:
    """Problems found by SQLite's and SQLCipher's own integrity checks (empty: sound)."""
    problems: list[str] = []
    rows = [row[0] for row in conn.execute("PRAGMA main.integrity_check").fetchall()]
    if rows != ["ok"]:
        problems.append("database structure: " + rows[0])
    cipher = [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    if cipher:
        problems.append("encrypted page check: " + cipher[0])
    return problems


def superseded_heads(conn: Connection, compartment: str) -> set[tuple[int, str]]:
    """Heads of later backups knowingly set aside when an older backup was restored."""
    found: set[tuple[int, str]] = set()
    for event in audit.events_with_action(conn, "backup.restored"):
        for seq, digest in event.detail.get("superseded", {}).get(compartment, []):
            found.add((int(seq), str(digest)))
    return found


def check_backup_heads(
    conn: Connection, store_id: str, compartment: str, folders: list[Path]
) -> tuple[int, list[str]]:
    """Every head of this file recorded in a visible backup of this store must still be in
    its chain (a rewritten or rolled-back log is caught)."""
    allowed = superseded_heads(conn, compartment)
    checked = 0
    problems: list[str] = []
    for path in backup_file.find_backups(folders):
        try:
            manifest = backup_file.read_manifest(path)
        except StoreDamaged:
            problems.append(f"backup {path.name} cannot be read")
            continue
        head = manifest.head(compartment)
        if manifest.store_id != store_id or head is None:
            continue
        checked += 1
        if (head.seq, head.hash) in allowed:
            continue
        if audit.hash_at(conn, head.seq) != head.hash:
            problems.append(
                f"the {compartment} audit log no longer contains row {head.seq} as recorded "
                f"in backup {path.name}: the log has been rewritten or rolled back"
            )
    return checked, problems


def verify(session: Session) -> VerifyReport:
    session.require(Permission.AUDIT_VERIFY, "verify the store")
    with session.store.write() as conn:
        session.audit(conn, "store.verified")
    folders = list(dict.fromkeys([backup_folder(session), session.paths.backups]))
    opened = {Compartment.SCHOOL: session.store} | dict(session.compartments)
    problems: list[str] = []
    heads: dict[Compartment, AuditHead] = {}
    rows = checked = 0
    for compartment, store in opened.items():
        with store.read() as conn:
            found = check_database(conn)
            chain = audit.walk_chain(conn)
            if chain.problem:
                found.append(chain.problem)
            count, backup_problems = check_backup_heads(
                conn, session.store_id, compartment.value, folders
            )
        problems += [f"{compartment.value}: {p}" for p in found + backup_problems]
        heads[compartment] = chain.head
        rows += chain.rows
        checked = max(checked, count)
    waiting = tuple(c for c in READING if c not in session.compartments)
    return VerifyReport(not problems, heads, rows, checked, problems, waiting)
