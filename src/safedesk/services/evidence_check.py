"""What `verify` checks in one file, beyond SQLite's own checks:

- the audit chain, and the schema the program last recorded (a dropped trigger shows);
- every ledger row against its event, one to one (a row changed, added or removed behind the
  program's back is named with its table and the record it belongs to);
- every signed head: its hash in the chain, its signature, and that its signer could sign then
  (in a compartment, a member with that key; in the school file, an account whose key a chain
  of certificates from a trusted administrator proves, and not disabled); the chain after the
  newest trusted head must be empty (nobody signed it);
- every head of this file seen elsewhere (in another file, a backup, a printed PDF) is still in
  its chain, unless a restore signed by an administrator set it aside;
- in a records file, that retention rules, holds and disposals were signed by whoever was
  the headteacher then, by the school file's role history (services.disposal_evidence).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from safedesk.services import disposal_evidence
from safedesk.services.disposal_evidence import RoleChange
from safedesk.store import audit, evidence, identity, ledger
from safedesk.store.audit import AuditEvent
from safedesk.store.db import Connection
from safedesk.store.evidence import SignedHead

MEMBER_EVENTS = ("member.set", "member.removed")
ACCOUNT_EVENTS = ("signer.key", "user.disabled", "user.enabled")


@dataclass
class FileReport:
    file: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be checked, and why
    rows: int = 0
    head: audit.AuditHead = field(default_factory=lambda: audit.AuditHead(0, audit.GENESIS))
    newest: SignedHead | None = None  # the newest signed head this check trusts
    unsigned: list[tuple[int, int]] = field(default_factory=list)  # runs of rows nobody signed
    # `backup.restored` events signed by someone who was then an administrator: only these
    # may excuse heads seen elsewhere (school file).
    restores: set[int] = field(default_factory=set)
    covered: set[int] = field(default_factory=set)  # rows a trusted head vouches for
    trusted: set[int] = field(default_factory=set)  # the signed heads this check trusts
    anonymous: set[int] = field(default_factory=set)  # inbox puts nobody signs, by design
    unauthorised: set[int] = field(default_factory=set)  # ...signed by one who may not
    # School file: each role granted or removed, as this check accepted it (in order); a
    # compartment's check asks it who was the headteacher when a disposal was signed.
    role_changes: list[RoleChange] = field(default_factory=list)
    # School file: the disposal notices a headteacher's signed commit wrote (ids still here).
    head_notices: set[int] = field(default_factory=set)

    def vouched(self, seq: int) -> bool:
        """Whether audit row ``seq`` was written, signed, by someone who may write it."""
        return seq in self.covered and seq not in self.unauthorised

    def vouched_or_anonymous(self, seq: int) -> bool:
        return self.vouched(seq) or seq in self.anonymous

    def signed(self, seq: int) -> bool:
        """Whether audit row ``seq`` was written by someone who signed for it."""
        return 0 < seq <= self.head.seq and not any(a <= seq <= b for a, b in self.unsigned)


def check_file(
    conn: Connection,
    store_id: str,
    file: str,
    *,
    anchors: Mapping[str, bytes],
    strict: bool = True,
    seen_elsewhere: Sequence[tuple[str, SignedHead]] = (),
    set_aside: set[tuple[str, int, str]] | frozenset[tuple[str, int, str]] = frozenset(),
    school_roles: Sequence[RoleChange] | None = None,
) -> FileReport:
    """``anchors``: administrators whose certificates this account trusts (school file), and
    ``strict`` whether they are all of them (a member knows every compartment's list);
    ``seen_elsewhere``: (where, head) pairs; ``set_aside``: (file, seq, hash) of heads a
    restore knowingly rolled back; ``school_roles``: the school file's role history (its
    report's ``role_changes``), against which a compartment's retention rows are checked."""
    report = FileReport(file)
    chain = audit.walk_chain(conn)
    report.rows, report.head = chain.rows, chain.head
    if chain.problem:
        report.problems.append(chain.problem)
    events = list(audit.events(conn))
    _check_schema(conn, events, report)
    _check_rows(conn, events, report)
    heads = evidence.signed_heads(conn, file)
    if file == evidence.SCHOOL:
        valid = _school_signers(store_id, events, heads, anchors, strict, report)
    else:
        valid = _compartment_signers(store_id, events, heads, report)
    hashes = {e.seq: e.hash for e in events}
    trusted = [h for h in valid if hashes.get(h.seq) == h.hash and h.valid(store_id)]
    if file == evidence.SCHOOL:
        _check_account_writers(events, trusted, report)
    elif school_roles is not None:
        found, unauthorised = disposal_evidence.check(conn, events, coverage(trusted), school_roles)
        report.problems += found
        report.unauthorised |= unauthorised
    for head in heads:
        if hashes.get(head.seq) != head.hash:
            report.problems.append(
                f"signed head #{head.seq} ({head.signer}) is no longer in the chain: the log "
                "has been rewritten"
            )
        elif not head.valid(store_id):
            report.problems.append(f"signed head #{head.seq}'s signature is not genuine")
    report.newest = trusted[-1] if trusted else None
    report.trusted = {h.seq for h in trusted}
    report.unsigned = _unsigned_runs(events, trusted)
    report.covered = set(coverage(trusted))
    # Inbox puts are unsigned by design (a signature would name the author).
    report.anonymous = anonymous_puts(events)
    report.unsigned = _without_anonymous(report.unsigned, report.anonymous)
    if chain.ok:
        for first, last in report.unsigned:
            actions = sorted({e.action for e in events if first <= e.seq <= last})
            rows = f"audit row {first}" if first == last else f"audit rows {first}–{last}"
            report.problems.append(
                f"{rows} ({', '.join(actions)}) signed by nobody: added behind the program's back"
            )
    for where, head in seen_elsewhere:
        if (file, head.seq, head.hash) in set_aside:
            continue
        if hashes.get(head.seq) != head.hash:
            report.problems.append(
                f"the chain no longer holds head #{head.seq} {head.hash[:16]} seen in {where}: "
                "it has been rewritten or rolled back"
            )
    return report


def coverage(trusted: list[SignedHead]) -> dict[int, SignedHead]:
    """Which trusted head vouches for each audit row: a head covers only the rows its
    signer's commit wrote, from its ``from_seq`` to its own row and never a row an earlier
    head covers (commits do not overlap). One definition for every check that asks who
    wrote a row."""
    covered: dict[int, SignedHead] = {}
    previous = 0
    for head in sorted(trusted, key=lambda h: h.seq):
        if head.from_seq <= head.seq:
            for seq in range(max(1, head.from_seq, previous + 1), head.seq + 1):
                covered[seq] = head
        previous = max(previous, head.seq)
    return covered


def _unsigned_runs(events: list[AuditEvent], trusted: list[SignedHead]) -> list[tuple[int, int]]:
    """Runs of audit rows no trusted head vouches for."""
    covered = coverage(trusted)
    runs: list[tuple[int, int]] = []
    for event in events:
        if event.seq in covered:
            continue
        if runs and runs[-1][1] == event.seq - 1:
            runs[-1] = (runs[-1][0], event.seq)
        else:
            runs.append((event.seq, event.seq))
    return runs


def anonymous_puts(events: list[AuditEvent]) -> set[int]:
    """The anonymous events: inbox puts with no actor and only the hash of the item put. An
    anonymous put only ever adds an item that is not there: one that re-records a row already
    there (to cover an item swapped or deleted) is not anonymous."""
    anonymous: set[int] = set()
    present: set[str] = set()  # rows the log says exist now (an id may be used again later)
    for event in events:
        rows = [row for row in event.detail.get("rows", []) if len(row) > 2]
        keys = {json.dumps([row[0], row[1]]) for row in rows}
        if audit.is_anonymous(event.action, event.actor, event.detail) and not keys & present:
            anonymous.add(event.seq)
        for row in rows:
            key = json.dumps([row[0], row[1]])
            if row[2] == "delete":
                present.discard(key)
            else:
                present.add(key)
    return anonymous


def _without_anonymous(runs: list[tuple[int, int]], anonymous: set[int]) -> list[tuple[int, int]]:
    """Runs of unsigned rows, less the anonymous events (by design nobody signs those)."""
    kept: list[tuple[int, int]] = []
    for first, last in runs:
        start = None
        for seq in range(first, last + 1):
            if seq in anonymous:
                if start is not None:
                    kept.append((start, seq - 1))
                    start = None
            elif start is None:
                start = seq
        if start is not None:
            kept.append((start, last))
    return kept


def _check_schema(conn: Connection, events: list[AuditEvent], report: FileReport) -> None:
    recorded = [e for e in events if e.action == "schema.recorded"]
    if not recorded:
        report.problems.append("the program never recorded this file's structure")
        return
    if recorded[-1].detail.get("hash") != evidence.schema_hash(conn):
        report.problems.append(
            "the file's structure (its tables, indexes or triggers) has been changed since the "
            "program last changed it: a trigger may have been dropped"
        )


def _check_rows(conn: Connection, events: list[AuditEvent], report: FileReport) -> None:
    current = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
    _check_append_only(events, current, report)
    expected, names = ledger.replay(e.detail for e in events)
    actual = ledger.current_rows(conn)
    for mismatch in ledger.compare(expected, actual):
        key = (mismatch.table, json.dumps(mismatch.pk, separators=(",", ":")))
        name = names.get(key) or ledger.reference(conn, mismatch.table, mismatch.pk)
        on = f" ({name})" if name else ""
        what = {
            "changed": "was changed behind the program's back",
            "added": "was added behind the program's back",
            "removed": "was removed behind the program's back",
        }[mismatch.what]
        report.problems.append(f"{mismatch.table} row {mismatch.pk}{on} {what}")


SCHEMA_EVENTS = frozenset({"schema.recorded", "schema.upgraded"})


def _check_append_only(events: list[AuditEvent], current: int, report: FileReport) -> None:
    """Record content is written once. A member holding the key can change a row and sign
    a ledger entry for it, so the row matches; the entry itself says what was done. Only an
    upgrade (an event recording a higher schema version) hashes such rows again."""
    written: set[tuple[str, str]] = set()
    names: dict[tuple[str, str], str] = {}  # a removed row's reference, from its writing
    version = 0
    for event in events:
        upgrade = False
        if event.action in SCHEMA_EVENTS:
            recorded = event.detail.get("version")
            if isinstance(recorded, int) and recorded <= current:
                upgrade = recorded > version
                version = max(version, recorded)
        for table, pk, op, _digest, ref in event.detail.get("rows", []):
            if table not in ledger.APPEND_ONLY:
                continue
            key = ledger.row_key(str(table), pk)
            if ref:
                names.setdefault(key, str(ref))
            on = f" ({names[key]})" if key in names else ""
            who = event.actor or "nobody"
            if op == ledger.INSERT and key in written:
                report.problems.append(
                    f"{table} row {pk}{on} was written a second time (audit row {event.seq}, "
                    f"by {who}): a record is written once"
                )
            elif op == ledger.DELETE and _disposed(event, str(table), names.get(key)):
                pass  # removed by the head's authorised disposal of the record it belongs to
            elif op == ledger.DELETE:
                report.problems.append(
                    f"{table} row {pk}{on} was removed (audit row {event.seq}, by {who}): "
                    "records are never deleted"
                )
            elif op == ledger.UPDATE and not (upgrade and key in written):
                report.problems.append(
                    f"{table} row {pk}{on} was changed after it was written (audit row "
                    f"{event.seq}, by {who}): records are never changed; a correction is "
                    "an amendment"
                )
            written.add(key)


def _disposed(event: AuditEvent, table: str, written_under: str | None) -> bool:
    """A row removed by a disposal: in the disposal's own event, which also writes the
    disposal record, and written under the reference that event disposes of."""
    if event.action != DISPOSAL_EVENT or table not in ledger.DISPOSABLE:
        return False
    disposal_written = any(
        row[0] == "disposal" and row[2] == ledger.INSERT for row in event.detail.get("rows", [])
    )
    return disposal_written and bool(written_under) and written_under == event.object_id


DISPOSAL_EVENT = "record.disposed"


def _b64(text: Any) -> bytes:
    return base64.b64decode(str(text))


def _compartment_signers(
    store_id: str, events: list[AuditEvent], heads: list[SignedHead], report: FileReport
) -> list[SignedHead]:
    """Heads signed by someone who was a member with that key when they signed. A member is
    added only by another member; a member's key changes only with a certificate from their
    old key, or by another member (a reset)."""
    changes = [e for e in events if e.action in MEMBER_EVENTS]
    members: dict[str, bytes] = {}
    valid: list[SignedHead] = []
    start = 0
    for head in heads:
        before = dict(members)
        after = dict(members)
        while start < len(changes) and changes[start].seq <= head.seq:
            event = changes[start]
            start += 1
            name = str(event.detail.get("username"))
            if event.action == "member.removed":
                after.pop(name, None)
                continue
            key = _b64(event.detail.get("sign_public"))
            if name not in after and before and head.signer == name:
                report.problems.append(f"{name} made themselves a member (audit row {event.seq})")
            elif (
                name in after
                and after[name] != key
                and head.signer == name
                and not _vouched_change(store_id, name, after[name], key, event.detail)
            ):
                report.problems.append(
                    f"{name}'s signing key was changed without their old key vouching for it "
                    f"(audit row {event.seq})"
                )
            after[name] = key
        bootstrap = not before and after.get(head.signer) == head.sign_public
        if bootstrap or (head.signer in before and after.get(head.signer) == head.sign_public):
            valid.append(head)
        else:
            report.problems.append(
                f"signed head #{head.seq} is signed by {head.signer}, who was not a member "
                "with that key then"
            )
        members = after
    return valid


def _vouched_change(
    store_id: str, name: str, old: bytes, new: bytes, detail: Mapping[str, Any]
) -> bool:
    """Whether the member's own certificates (their password changes) lead from the key the
    file knew to the new one."""
    try:
        certs = [identity.Cert.from_json(raw) for raw in detail.get("certs", [])]
    except (ValueError, TypeError):
        return False
    found = identity.vouched_keys(store_id, certs, {name: old}).get(name)
    return found is not None and found.leads(old, new)


def _school_signers(
    store_id: str,
    events: list[AuditEvent],
    heads: list[SignedHead],
    anchors: Mapping[str, bytes],
    strict: bool,
    report: FileReport,
) -> list[SignedHead]:
    """Heads signed by an account whose key was registered, with certificates from an
    administrator this account trusts, before it signed, and who was not disabled then.
    Without every authority (not ``strict``), a chain from an administrator this account
    cannot know of is noted, not failed."""
    registered: dict[str, set[bytes]] = {}
    successors: dict[str, dict[bytes, bytes]] = {}
    disabled: set[str] = set()
    valid: list[SignedHead] = []
    changes = [e for e in events if e.action in ACCOUNT_EVENTS]
    start = 0
    for head in heads:
        while start < len(changes) and changes[start].seq <= head.seq:
            event = changes[start]
            start += 1
            name = str(event.object_id)
            if event.action == "user.disabled":
                disabled.add(name)
            elif event.action == "user.enabled":
                disabled.discard(name)
            else:
                key = _b64(event.detail.get("sign_public"))
                chain = [identity.Cert.from_json(c) for c in event.detail.get("identity", [])]
                if _forks(chain, name, successors.setdefault(name, {})):
                    report.problems.append(
                        f"{name} registered a signing key (audit row {event.seq}) made from a key "
                        "that had already been changed: a kept copy of an old key file was used "
                        "(or a password change was interrupted and done again)"
                    )
                elif identity.problem(store_id, chain, anchors, name, key) is None:
                    registered.setdefault(name, set()).add(key)
                elif not strict:
                    registered.setdefault(name, set()).add(key)
                    note = (
                        "some signers' keys are vouched for by an administrator only a DSL's "
                        "or the headteacher's files can confirm"
                    )
                    if note not in report.notes:
                        report.notes.append(note)
                else:
                    report.problems.append(
                        f"{name} registered a signing key (audit row {event.seq}) that no "
                        "administrator you trust vouched for"
                    )
        if head.signer in disabled:
            report.problems.append(
                f"signed head #{head.seq} is signed by {head.signer} after their account was "
                "disabled"
            )
        elif head.sign_public in registered.get(head.signer, set()):
            valid.append(head)
        else:
            report.problems.append(
                f"signed head #{head.seq} is signed by {head.signer} with a key they never "
                "registered"
            )
    return valid


def _forks(chain: list[identity.Cert], name: str, successors: dict[bytes, bytes]) -> bool:
    """Whether ``chain`` changes one of ``name``'s keys to a second successor: a key is
    changed once, by its holder, and the first change recorded wins."""
    for cert in chain:
        if cert.subject == name and cert.kind in identity.ISSUED_BY_SELF:
            first = successors.setdefault(cert.issuer_key, cert.subject_key)
            if first != cert.subject_key:
                return True
    return False


# Roles whose holders change accounts, roles and the school's configuration: administrators
# add and disable accounts, import pupils and keep settings, lists and the calendar; members
# (the head, DSLs, a behaviour lead) grant and remove reading roles and keep lists.
ACCOUNT_MANAGERS = frozenset({"admin", "head", "dsl", "behaviour_lead"})
PRIVILEGED_TABLES = frozenset(
    {
        "user",
        "user_role",
        "pupil",
        "setting",
        "list_item",
        "school_term",
        "closure_day",
        "training_entry",
        "policy_version",
        "disposal_notice",
    }
)
# Tables only some of those roles write (the rest: any account manager). A member of staff's
# own confirmation is theirs to write: its signature, not its writer, is what counts.
TABLE_WRITERS = {
    "training_entry": frozenset({"admin", "head", "dsl"}),
    "policy_version": frozenset({"head", "dsl"}),
    # A notice that a record was disposed of: its author's next sign-in removes their own
    # copies of it. Only the headteacher disposes of records.
    "disposal_notice": frozenset({"head"}),
}
# Rows of these tables whose removal is their owner's (only writing them is privileged).
OWNER_REMOVES = frozenset({"disposal_notice"})
RECOVERY_SIGNER = "@recovery"


def _check_account_writers(
    events: list[AuditEvent], trusted: list[SignedHead], report: FileReport
) -> None:
    """Every account, role, pupil or configuration row in `school` was written under the
    signature of someone who then held a role that may change it. Any account can sign
    commits to `school` (it records there), so a signature alone makes no such change
    legitimate."""
    if not trusted:
        return
    covered = coverage(trusted)
    set_up = min(h.seq for h in trusted)  # the set-up's commit makes the first accounts
    names: dict[int, str] = {}
    roles: dict[int, set[str]] = {}

    def roles_of(signer: str) -> set[str]:
        ids = [i for i, name in names.items() if name == signer]
        return set().union(*(roles.get(i, set()) for i in ids)) if ids else set()

    for event in events:
        if event.action == "backup.restored":
            by = covered.get(event.seq)
            if by is not None and "admin" in roles_of(by.signer):
                report.restores.add(event.seq)
            elif by is not None:
                report.problems.append(
                    f"audit row {event.seq} records a restore under the signature of "
                    f"{by.signer}, who was not an administrator"
                )
        rows = [
            r
            for r in event.detail.get("rows", [])
            if r
            and r[0] in PRIVILEGED_TABLES
            and not (r[0] in OWNER_REMOVES and len(r) > 2 and r[2] == ledger.DELETE)
        ]
        _note_notices(event, report)
        if not rows:
            continue
        covering = covered.get(event.seq)
        signer = None if covering is None else covering.signer
        allowed = signer is None or event.seq <= set_up or signer == RECOVERY_SIGNER
        held = roles_of(signer) if signer is not None else set()
        may_write = all(held & TABLE_WRITERS.get(str(r[0]), ACCOUNT_MANAGERS) for r in rows)
        if not allowed and signer is not None and not may_write:
            report.unauthorised.add(event.seq)
            changed = sorted({str(r[4]) for r in rows if len(r) > 4 and r[4]})
            tables = sorted({str(r[0]) for r in rows})
            on = f" ({', '.join(changed)})" if changed else ""
            report.problems.append(
                f"audit row {event.seq} changed {', '.join(tables)}{on} under the signature "
                f"of {signer}, who held no role that may do that"
            )
        if signer is None or event.seq in report.unauthorised:
            continue  # what nobody (or nobody allowed) signed gives no one a role
        for row in rows:
            table, pk, op = row[0], row[1], row[2]
            if table == "user" and op != "delete" and len(row) > 4 and row[4]:
                names[int(pk[0])] = str(row[4])
            elif table == "user_role":
                held_roles = roles.setdefault(int(pk[0]), set())
                if op == "delete":
                    held_roles.discard(str(pk[1]))
                else:
                    held_roles.add(str(pk[1]))
                who = names.get(int(pk[0]), "")
                report.role_changes.append(RoleChange(event.at, who, str(pk[1]), op != "delete"))
            elif table == "disposal_notice" and op == ledger.INSERT and "head" in held:
                report.head_notices.add(int(pk[0]))


def _note_notices(event: AuditEvent, report: FileReport) -> None:
    """A disposal notice removed (at its owner's sign-in) that no headteacher's signed commit
    wrote was slipped in behind the program's back, and may have removed their copies."""
    for row in event.detail.get("rows", []):
        if len(row) > 2 and row[0] == "disposal_notice" and row[2] == ledger.DELETE:
            if int(row[1][0]) in report.head_notices:
                report.head_notices.discard(int(row[1][0]))
            else:
                report.problems.append(
                    f"audit row {event.seq} removed disposal_notice row {row[1]}, which no "
                    "headteacher's signed commit wrote: the notice was added behind the "
                    "program's back, and may have removed someone's own copies of a record"
                )
