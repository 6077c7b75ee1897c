"""The signed-in person's own password, checked without signing in again (the privacy screen).

Checked against the key slot the session was opened with (held in memory, so a key file
swapped behind the program's back cannot put another password in its place), and only while
that slot is still the account's active one in the key file (not disabled, not reset). Wrong
passwords count towards the account's sign-in back-off, through their own door, so the screen
cannot be used to guess faster than the sign-in window allows. Slow on purpose (the KDF is
memory-hard): never on the UI thread.
"""

from __future__ import annotations

from safedesk.domain.errors import AuthenticationError, SignInBackoff
from safedesk.services import signin_backoff
from safedesk.services.session import Session
from safedesk.store import keyfile
from safedesk.store.key_material import open_slot
from safedesk.store.keyfile import ACTIVE

PRIVACY = "privacy"  # the door the back-off and the audit name
NOT_YOURS = "That is not the password of the person signed in."
CHANGED = (
    "This account has changed since you signed in (disabled, or its password reset). "
    "Choose Lock instead and sign in again."
)


def check_own_password(session: Session, password: str, *, door: str = PRIVACY) -> int:
    """Return how many wrong passwords were typed for this account since it last got in, or
    raise AuthenticationError (SignInBackoff while it must wait)."""
    account = session.account
    if account is None or session.locked:
        raise AuthenticationError(CHANGED)
    key_file = keyfile.load(session.paths.keys)
    current = key_file.account(session.user.username)
    slot = account.slot
    if current is None or current.state != ACTIVE or current.slot_id != slot.slot_id:
        raise AuthenticationError(CHANGED)
    path = session.paths.signin_failures
    before = signin_backoff.load(path)
    tried = before.count(slot.slot_id).consecutive - signin_backoff.trying(before, slot.slot_id)
    wait, attempt = signin_backoff.begin_attempt(path, slot.slot_id, session.clock.now(), door)
    if wait > 0:
        raise SignInBackoff(wait)
    try:
        opened = open_slot(key_file, slot, password)
    except AuthenticationError:
        signin_backoff.failed(path, attempt)
        raise AuthenticationError(NOT_YOURS) from None
    opened.wipe()  # the session holds the account's secrets already: no second copy
    signin_backoff.succeeded(path, slot.slot_id, attempt)
    if not session.locked:
        with session.store.write() as conn:
            session.audit(
                conn,
                "screen.returned",
                object_type="user",
                object_id=session.user.username,
                detail={"door": door, "wrong_before": max(0, tried)},
            )
    return max(0, tried)
