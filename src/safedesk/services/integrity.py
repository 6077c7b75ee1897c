"""verify: page integrity, the cipher's HMACs, the audit chain, and the heads held in backups."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.services.settings import backup_folder
from safedesk.store import audit, backup_file, school
from safedesk.store.audit import AuditHead
from safedesk.store.db import Connection, StoreDamaged


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    head: AuditHead
    audit_rows: int
    backups_checked: int = 0
    problems: list[str] = field(default_factory=list)


def check_database(conn: Connection) -> list[str]:
    """Problems found by SQLite's and SQLCipher's own integrity checks (empty: sound)."""
    problems: list[str] = []
    rows = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems.append("database structure: " + rows[0])
    cipher = [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    if cipher:
        problems.append("encrypted page check: " + cipher[0])
    return problems


def superseded_heads(conn: Connection) -> set[tuple[int, str]]:
    """Heads of later backups knowingly set aside when an older backup was restored."""
    found: set[tuple[int, str]] = set()
    for event in audit.events_with_action(conn, "backup.restored"):
        for seq, digest in event.detail.get("superseded", []):
            found.add((int(seq), str(digest)))
    return found


def check_backup_heads(conn: Connection, folders: list[Path]) -> tuple[int, list[str]]:
    """Every head recorded in a visible backup of this store must still be in the chain."""
    store_id = school.get(conn).store_id
    allowed = superseded_heads(conn)
    checked = 0
    problems: list[str] = []
    for path in backup_file.find_backups(folders):
        try:
            manifest = backup_file.read_manifest(path)
        except StoreDamaged:
            problems.append(f"backup {path.name} cannot be read")
            continue
        if manifest.store_id != store_id:
            continue
        checked += 1
        if (manifest.audit_seq, manifest.audit_hash) in allowed:
            continue
        if audit.hash_at(conn, manifest.audit_seq) != manifest.audit_hash:
            problems.append(
                f"the audit log no longer contains row {manifest.audit_seq} as recorded in "
                f"backup {path.name}: the log has been rewritten or rolled back"
            )
    return checked, problems


def verify(session: Session) -> VerifyReport:
    session.require(Permission.AUDIT_VERIFY, "verify the store")
    with session.store.write() as conn:
        session.audit(conn, "store.verified")
    with session.store.read() as conn:
        problems = check_database(conn)
        chain = audit.walk_chain(conn)
        if not chain.ok and chain.problem:
            problems.append(chain.problem)
        folders = list(dict.fromkeys([backup_folder(session), session.paths.backups]))
        checked, backup_problems = check_backup_heads(conn, folders)
    problems.extend(backup_problems)
    return VerifyReport(not problems, chain.head, chain.rows, checked, problems)
