"""Who a new record reaches, in words a member of staff reads after submitting it.

Truthful for the school as it is: a school with no behaviour lead is told who does see its
behaviour records, and the words never promise a reader who does not exist.
"""

from __future__ import annotations

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services.session import Session
from safedesk.store import users

_TITLES = {
    Role.DSL: "the Designated Safeguarding Lead",
    Role.BEHAVIOUR_LEAD: "the behaviour lead",
    Role.HEAD: "the headteacher",
}


def _held(session: Session) -> set[Role]:
    """The reading roles some active account holds (granted, not only asked for)."""
    with session.store.read() as conn:
        accounts = users.all_users(conn)
    return {role for account in accounts if account.active for role in account.roles}


def _joined(titles: list[str]) -> str:
    if len(titles) == 1:
        return titles[0]
    return ", ".join(titles[:-1]) + " and " + titles[-1]


def readers(session: Session, kind: Kind) -> list[Role]:
    """The roles whose holders will see a new record of this kind, in the order named."""
    held = _held(session)
    if kind is Kind.CONCERN:
        wanted = [Role.DSL] if Role.DSL in held else [Role.HEAD]
    elif kind is Kind.BEHAVIOUR:
        wanted = [Role.BEHAVIOUR_LEAD] if Role.BEHAVIOUR_LEAD in held else [Role.HEAD, Role.DSL]
    else:
        wanted = [Role.BEHAVIOUR_LEAD, Role.HEAD] if Role.BEHAVIOUR_LEAD in held else [Role.HEAD]
        if Role.BEHAVIOUR_LEAD not in held:
            wanted.append(Role.DSL)
    return [role for role in wanted if role in held]


def where_it_goes(session: Session, kind: Kind) -> str:
    """ "It has gone to …" for the page shown after a record is submitted."""
    roles = readers(session, kind)
    if not roles:
        return (
            "It is kept safely, but no one in the school can read it yet: no account holds "
            "the role that reviews it. Please tell the headteacher."
        )
    names = _joined([_TITLES[role] for role in roles])
    if kind is Kind.CONCERN:
        return f"It has gone to {names}'s queue."
    if Role.BEHAVIOUR_LEAD not in roles:
        return f"The school has no behaviour lead, so it has gone to {names}."
    return f"It has gone to {names}."
