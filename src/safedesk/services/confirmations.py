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

from collections.abc import Callable, Mapping
from typing import Any

from safedesk.domain.errors import PermissionDenied
from safedesk.services import integrity
from safedesk.services.session import Session
from safedesk.store import audit, crypto, identity
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


def own_keys(
    conn: Connection,
    username: str,
    *,
    store_id: str | None = None,
    anchors: Mapping[str, bytes] | None = None,
    vouched: Callable[[int], bool] | None = None,
) -> set[bytes]:
    """The signing keys the file's certificates prove ``username`` made under a password of
    their own (a password change of theirs, or an administrator's own), from one in
    ``anchors`` (default: the file's first). ``vouched`` says which audit rows count."""
    store = store_id if store_id is not None else store_id_of(conn)
    trusted = dict(anchors) if anchors is not None else file_anchors(conn)
    found: set[bytes] = set()
    for event in audit.events_with_action(conn, _SIGNER_KEY):
        if event.object_id != username or (vouched is not None and not vouched(event.seq)):
            continue
        proven = identity.vouched_keys(store, _chain(event.detail), trusted).get(username)
        if proven is None:
            continue
        found |= {key for _before, key, how in proven.edges if how in _OWN}
    return found


def confirmation_holds(
    conn: Connection,
    username: str,
    purpose: str,
    payload: Mapping[str, Any],
    signature: bytes,
    *,
    store_id: str | None = None,
    anchors: Mapping[str, bytes] | None = None,
    keys: set[bytes] | None = None,
) -> bool:
    """Whether ``signature`` is ``username``'s own over ``payload`` for ``purpose``, checked
    against the keys the file vouches are theirs (``keys``: those, worked out once for many)."""
    store = store_id if store_id is not None else store_id_of(conn)
    found = keys if keys is not None else own_keys(conn, username, store_id=store, anchors=anchors)
    signed = message(store, username, purpose, payload)
    return any(crypto.verify(key, signed, bytes(signature)) for key in found)
