"""Who signed a record: each account's signing key is vouched for by a chain of certificates
from an administrator a compartment trusts (an authority), so a colleague cannot record in
someone else's name with a key of their own.

- ``root``: the first administrator's key, signed by itself, at set-up.
- ``created`` / ``reset``: an administrator (or the recovery key) vouches for the key it made
  for a new account, or for one whose password it reset.
- ``activated``: that key vouches for the holder's own first key pair (first sign-in).
- ``changed``: the holder's old key vouches for the new one (their own password change).

A compartment lists its authorities inside itself (the first administrator and the recovery
key when it is made; others when a member confirms them in person). A forger who is no
authority cannot make a chain that reaches another person's name.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safedesk.store import crypto
from safedesk.store.crypto import SignKeys

ISSUED_BY_AUTHORITY = ("root", "created", "reset")
ISSUED_BY_SELF = ("activated", "changed")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Cert:
    kind: str
    issuer: str
    issuer_key: bytes
    subject: str
    subject_key: bytes
    signature: bytes

    def to_json(self) -> list[str]:
        return [
            self.kind,
            self.issuer,
            _b64(self.issuer_key),
            self.subject,
            _b64(self.subject_key),
            _b64(self.signature),
        ]

    @classmethod
    def from_json(cls, raw: Any) -> Cert:
        kind, issuer, issuer_key, subject, subject_key, signature = raw
        decode = base64.b64decode
        return cls(
            str(kind),
            str(issuer),
            decode(issuer_key, validate=True),
            str(subject),
            decode(subject_key, validate=True),
            decode(signature, validate=True),
        )


def message(
    store_id: str, kind: str, issuer: str, issuer_key: bytes, subject: str, subject_key: bytes
) -> bytes:
    return crypto.canonical(
        ["safedesk-cert", store_id, kind, issuer, _b64(issuer_key), subject, _b64(subject_key)]
    )


def issue(
    store_id: str, kind: str, issuer: str, issuer_keys: SignKeys, subject: str, subject_key: bytes
) -> Cert:
    signed = message(store_id, kind, issuer, issuer_keys.public, subject, subject_key)
    return Cert(kind, issuer, issuer_keys.public, subject, subject_key, issuer_keys.sign(signed))


@dataclass(frozen=True)
class Vouched:
    """The keys a chain proves are ``subject``'s: each with the key that vouched for it (None
    when an authority did) and how."""

    edges: tuple[tuple[bytes | None, bytes, str], ...]

    @property
    def keys(self) -> set[bytes]:
        return {key for _before, key, _how in self.edges}

    def leads(self, start: bytes | None, end: bytes, *, via: str | None = None) -> bool:
        """Whether the holder's own certificates lead from ``start`` to ``end`` (``start``
        None: from an authority's ``via`` certificate, e.g. a reset)."""
        frontier = {
            key
            for before, key, how in self.edges
            if before == start and (start is not None or how == via)
        }
        if start is not None:
            frontier.add(start)
        seen: set[bytes] = set()
        while frontier:
            key = frontier.pop()
            if key == end:
                return True
            seen.add(key)
            frontier |= {
                after
                for before, after, how in self.edges
                if before == key and how in ISSUED_BY_SELF and after not in seen
            }
        return False


def vouched_keys(
    store_id: str, chain: Sequence[Cert], authorities: Mapping[str, bytes]
) -> dict[str, Vouched]:
    """For each name in ``chain``, the keys it proves are theirs. ``authorities`` maps each
    administrator this compartment trusts to the key it first knew them by; their later keys
    are followed through their own ``changed`` certificates."""
    trusted: dict[str, set[bytes]] = {name: {key} for name, key in authorities.items()}
    edges: dict[str, list[tuple[bytes | None, bytes, str]]] = {}
    for cert in chain:
        signed = message(
            store_id, cert.kind, cert.issuer, cert.issuer_key, cert.subject, cert.subject_key
        )
        if not crypto.verify(cert.issuer_key, signed, cert.signature):
            continue
        if cert.kind in ISSUED_BY_SELF:
            if cert.issuer != cert.subject:
                continue
            mine = edges.setdefault(cert.subject, [])
            authority = cert.issuer_key in trusted.get(cert.issuer, set())
            if authority or any(key == cert.issuer_key for _b, key, _h in mine):
                mine.append((cert.issuer_key, cert.subject_key, cert.kind))
            if authority:
                trusted[cert.issuer].add(cert.subject_key)
            continue
        if cert.kind in ISSUED_BY_AUTHORITY and cert.issuer_key in trusted.get(cert.issuer, set()):
            edges.setdefault(cert.subject, []).append((None, cert.subject_key, cert.kind))
    for name, keys in trusted.items():
        edges.setdefault(name, []).extend((None, key, "authority") for key in keys)
    return {name: Vouched(tuple(found)) for name, found in edges.items()}


def problem(
    store_id: str,
    chain: Sequence[Cert],
    authorities: Mapping[str, bytes],
    author: str,
    sign_key: bytes,
    last_seen: bytes | None = None,
) -> str | None:
    """Why ``chain`` does not prove that ``sign_key`` is ``author``'s now, or None.

    ``last_seen``: the key this compartment last took a record of theirs with. A different
    key must follow from it by the author's own certificates, or through a later reset by an
    authority: an old key (an old key file, an old password) is not taken back."""
    found = vouched_keys(store_id, chain, authorities).get(author)
    if found is None or sign_key not in found.keys:
        return f"no administrator this file trusts vouched for the key that signed it as {author}"
    if last_seen is None or last_seen == sign_key:
        return None
    if found.leads(last_seen, sign_key) or found.leads(None, sign_key, via="reset"):
        return None
    return f"it was signed with an older key of {author}'s than one already seen"


def reset_over(
    store_id: str,
    chain: Sequence[Cert],
    authorities: Mapping[str, bytes],
    author: str,
    sign_key: bytes,
    last_seen: bytes | None,
) -> str | None:
    """Who reset ``author``'s password between the key last seen and ``sign_key``, when the
    author's own certificates do not lead from one to the other (None: they do). An
    administrator can make a reset certificate for anyone: a reset is for people to check."""
    if last_seen == sign_key:
        return None
    found = vouched_keys(store_id, chain, authorities).get(author)
    if found is None:
        return None
    if last_seen is None:
        # The first item this file sees from them (an allegations file sees few authors):
        # a key their own certificates lead to from how the account was made is theirs; one
        # that only a reset leads to may be an administrator writing in their name.
        made = {key for before, key, how in found.edges if before is None and how != "reset"}
        if any(found.leads(start, sign_key) for start in made) or not found.leads(
            None, sign_key, via="reset"
        ):
            return None
    elif found.leads(last_seen, sign_key):
        return None
    resets = [c.issuer for c in chain if c.kind == "reset" and c.subject == author]
    return resets[-1] if resets else "an administrator"


def follows_from(
    store_id: str,
    chain: Sequence[Cert],
    name: str,
    current: bytes,
    earlier: set[bytes],
    known_signers: Mapping[str, set[bytes]],
) -> bool:
    """Whether ``name``'s key ``current`` follows from the keys ``earlier`` seen signing as
    them: by their own ``activated``/``changed`` certificates, or through a ``created``/
    ``reset`` certificate from someone whose key is itself among ``known_signers`` (a key
    that signed in this store). A key slot planted with keys of someone else's making has
    neither."""
    if not earlier or current in earlier:
        return True
    reached = set(earlier)
    for cert in chain:
        signed = message(
            store_id, cert.kind, cert.issuer, cert.issuer_key, cert.subject, cert.subject_key
        )
        if cert.subject != name or not crypto.verify(cert.issuer_key, signed, cert.signature):
            continue
        own = cert.kind in ISSUED_BY_SELF and cert.issuer == name and cert.issuer_key in reached
        issued = cert.kind in ("created", "reset") and cert.issuer_key in known_signers.get(
            cert.issuer, set()
        )
        if own or issued:
            reached.add(cert.subject_key)
    return current in reached
