"""Policies staff read and confirm: a DSL or the headteacher publishes a version (a new one
replaces the old as current); each member of staff confirms "read and understood" with their
own signing key; leaders see who has not.

A confirmation counts only when its signature holds against a key the school file's
certificates vouch its holder made under their own password (services.confirmations): a row
written by anyone else, with any key, counts for nothing, and `verify` reports it. Only
active members of staff are counted, as confirmed or not, and asked: an account whose only
role is a governor's (the chair of governors) is neither.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from safedesk.domain.clock import to_stored
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.formatting import date_text, moment_text
from safedesk.domain.local_time import to_local
from safedesk.domain.people import User
from safedesk.domain.policies import (
    LABELS,
    PURPOSE,
    Confirmed,
    Standing,
    StoredConfirmation,
    StoredPolicy,
    signed_payload,
    validate_policy,
)
from safedesk.domain.roles import Permission, is_staff
from safedesk.services import confirmations, genuine_accounts
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import audit, policies
from safedesk.store.db import Connection

_PUBLISHING = "publish a policy"
_WATCHING = "see who has confirmed the school's policies"


@dataclass(frozen=True)
class MyPolicy:
    """A current policy as one member of staff sees it: when they confirmed it, if they did."""

    policy: StoredPolicy
    confirmed_at: datetime | None


def may_manage(user: User) -> bool:
    """Whether ``user`` publishes policies and sees who has confirmed them (DSLs, the head)."""
    return user.can(Permission.POLICY_PUBLISH)


def publish(session: Session, payload: Mapping[str, Any], pdf: bytes | None = None) -> int:
    """Publish a version of a policy (``pdf``: the policy itself, optional). A version of the
    same title published before is replaced as current. Returns the version's id."""
    session.require(Permission.POLICY_PUBLISH, _PUBLISHING)
    limit = get_settings(session).attachment_limit_mb * 1024 * 1024
    now = session.clock.now()
    policy = validate_policy(payload, today=to_local(now).date(), limit_bytes=limit, pdf=pdf)
    with session.store.write() as conn:
        if policies.version_exists(conn, policy.title, policy.version):
            raise ValidationError(
                {
                    LABELS["version"]: f"{policy.version} of {policy.title} was published "
                    "already: give the new one another version"
                }
            )
        policy_id = policies.insert_version(conn, policy, author=session.user.username, at=now)
        session.audit(
            conn,
            "policy.published",
            object_type="policy",
            object_id=str(policy_id),
            detail={"pdf_bytes": len(policy.pdf or b""), "pdf_sha256": policy.pdf_sha256},
        )
    return policy_id


def _payload(conn: Connection, policy: StoredPolicy, at: datetime) -> dict[str, Any]:
    """What a confirmation signs: the version, its note and its PDF's hash (a changed policy
    is no longer the one confirmed), and when."""
    found = policies.pdf(conn, policy.id)
    digest = hashlib.sha256(found[0]).hexdigest() if found else None
    return {
        **signed_payload(policy),
        "note": policy.note,
        "pdf_sha256": digest,
        "at": to_stored(at),
    }


class _Checker:
    """Whether confirmation rows count (services.confirmations.Checker), and whether each
    version is still as it was published: a PDF or note changed behind the program's back
    is no longer the policy anyone confirmed."""

    def __init__(self, session: Session, conn: Connection) -> None:
        del session  # the answer is the same for whoever looks
        self.rows = confirmations.Checker(conn, "policy_confirmation")
        self.versions = confirmations.Checker(conn, "policy_version", self.rows.store_id)
        self.conn = conn

    def verdict(self, policy: StoredPolicy, row: StoredConfirmation) -> confirmations.Verdict:
        if row.policy_id != policy.id or not self.versions.as_written(policy.id):
            return confirmations.Verdict(False)
        return self.rows.check(
            row.id,
            row.username,
            PURPOSE,
            _payload(self.conn, policy, row.confirmed_at),
            row.signature,
            at=row.confirmed_at,
            earliest=policy.published_at,
        )

    def holds(self, policy: StoredPolicy, row: StoredConfirmation) -> bool:
        return self.verdict(policy, row).holds


def _confirmed_at(
    checker: _Checker, policy: StoredPolicy, rows: Sequence[StoredConfirmation]
) -> dict[str, datetime]:
    """Each person's first confirmation of ``policy`` that holds."""
    return {who: at for who, (at, _reset) in _verdicts(checker, policy, rows).items()}


def _reset_by(reset: confirmations.Reset | None) -> str | None:
    return None if reset is None else reset.by


def _verdicts(
    checker: _Checker, policy: StoredPolicy, rows: Sequence[StoredConfirmation]
) -> dict[str, tuple[datetime, confirmations.Reset | None]]:
    """Each person's first confirmation of ``policy`` that holds, with the reset (by someone
    else) its key descends from."""
    found: dict[str, tuple[datetime, confirmations.Reset | None]] = {}
    for row in rows:
        if row.policy_id != policy.id or row.username in found:
            continue
        verdict = checker.verdict(policy, row)
        if verdict.holds:
            found[row.username] = (row.confirmed_at, verdict.reset)
    return found


def _current(conn: Connection, policy_id: int) -> StoredPolicy:
    policy = policies.by_id(conn, policy_id)
    if policy is None:
        raise NotFound(f"There is no policy {policy_id}.")
    if not policies.is_current(conn, policy_id):
        raise ValidationError(
            {"Policy": f"{policy.label} has been replaced by a newer version: confirm that one"}
        )
    return policy


def confirm(session: Session, policy_id: int) -> datetime:
    """The signed-in member of staff confirms they have read and understood the current
    version ``policy_id``, signed with their own key. Returns when."""
    with session.store.read() as conn:
        policy = _current(conn, policy_id)
        rows = policies.confirmations(conn, [policy.id], session.user.username)
        done = _confirmed_at(_Checker(session, conn), policy, rows)
    if session.user.username in done:
        raise ValidationError(
            {
                "Policy": f"you confirmed {policy.label} already, on "
                f"{moment_text(done[session.user.username])}"
            }
        )
    at = session.clock.now()
    if at < policy.published_at:
        raise ValidationError(
            {
                "Policy": "this computer's clock says it is before the policy was published: "
                "check its date and time"
            }
        )
    with session.store.read() as conn:
        payload = _payload(conn, policy, at)
    signature = confirmations.sign_confirmation(session, PURPOSE, payload)
    with session.store.write() as conn:
        row_id = policies.insert_confirmation(
            conn, policy.id, username=session.user.username, at=at, signature=signature
        )
        session.audit(
            conn,
            "policy.confirmed",
            object_type="policy",
            object_id=str(policy.id),
            detail={"row": row_id},
        )
    return at


def mine(session: Session) -> list[MyPolicy]:
    """Every current policy, with when the signed-in person confirmed it (None: not yet)."""
    username = session.user.username
    with session.store.read() as conn:
        current = policies.current(conn)
        rows = policies.confirmations(conn, [p.id for p in current], username)
        checker = _Checker(session, conn)
        return [MyPolicy(p, _confirmed_at(checker, p, rows).get(username)) for p in current]


def outstanding(session: Session) -> list[StoredPolicy]:
    """The current policies the signed-in person has not yet confirmed (asked at sign-in; a
    governor is not asked)."""
    if not is_staff(session.user.roles):
        return []
    return [m.policy for m in mine(session) if m.confirmed_at is None]


def standings(session: Session, *, include_old: bool = False) -> list[Standing]:
    """Each current version (every version, with ``include_old``) and who among the active
    accounts has and has not confirmed it. DSLs and the headteacher."""
    session.require(Permission.POLICY_PUBLISH, _WATCHING)
    return _standings(session, include_old=include_old)


def _standings(session: Session, *, include_old: bool = False) -> list[Standing]:
    with session.store.read() as conn:
        shown = policies.all_versions(conn) if include_old else policies.current(conn)
        # as the program wrote them: an account re-enabled behind its back stays disabled
        active = [u for u in genuine_accounts.as_written(conn)[0] if u.active and is_staff(u.roles)]
        rows = policies.confirmations(conn, [p.id for p in shown])
        checker = _Checker(session, conn)
        found = []
        for policy in shown:
            done = _verdicts(checker, policy, rows)
            confirmed = tuple(
                Confirmed(
                    u.username,
                    u.display_name,
                    done[u.username][0],
                    _reset_by(done[u.username][1]),
                )
                for u in active
                if u.username in done
            )
            waiting = tuple((u.username, u.display_name) for u in active if u.username not in done)
            found.append(Standing(policy, confirmed, waiting))
    return found


def figures(session: Session) -> list[tuple[str, str, int, int]]:
    """(title, version, confirmed, staff) for each current policy: no names (the governors'
    report). The caller checks who may ask."""
    return [
        (s.policy.title, s.policy.version, len(s.confirmed), s.staff) for s in _standings(session)
    ]


def document(session: Session, policy_id: int) -> bytes:
    """A version's PDF, to view in the app (every account reads the school's policies).
    Refused when its bytes are not those it was published with."""
    with session.store.read() as conn:
        policy = policies.by_id(conn, policy_id)
        found = policies.pdf(conn, policy_id)
        published = _published_hash(conn, policy_id)
        as_written = confirmations.Checker(conn, "policy_version").as_written(policy_id)
    if policy is None:
        raise NotFound(f"There is no policy {policy_id}.")
    if found is None:
        raise NotFound(f"{policy.label} has no document attached.")
    data, _digest = found
    actual = hashlib.sha256(data).hexdigest()
    if actual != published or not as_written:
        raise ValidationError(
            {LABELS["pdf"]: "is not the file that was published; ask the administrator to verify"}
        )
    return data


def _published_hash(conn: Connection, policy_id: int) -> str | None:
    """The PDF's hash as the publishing audit event recorded it (not the row's own column,
    which a raw connection can change with the PDF)."""
    for event in audit.events_with_action(conn, "policy.published"):
        if event.object_id == str(policy_id):
            digest = event.detail.get("pdf_sha256")
            return None if digest is None else str(digest)
    return None


def published_words(policy: StoredPolicy) -> str:
    """ "Published on 01/09/2026 by Ms Ada Ngozi" """
    return f"Published on {date_text(policy.published_on)} by {policy.author_name}"


def today(session: Session) -> date:
    return to_local(session.clock.now()).date()
