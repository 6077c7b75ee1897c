"""Confirmations signed by a member of staff alone: "I attended this course", "I have read this
policy". The confirming account signs the canonical bytes of what it confirms with its own
Ed25519 key, the one made at its own first sign-in under its own password (never a key an
administrator made for it, which the administrator could use until its holder chose a
password). A confirmation counts only when the signature checks out against a key of that
account's that the file's certificate chain vouches for: a key slipped into the school file
behind the program's back, or a signature made by anyone else, counts for nothing.

Every account's signing key is registered in the `school` file (a ``signer.key`` audit event,
with the certificates that prove it is theirs: see store.evidence and store.identity) before
it first signs the file's chain head, which confirming does in the same commit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safedesk.domain.clock import from_stored
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.formatting import date_text
from safedesk.domain.local_time import to_local
from safedesk.domain.roles import Role
from safedesk.services import evidence_check, genuine_accounts, integrity
from safedesk.services.session import Session
from safedesk.store import audit, crypto, evidence, identity, ledger
from safedesk.store.db import Connection
from safedesk.store.identity import Cert

_SIGNER_KEY = "signer.key"
# How a key the holder alone knows the password to is vouched for: their own password change,
# or an administrator the file trusts (who set their own at set-up). Not "created", "reset" or
# "activated": those keys are wrapped under a password an administrator typed.
_OWN = frozenset({"changed", "authority"})


def message(store_id: str, username: str, purpose: str, payload: Mapping[str, Any]) -> bytes:
    """The bytes signed: the store, who confirms, for what purpose, and what (JSON values)."""
    return crypto.canonical(["safedesk-confirmation", store_id, purpose, username, dict(payload)])


def sign_confirmation(session: Session, purpose: str, payload: Mapping[str, Any]) -> bytes:
    """The signed account's own signature over ``payload`` for ``purpose``. Refused (audited)
    while its password (and so its key) is one an administrator set."""
    if session.account is None:
        raise PermissionDenied("This session holds no signing key, so it cannot confirm.")
    if session.password_from_administrator:
        session.refuse(
            "confirm this yet: choose your own password first (Change my password, at the "
            "top), so that only you can confirm in your name",
            purpose=purpose,
        )
    secrets = session.account.secrets
    return secrets.sign.sign(message(session.store_id, session.user.username, purpose, payload))


def store_id_of(conn: Connection) -> str:
    row = conn.execute("SELECT store_id FROM main.school").fetchone()
    return str(row[0]) if row else ""


def file_anchors(conn: Connection) -> dict[str, bytes]:
    """The administrator this file was set up by, from the first registered key's root
    certificate: a row added later cannot come before it without rewriting the chain."""
    for event in audit.events_with_action(conn, _SIGNER_KEY):
        chain = _chain(event.detail)
        if chain and chain[0].kind == "root":
            return {chain[0].issuer: chain[0].issuer_key}
    return {}


def session_anchors(session: Session) -> dict[str, bytes]:
    """The administrators (and the recovery key) whose certificates this account trusts: its
    own chain's root and recovery pin, and each compartment it opens lists its own."""
    return integrity._anchors(session)  # the one definition of whom an account trusts


def _chain(detail: Mapping[str, Any]) -> list[Cert]:
    try:
        return [Cert.from_json(raw) for raw in detail.get("identity", [])]
    except (ValueError, TypeError):
        return []


def authorities(conn: Connection, store_id: str) -> dict[str, bytes]:
    """The administrators whose certificates the file vouches for, the same for every viewer:
    the founding administrator (the first registered root), then each account the program
    made an administrator (as the ledger vouches) whose key a chain from one of those proves."""
    trusted = file_anchors(conn)
    admins = {u.username for u in genuine_accounts.as_written(conn)[0] if Role.ADMIN in u.roles}
    events = audit.events_with_action(conn, _SIGNER_KEY)
    grew = True
    while grew:
        grew = False
        for event in events:
            name = str(event.object_id)
            if name not in admins or name in trusted:
                continue
            proven = identity.vouched_keys(store_id, _chain(event.detail), trusted).get(name)
            made = [
                k
                for b, k, how in (proven.edges if proven else ())
                if b is None and how == "created"
            ]
            if made:
                trusted[name] = made[0]
                grew = True
    return trusted


@dataclass(frozen=True)
class Reset:
    """A password reset by someone else that a confirming key descends from."""

    by: str
    on: datetime


def key_origins(
    conn: Connection, username: str, store_id: str, trusted: Mapping[str, bytes]
) -> dict[bytes, Reset | None]:
    """Each signing key the file's certificates prove ``username`` made under a password of
    their own, with the reset (by someone else) it descends from, if any.

    A key is succeeded once: the first ``activated`` or ``changed`` certificate from it wins,
    and a second change of key from the same key (made with an old key file and a password an
    administrator once knew) is refused."""
    certs: list[Cert] = []
    seen: set[bytes] = set()
    successor: dict[bytes, bytes] = {}
    when: dict[bytes, datetime] = {}
    for event in audit.events_with_action(conn, _SIGNER_KEY):
        if event.object_id != username:
            continue
        for cert in _chain(event.detail):
            if cert.signature in seen:
                continue
            seen.add(cert.signature)
            if cert.subject == username and cert.kind in identity.ISSUED_BY_SELF:
                first = successor.setdefault(cert.issuer_key, cert.subject_key)
                if first != cert.subject_key:
                    continue  # a second change of key from the same key
            when.setdefault(cert.subject_key, from_stored(event.at))
            certs.append(cert)
    proven = identity.vouched_keys(store_id, certs, trusted).get(username)
    if proven is None:
        return {}
    parents = {key: (before, how) for before, key, how in proven.edges}
    resets = {
        c.subject_key: c.issuer
        for c in certs
        if c.kind == "reset" and c.subject == username and c.issuer != username
    }
    found: dict[bytes, Reset | None] = {}
    for _before, key, how in proven.edges:
        if how not in _OWN:
            continue
        origin: Reset | None = None
        step: bytes | None = key
        hops = 0
        while step is not None and hops < 1000:
            hops += 1
            if step in resets:
                origin = Reset(resets[step], when[step])
                break
            step = parents.get(step, (None, ""))[0]
        found[key] = origin
    return found


def own_keys(conn: Connection, username: str, *, store_id: str | None = None) -> set[bytes]:
    """The signing keys the file's certificates prove ``username`` made under a password of
    their own (see key_origins), trusting what the file vouches about its administrators."""
    store = store_id if store_id is not None else store_id_of(conn)
    return set(key_origins(conn, username, store, authorities(conn, store)))


@dataclass(frozen=True)
class Verdict:
    holds: bool
    reset: Reset | None = None


class Checker:
    """Whether confirmation rows of ``table`` count, the same for whoever looks: a row counts
    only when the ledger vouches it was written by the program, is as written, in a commit
    signed by the confirming member themselves with a key of their own, while their account
    was not disabled, not dated before what it confirms, and its signature holds."""

    def __init__(self, conn: Connection, table: str, store_id: str | None = None) -> None:
        self.store_id = store_id or store_id_of(conn)
        self.trusted = authorities(conn, self.store_id)
        self.conn = conn
        self.table = table
        self._origins: dict[str, dict[bytes, Reset | None]] = {}
        chain = audit.walk_chain(conn)
        hashes = dict(conn.execute("SELECT seq, hash FROM main.audit_log").fetchall())
        heads = [
            h
            for h in evidence.signed_heads(conn, evidence.SCHOOL)
            if h.seq <= chain.head.seq and hashes.get(h.seq) == h.hash and h.valid(self.store_id)
        ]
        self.covered = evidence_check.coverage(heads)
        self.written: dict[tuple[str, str], tuple[int, str | None]] = {}
        self.disabled: list[tuple[int, str, bool]] = []
        rows = conn.execute(
            "SELECT seq, action, object_id, detail FROM main.audit_log WHERE instr(detail, ?) > 0"
            " OR action IN ('user.disabled', 'user.enabled') ORDER BY seq",
            (f'"{table}"',),
        )
        for seq, action, object_id, detail in rows:
            if int(seq) not in self.covered:
                continue
            if action in ("user.disabled", "user.enabled"):
                self.disabled.append((int(seq), str(object_id), action == "user.disabled"))
                continue
            try:
                found = json.loads(detail).get("rows", [])
            except (ValueError, AttributeError):
                continue
            for row in found:
                if row and row[0] == table:
                    key = ledger.row_key(table, row[1])
                    self.written[key] = (int(seq), None if row[2] == ledger.DELETE else row[3])
        self.actual = ledger.current_rows(conn, frozenset({table}))

    def origins(self, username: str) -> dict[bytes, Reset | None]:
        if username not in self._origins:
            self._origins[username] = key_origins(self.conn, username, self.store_id, self.trusted)
        return self._origins[username]

    def as_written(self, row_id: int) -> bool:
        """Whether row ``row_id`` of the table is as the program wrote it, in a signed commit."""
        key = ledger.row_key(self.table, [row_id])
        written = self.written.get(key)
        return written is not None and written[1] is not None and written[1] == self.actual.get(key)

    def _disabled_at(self, username: str, seq: int) -> bool:
        state = False
        for at, name, disabled in self.disabled:
            if at < seq and name == username:
                state = disabled
        return state

    def check(
        self,
        row_id: int,
        username: str,
        purpose: str,
        payload: Mapping[str, Any],
        signature: bytes,
        *,
        at: datetime,
        earliest: datetime,
    ) -> Verdict:
        if at < earliest:
            return Verdict(False)  # dated before what it confirms was there
        written = self.written.get(ledger.row_key(self.table, [row_id]))
        if written is None or not self.as_written(row_id):
            return Verdict(False)  # not written by the program, or changed since
        head = self.covered[written[0]]
        origins = self.origins(username)
        if head.signer != username or head.sign_public not in origins:
            return Verdict(False)  # written in someone else's commit
        if self._disabled_at(username, written[0]):
            return Verdict(False)
        signed = message(self.store_id, username, purpose, payload)
        if not crypto.verify(head.sign_public, signed, bytes(signature)):
            return Verdict(False)
        return Verdict(True, origins[head.sign_public])


def reset_words(reset: Reset | None, names: Mapping[str, str] | None = None) -> str:
    """ "confirmed after a password reset by Ms Ada Ngozi on 01/09/2026" (or "")."""
    if reset is None:
        return ""
    who = (names or {}).get(reset.by, reset.by)
    return f"confirmed after a password reset by {who} on {date_text(to_local(reset.on).date())}"
