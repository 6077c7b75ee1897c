"""verify: each file's pages and cipher, its audit chain and schema, every row of record content
against the ledger, the signed heads and who signed them, and the heads seen elsewhere.

It checks every file the signed-in account can open and names the ones it cannot: those are
checked by a member (at their next sign-in, before any key rotation). See evidence_check.
A file of records it opens that fails (the allegations files too) also gets an alarm, for
the member who deals with that file's alarms; the alarm names rows by table and number, as
the report does, never their content. A file it cannot open is named only when it exists
(the allegations files are made at their first member's sign-in): its contents are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safedesk.domain.compartments import READING, RESTRICTED, Compartment
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted
from safedesk.domain.roles import Permission
from safedesk.services import evidence_check
from safedesk.services.session import Session
from safedesk.services.settings import backup_folder
from safedesk.store import audit, backup_file, evidence, members
from safedesk.store.audit import AuditHead
from safedesk.store.db import Connection, StoreDamaged, StoreError
from safedesk.store.evidence import SignedHead


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    heads: dict[Compartment, AuditHead]
    audit_rows: int
    backups_checked: int = 0
    problems: list[str] = field(default_factory=list)
    waiting: tuple[Compartment, ...] = ()  # files this account cannot open
    newest: dict[Compartment, SignedHead | None] = field(default_factory=dict)
    trusted: dict[Compartment, set[int]] = field(default_factory=dict)  # signed heads trusted
    notes: tuple[str, ...] = ()  # said, not failed: e.g. an earlier allegations file kept aside

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


def _anchors(session: Session) -> dict[str, bytes]:
    """The administrators (and the recovery key) whose certificates this account trusts: its
    own chain's root and recovery pin, from its own key slot, and each compartment's list."""
    found: dict[str, bytes] = {}
    if session.account is not None:
        secrets = session.account.secrets
        if secrets.identity and secrets.identity[0].kind == "root":
            found[secrets.identity[0].issuer] = secrets.identity[0].issuer_key
        recovery = secrets.pins.get("recovery")
        if recovery is not None and any(recovery.sign_public):
            found["@recovery"] = recovery.sign_public
    for store in session.compartments.values():
        with store.read() as conn:
            found.update(members.authorities(conn))
    return found


def school_report(session: Session) -> evidence_check.FileReport:
    """The evidence check of the school file, as this account can make it (kept while the
    file's audit head stays the same: a member's sign-in asks for it several times)."""
    with session.store.read() as conn:
        head = audit.head(conn).hash
        cached = session.evidence_cache
        if cached is not None and cached[0] == head:
            found: evidence_check.FileReport = cached[1]
            return found
        report = evidence_check.check_file(
            conn,
            session.store_id,
            Compartment.SCHOOL.value,
            anchors=_anchors(session),
            strict=bool(session.compartments),
        )
    session.evidence_cache = (head, report)
    return report


def school_file_problems(session: Session) -> list[str]:
    """What the evidence check finds wrong in the school file (empty: every row and role in
    it was written by the program, signed by someone the account trusts)."""
    return school_report(session).problems


def _set_aside(session: Session, school: evidence_check.FileReport) -> set[tuple[str, int, str]]:
    """Heads of later backups that a recorded restore knowingly rolled back. Only restores
    inside the school file's signed chain count: an event appended behind the program's back
    (to excuse a rewritten log) sets nothing aside."""
    found: set[tuple[str, int, str]] = set()
    with session.store.read() as conn:
        for event in audit.events_with_action(conn, "backup.restored"):
            if event.seq not in school.restores:
                continue
            superseded = event.detail.get("superseded", {})
            if not isinstance(superseded, dict):
                continue
            for file, heads in superseded.items():
                for seq, digest in heads:
                    found.add((str(file), int(seq), str(digest)))
    return found


def _backup_heads(
    folders: list[Path], store_id: str
) -> tuple[int, list[tuple[str, str, SignedHead]]]:
    """(backups of this store seen, (where, file, head) for each head they hold)."""
    checked = 0
    found: list[tuple[str, str, SignedHead]] = []
    for path in backup_file.find_backups(folders):
        try:
            manifest = backup_file.read_manifest(path)
        except StoreDamaged:
            continue
        if manifest.store_id != store_id:
            continue
        checked += 1
        for file, head in manifest.heads.items():
            seq, digest = int(head[0]), str(head[1])
            found.append(
                (f"backup {path.name}", file, SignedHead(file, seq, digest, "", b"", b"", ""))
            )
    return checked, found


def verify(session: Session) -> VerifyReport:
    session.require(Permission.AUDIT_VERIFY, "verify the store")
    with session.store.write() as conn:
        session.audit(conn, "store.verified")
    folders = list(dict.fromkeys([backup_folder(session), session.paths.backups]))
    opened = {Compartment.SCHOOL: session.store} | dict(session.compartments)
    anchors = _anchors(session)
    checked, in_backups = _backup_heads(folders, session.store_id)
    seen = _heads_seen(session, in_backups)

    def check(
        compartment: Compartment, set_aside: set[tuple[str, int, str]], roles: Any = None
    ) -> FileCheck:
        with opened[compartment].read() as conn:
            found = check_database(conn)
            report = evidence_check.check_file(
                conn,
                session.store_id,
                compartment.value,
                anchors=anchors,
                strict=bool(session.compartments),
                seen_elsewhere=seen.get(compartment.value, []),
                set_aside=set_aside,
                school_roles=roles,  # who was the headteacher when (retention rows)
            )
        return found, report

    # The school file first: the restores inside its signed chain decide which heads seen
    # elsewhere were knowingly set aside, in every file.
    _, school = check(Compartment.SCHOOL, set())
    set_aside = _set_aside(session, school)
    from safedesk.services.restricted_files import set_aside_at

    # An allegations file made anew: the heads of the one kept aside are not its heads (only
    # a setting aside the school file's signed chain vouches for counts).
    for file, cutoff in set_aside_at(session, school.vouched).items():
        seen[file] = [(where, h) for where, h in seen.get(file, []) if h.at > cutoff]
    for file, head in _own_heads(session, _restores(session, school)):
        seen.setdefault(file, []).append(("your own key slot (the newest head you signed)", head))
    problems: list[str] = []
    heads: dict[Compartment, AuditHead] = {}
    newest: dict[Compartment, SignedHead | None] = {}
    trusted: dict[Compartment, set[int]] = {}
    rows = 0
    failed: dict[Compartment, list[str]] = {}
    for compartment in opened:
        found, report = check(compartment, set_aside, school.role_changes)
        if found + report.problems:
            failed[compartment] = found + report.problems
        problems += [f"{compartment.value}: {p}" for p in found + report.problems]
        heads[compartment] = report.head
        newest[compartment] = report.newest
        trusted[compartment] = report.trusted
        rows += report.rows
    _raise_alarms(session, failed)
    from safedesk.services import restricted_files

    missing, notes = restricted_files.verify_findings(session)
    problems += missing
    return VerifyReport(
        not problems,
        heads,
        rows,
        checked,
        problems,
        not_opened(session),
        newest,
        trusted,
        tuple(notes),
    )


def not_opened(session: Session) -> tuple[Compartment, ...]:
    """The files of records this account cannot open, so did not check: the pupils' files
    always; an allegations file only once it exists (nothing of what it holds is named)."""
    return tuple(
        c
        for c in (*READING, *RESTRICTED)
        if c not in session.compartments
        and (c in READING or session.paths.database(c.value).exists())
    )


def alarm_text(compartment: Compartment, problems: list[str]) -> str:
    """The alarm a failed check raises in the file: the first problem (rows named by table
    and number only) and how many more, and what to do."""
    more = len(problems) - 1
    also = f" (and {counted(more, 'more problem')})" if more else ""
    # The chair of governors has no Admin page: their Allegations page checks their file.
    where = (
        "Use Verify this file on the Allegations page"
        if compartment is Compartment.ALLEGATIONS_HEAD
        else "Run Admin → Verify"
    )
    return (
        f"Verify found the {compartment.label} file changed outside safedesk: {problems[0]}"
        f"{also}. {where} to see every problem, and restore from a backup if it still fails."
    )


def _raise_alarms(session: Session, failed: dict[Compartment, list[str]]) -> None:
    """An alarm in each file of records that failed, for whoever deals with its alarms (the
    DSL's queue; the headteacher's or the chair's for an allegations file). Raised once
    while the same one is open. A file too damaged to write to keeps only the report."""
    now = session.clock.now()
    for compartment, found in failed.items():
        store = session.compartments.get(compartment)
        if store is None:  # the school file: its problems are in the report
            continue
        try:
            with store.write() as conn:
                members.raise_alarm(conn, "verify_failed", alarm_text(compartment, found), now)
        except StoreError:
            continue


FileCheck = tuple[list[str], evidence_check.FileReport]


def _heads_seen(
    session: Session, in_backups: list[tuple[str, str, SignedHead]]
) -> dict[str, list[tuple[str, SignedHead]]]:
    """Each file's heads as seen from elsewhere: backups, and the other files."""
    seen: dict[str, list[tuple[str, SignedHead]]] = {"school": []}
    for where, file, head in in_backups:
        seen.setdefault(file, []).append((where, head))
    with session.store.read() as conn:
        for compartment in session.compartments:
            seen.setdefault(compartment.value, []).extend(
                ("the school file", h) for h in evidence.seen_heads(conn, compartment.value)
            )
    for compartment, store in session.compartments.items():
        with store.read() as conn:
            seen["school"] += [
                (f"the {compartment.label}", h) for h in evidence.seen_heads(conn, "school")
            ]
    return seen


def _restores(
    session: Session, school: evidence_check.FileReport
) -> list[tuple[str, dict[str, Any]]]:
    """(when, the restored backup's heads) of each signed restore in the school file."""
    found: list[tuple[str, dict[str, Any]]] = []
    with session.store.read() as conn:
        for event in audit.events_with_action(conn, "backup.restored"):
            heads = event.detail.get("backup_heads", {})
            if event.seq in school.restores and isinstance(heads, dict):
                found.append((event.at, heads))
    return found


def _own_heads(
    session: Session, restores: list[tuple[str, dict[str, Any]]]
) -> list[tuple[str, SignedHead]]:
    """The newest head this account signed in each file, from its own key slot: what a chain
    cut back behind it (by someone holding only the file's key) can no longer show. A head
    signed before a restore, beyond the backup it put back, was knowingly rolled back."""
    if session.account is None:
        return []
    found: list[tuple[str, SignedHead]] = []
    for file, remembered in session.account.secrets.heads.items():
        seq, digest = int(remembered[0]), str(remembered[1])
        at = str(remembered[2]) if len(remembered) > 2 else ""
        rolled_back = any(
            at < when and seq > int(heads.get(file, [0])[0]) for when, heads in restores
        )
        if not rolled_back:
            found.append((file, SignedHead(file, seq, digest, "", b"", b"", at)))
    return found


def find_head(session: Session, text: str) -> list[tuple[Compartment, SignedHead | None, int]]:
    """Where a head printed on a PDF (its hash, or its first 16 or more characters) is in the
    files this account opens: (file, the signed head it is, its audit row). A PDF prints only
    signed heads: a row that matches but that nobody signed comes with None."""
    wanted = text.strip().lower()
    if len(wanted) < 16 or any(c not in "0123456789abcdef" for c in wanted):
        raise ValidationError({"head": "must be the hash printed on the PDF (16 to 64 hex digits)"})
    opened = {Compartment.SCHOOL: session.store} | dict(session.compartments)
    found: list[tuple[Compartment, SignedHead | None, int]] = []
    for compartment, store in opened.items():
        with store.read() as conn:
            row = conn.execute(
                "SELECT seq, hash FROM audit_log WHERE hash LIKE ? ORDER BY seq LIMIT 1",
                (wanted + "%",),
            ).fetchone()
            if row is None:
                continue
            seq, digest = int(row[0]), str(row[1])
            signed = [
                h
                for h in evidence.signed_heads(conn, compartment.value)
                if h.seq == seq and h.hash == digest and h.valid(session.store_id)
            ]
        found.append((compartment, signed[0] if signed else None, seq))
    return found
