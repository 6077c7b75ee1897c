"""Signed chain heads, and the heads each file has seen of the others.

At each commit the file's audit chain head is signed (Ed25519) by the account that made the
commit; in a compartment the school file's newest signed head is recorded as seen, and after
the commit the compartment's own new head is published into the school file. Every head seen
anywhere (there, in backup manifests, printed on PDFs) must stay in the chain it came from.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from safedesk.domain.clock import to_stored
from safedesk.store import audit, crypto, ledger
from safedesk.store.crypto import SignKeys
from safedesk.store.db import Connection, Store
from safedesk.store.identity import Cert

SCHOOL = "school"


@dataclass(frozen=True)
class SignedHead:
    file: str
    seq: int
    hash: str
    signer: str
    sign_public: bytes
    signature: bytes
    at: str
    # The first audit row the signer's commit wrote: rows before it (back to the previous
    # signed head) are not theirs, and a head never vouches for them.
    from_seq: int = 0

    def valid(self, store_id: str) -> bool:
        message = head_message(store_id, self.file, self.seq, self.hash, self.from_seq)
        return crypto.verify(self.sign_public, message, self.signature)

    @property
    def label(self) -> str:
        """How a head is written where people read it (a PDF, verify's output)."""
        return f"{self.file} #{self.seq} {self.hash}"


def head_message(store_id: str, file: str, seq: int, digest: str, from_seq: int) -> bytes:
    return crypto.canonical(["safedesk-head/2", store_id, file, seq, digest, from_seq])


def schema_hash(conn: Connection) -> str:
    """The file's whole schema: tables, indexes, views and triggers (a dropped trigger shows)."""
    rows = conn.execute(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM main.sqlite_master ORDER BY type, name"
    ).fetchall()
    return hashlib.sha256(crypto.canonical([list(r) for r in rows])).hexdigest()


_COLUMNS = "seq, hash, signer, sign_public, signature, at, from_seq"


def _row(file: str, row: tuple[Any, ...]) -> SignedHead:
    seq, digest, signer, public, signature, at, from_seq = row
    return SignedHead(
        file,
        int(seq),
        str(digest),
        str(signer),
        bytes(public),
        bytes(signature),
        str(at),
        int(from_seq),
    )


def signed_heads(conn: Connection, file: str, schema: str = "main") -> list[SignedHead]:
    return [
        _row(file, tuple(r))
        for r in conn.execute(f"SELECT {_COLUMNS} FROM {schema}.signed_head ORDER BY seq")
    ]


def latest_signed(conn: Connection, file: str, schema: str = "main") -> SignedHead | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM {schema}.signed_head ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return None if row is None else _row(file, tuple(row))


def seen_heads(conn: Connection, file: str) -> list[SignedHead]:
    return [
        _row(file, tuple(r))
        for r in conn.execute(
            "SELECT seq, hash, signer, sign_public, signature, seen_at, from_seq "
            "FROM main.seen_head WHERE file = ? ORDER BY seq",
            (file,),
        )
    ]


def record_seen(conn: Connection, head: SignedHead, at: datetime) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO seen_head "
        "(file, seq, hash, signer, sign_public, signature, seen_at, from_seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            head.file,
            head.seq,
            head.hash,
            head.signer,
            head.sign_public,
            head.signature,
            to_stored(at),
            head.from_seq,
        ),
    )


def sign_head(
    conn: Connection,
    store_id: str,
    file: str,
    signer: str,
    keys: SignKeys,
    at: datetime,
    from_seq: int | None,
) -> SignedHead | None:
    """Sign the chain's head over the rows this commit wrote (from ``from_seq``); nothing
    when it wrote none."""
    current = audit.head(conn)
    if from_seq is None or current.seq < from_seq:
        return None
    signature = keys.sign(head_message(store_id, file, current.seq, current.hash, from_seq))
    stamp = to_stored(at)
    inserted = conn.execute(
        "INSERT OR IGNORE INTO signed_head "
        "(seq, hash, signer, sign_public, signature, at, from_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (current.seq, current.hash, signer, keys.public, signature, stamp, from_seq),
    ).rowcount
    if not inserted:
        # A head is already signed at this row: the chain was cut back behind the program's
        # back. The school's work goes on; `verify` names the rewrite.
        return None
    return SignedHead(
        file, current.seq, current.hash, signer, keys.public, signature, stamp, from_seq
    )


# Who signs: their name, their signing key, and the certificates that prove it is theirs.
Signer = Callable[[], tuple[str, SignKeys, list[Cert]] | None]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass
class CommitHooks:
    """What every commit of one file does (set on its Store by the session that opened it)."""

    store_id: str
    file: str
    signer: Signer
    clock: Callable[[], datetime]
    school: Store | None = None  # a compartment's school file: heads are exchanged with it
    # Told of each head this account signed, once committed (its key slot remembers the
    # newest: a chain cut back behind it is then found).
    signed: Callable[[SignedHead], None] | None = None
    _just_signed: dict[int, SignedHead] = field(default_factory=dict)

    def attach(self, store: Store) -> None:
        store.before_commit = self.before_commit
        store.after_commit = self.after_commit
        store.on_rollback = self.forget

    def forget(self, conn: Connection) -> None:
        ledger.discard(conn)
        audit.forget_written(conn)
        self._just_signed.pop(id(conn), None)

    def before_commit(self, conn: Connection) -> None:
        signer = self.signer()
        now = self.clock()
        if ledger.pending(conn):
            audit.append(conn, at=now, actor=signer[0] if signer else None, action="rows.written")
        if self.school is not None:
            seen = latest_signed(conn, SCHOOL, schema="school")
            if seen is not None:
                record_seen(conn, seen, now)
        if signer is not None and audit.named_written(conn):
            name, keys, chain = signer
            if self.file == SCHOOL:
                register_signer(conn, now, name, keys.public, chain)
            head = sign_head(
                conn, self.store_id, self.file, name, keys, now, audit.first_written(conn)
            )
            if head is not None:
                self._just_signed[id(conn)] = head
        audit.forget_written(conn)

    def after_commit(self, conn: Connection) -> None:
        head = self._just_signed.pop(id(conn), None)
        if head is None:
            return
        if self.signed is not None:
            self.signed(head)
        if self.school is None:
            return
        with self.school.write() as school_conn:
            record_seen(school_conn, head, self.clock())


# --- who may sign the school file's heads -------------------------------------------------


def registered_key(conn: Connection, username: str) -> bytes | None:
    """The signing key ``username`` last registered in this file (school), if any."""
    row = conn.execute(
        "SELECT detail FROM main.audit_log WHERE action = 'signer.key' AND object_id = ? "
        "ORDER BY seq DESC LIMIT 1",
        (username,),
    ).fetchone()
    if row is None:
        return None
    return base64.b64decode(json.loads(row[0])["sign_public"])


def register_signer(
    conn: Connection, at: datetime, username: str, key: bytes, chain: list[Cert]
) -> None:
    """Before an account first signs the school file's heads with ``key``: the key, with the
    certificates that prove it is theirs (every account writes to the school file)."""
    if registered_key(conn, username) == key:
        return
    audit.append(
        conn,
        at=at,
        actor=username,
        action="signer.key",
        object_type="user",
        object_id=username,
        detail={"sign_public": b64(key), "identity": [c.to_json() for c in chain]},
    )
