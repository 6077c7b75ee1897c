"""Any member of staff raising a concern about an adult working in the school, sealed.

Under Keeping Children Safe in Education anyone may pass on a concern about an adult (an
allegation, or a low-level concern) to the headteacher, or to the chair of governors when it
is about the headteacher, and must not read anyone else's. The concern is sealed to the
public key of the head's file (`allegations`) or the chair's (`allegations_head`) and put in
that file's inbox in `school`, like a concern about a pupil: only the head (or the chair)
opens it, when they next sign in or look at allegations, and it is filed there as raised by
its author. The author keeps no copy (their own My records would show it to whoever signs
in as them); `school` learns only that something was put in the inbox, and when.

Self-reporting is allowed (KCSIE asks staff to report their own conduct that may fall short);
a concern naming an account that holds the headteacher role always goes to the chair.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from safedesk.domain import head_routing
from safedesk.domain.allegations import ADULT_CONCERN_FIELDS, adult_concern_from
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import SafedeskError, ValidationError
from safedesk.domain.roles import Role
from safedesk.domain.text import is_blank, name_words
from safedesk.services import inbox, intake
from safedesk.services.session import Session
from safedesk.store import audit, key_chain, users
from safedesk.store.db import StoreError

log = logging.getLogger(__name__)

_WHO = {
    Compartment.ALLEGATIONS: "the headteacher",
    Compartment.ALLEGATIONS_HEAD: "the chair of governors",
}


class NobodyToReceive(SafedeskError):
    """The file this concern belongs in does not exist yet: nothing was kept."""


@dataclass(frozen=True)
class Raised:
    """Where a concern went, in words for the person who raised it."""

    compartment: Compartment
    message: str


def _route(session: Session, payload: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The sealed body, and whether it is about the headteacher (so goes to the chair)."""
    body: dict[str, Any] = {name: payload.get(name) for name in ADULT_CONCERN_FIELDS}
    about_head = bool(payload.get("about_head"))
    username = body.get("subject_username")
    if is_blank(username):
        body["subject_username"] = None
        return body, about_head or _names_the_head(session, body)
    username = str(username).strip()
    with session.store.read() as conn:
        found = users.by_username(conn, username)
    if found is None:
        raise ValidationError(
            {"subject_username": "is not an account here; write their name instead"}
        )
    body["subject_username"] = found.username
    if is_blank(body.get("subject_name")):
        body["subject_name"] = found.display_name
    return body, about_head or Role.HEAD in found.roles


def _names_the_head(session: Session, body: Mapping[str, Any]) -> bool:
    """A concern typed about the headteacher by name or job (no account picked, the box not
    ticked) still never reaches the head (domain/head_routing.py says how it is read)."""
    if head_routing.is_head_job(body.get("subject_role")):
        return True
    if not name_words(body.get("subject_name")):
        return False
    with session.store.read() as conn:
        heads = [u.display_name for u in users.all_users(conn) if u.active and Role.HEAD in u.roles]
    return head_routing.names_a_head(body.get("subject_name"), heads)


def raise_concern(session: Session, payload: Mapping[str, Any]) -> Raised:
    """Seal a concern about an adult to the head's file (or the chair's, ``about_head``).

    ``payload``: ``subject_username`` (a colleague's account, optional), ``subject_name``,
    ``subject_role``, ``happened_at``, ``what``, ``low_level`` (a low-level concern rather
    than an allegation), ``about_head``. Any signed-in account may raise one."""
    account = session.account
    if account is None:
        raise SafedeskError("Sign in again to raise a concern.")
    now = session.clock.now()
    body, about_head = _route(session, payload)
    kind = "low_level_concern" if payload.get("low_level") else "allegation"
    # Checked here as the head's (or chair's) intake will check it, so nothing is sealed that
    # would be refused there; problems are named by the fields filled in.
    adult_concern_from(kind, body, raised_by=account.secrets.username, now=now)
    compartment = Compartment.ALLEGATIONS_HEAD if about_head else Compartment.ALLEGATIONS
    who = _WHO[compartment]
    with session.store.read() as conn:
        exists = bool(key_chain.published(conn, compartment.value))
    if not exists:
        raise NobodyToReceive(
            f"safedesk cannot pass this on yet: {who} has no file for it in this school's "
            "safedesk. Nothing was kept. Please speak to "
            + (
                "the chair of governors, or the local authority designated officer (LADO), "
                "directly and today."
                if about_head
                else "the headteacher, or the local authority designated officer (LADO), "
                "directly and today."
            )
        )
    try:
        with session.store.write() as conn:
            inbox.put(
                session,
                compartment,
                op="record",
                ref=f"adult-{secrets.token_hex(8)}",
                kind=kind,
                body=body,
                conn=conn,
                keep_copy=False,
            )
            # Who raised it, and about whom, stays inside the seal.
            audit.append(conn, at=now, actor=None, action="inbox.item_put")
    except inbox.NotConfirmed:
        raise inbox.NotConfirmed(
            f"Your account cannot seal a concern to {who} yet, so nothing was kept: "
            f"{who} has not confirmed your account in person. Please speak to {who} "
            "directly (or to the local authority designated officer, LADO), and ask "
            f"{who} to confirm your account."
        ) from None
    if session.member_of(compartment):
        try:
            intake.take_in(session, compartment, own_just_put=True)
        except StoreError as error:
            # It is sealed in the inbox and taken in at the next look: saying "not passed on"
            # here would have it raised twice.
            log.warning("a concern was kept in the inbox (%s)", type(error).__name__)
    return Raised(
        compartment,
        f"Your concern has been sealed and passed to {who}. Only {who} can read it; "
        "you will not see it again in safedesk. If a child is at immediate risk, also speak "
        "to the Designated Safeguarding Lead now.",
    )


@dataclass(frozen=True)
class Colleague:
    username: str
    display_name: str
    is_head: bool


def colleagues(session: Session) -> list[Colleague]:
    """The active accounts a concern may name (the person's own too: self-reporting), by name."""
    with session.store.read() as conn:
        found = users.all_users(conn)
    return sorted(
        (Colleague(u.username, u.display_name, Role.HEAD in u.roles) for u in found if u.active),
        key=lambda c: c.display_name.casefold(),
    )
