"""The recovery key: a key pair, kept on paper by the headteacher, that is a member of every
compartment. It resets a forgotten password and keeps the account's memberships, then the
keys are rotated so the forgotten password (with any old key file) opens nothing."""

from __future__ import annotations

from safedesk.domain.clock import Clock, SystemClock
from safedesk.domain.compartments import READING, Compartment
from safedesk.domain.errors import (
    AuthenticationError,
    SafedeskError,
    SignInBackoff,
    ValidationError,
)
from safedesk.domain.people import validate_password
from safedesk.paths import DataPaths
from safedesk.services import keys as key_ops
from safedesk.services import rotation, signin, signin_backoff
from safedesk.services.rotation import RECOVERY_MEMBER
from safedesk.store import audit, crypto, evidence, keyfile, members, users
from safedesk.store.crypto import KdfParams
from safedesk.store.db import Gate, Store
from safedesk.store.identity import issue
from safedesk.store.key_material import (
    AccountSecrets,
    CompartmentKeys,
    Pin,
    make_slot,
    open_recovery,
    seal_keys,
)
from safedesk.store.keyfile import KeyFile

ACTOR = "recovery key"
ACTOR_NAME = RECOVERY_MEMBER  # its name in a compartment's members and authorities
# A wrong key and an unknown (or disabled) account get the same answer.
NOT_RIGHT = (
    "The username or the recovery key is not right. Check the username, and each group of "
    "the recovery key."
)
NO_KEY_YET = (
    "This safedesk has no recovery key yet: it is made at the headteacher's first sign-in. "
    "Until then, ask your administrator to reset your password."
)


def reset_with_recovery_key(
    paths: DataPaths,
    recovery_key: str,
    username: str,
    new_password: str,
    kdf: KdfParams | None = None,
    clock: Clock | None = None,
) -> None:
    """Set a new password for any active account, proving authority with the recovery key."""
    clock = clock or SystemClock()
    if reason := validate_password(new_password):
        raise ValidationError({"password": reason})
    key_file = signin.require_store(paths)
    if key_file.recovery is None:
        raise AuthenticationError(NO_KEY_YET)
    failures = paths.signin_failures
    # Counted and audited like a sign-in (the next sign-in writes it to the log).
    wait, attempt = signin_backoff.begin_attempt(
        failures, signin_backoff.RECOVERY, clock.now(), door="recovery"
    )
    if wait > 0:
        raise SignInBackoff(wait)
    try:
        recovery = open_recovery(key_file, recovery_key)
    except AuthenticationError:
        signin_backoff.failed(failures, attempt)
        raise AuthenticationError(NOT_RIGHT) from None
    signin_backoff.succeeded(failures, signin_backoff.RECOVERY, attempt)
    name = keyfile.normalise_username(username)
    now = clock.now()
    school_keys = key_ops.compartment_keys(key_file, Compartment.SCHOOL, [recovery.box.private])
    if school_keys is None:
        raise SafedeskError("The recovery key no longer opens this safedesk.")
    gate = Gate()
    school, held = key_ops.open_file(paths, Compartment.SCHOOL, school_keys, gate=gate)

    def signed_by_recovery_key(file: Compartment, store: Store) -> None:
        # Its commits are signed by the recovery key: an authority in every file.
        evidence.CommitHooks(
            key_file.store_id,
            file.value,
            lambda: (ACTOR_NAME, recovery.sign, []),
            clock.now,
            None if file is Compartment.SCHOOL else school,
        ).attach(store)

    signed_by_recovery_key(Compartment.SCHOOL, school)
    opened: dict[Compartment, tuple[Store, CompartmentKeys]] = {}
    try:
        with school.read() as conn:
            user = users.by_username(conn, name)
        if user is None or not user.active:
            raise AuthenticationError(NOT_RIGHT)
        keep: dict[Compartment, CompartmentKeys] = {Compartment.SCHOOL: held}
        pins: dict[str, Pin] = {"recovery": recovery.pin}
        for compartment in READING:
            found = key_ops.compartment_keys(key_file, compartment, [recovery.box.private])
            if found is None:
                continue
            store, keys = key_ops.open_file(
                paths,
                compartment,
                found,
                gate=gate,
                attachments=(key_ops.school_attachment(school),),
            )
            signed_by_recovery_key(compartment, store)
            opened[compartment] = (store, keys)
            pins[compartment.value] = keys.pin  # every compartment: a writer trusts these
            with store.read() as conn:
                if members.find(conn, name) is not None:
                    keep[compartment] = keys
        secrets = AccountSecrets.new(name, "own", pins)
        # The recovery key (an authority in every compartment) vouches for the new key.
        secrets.identity = [
            issue(key_file.store_id, "reset", ACTOR_NAME, recovery.sign, name, secrets.sign.public)
        ]
        fresh = make_slot(key_file, secrets, new_password, kdf or KdfParams())

        def change(current: KeyFile) -> KeyFile:
            old = current.account(name)
            trimmed = current
            if old is not None and old.box_public:
                trimmed = current.without_sealed(to=crypto.fingerprint(old.box_public))
            sealed = [seal_keys(trimmed, k, secrets.box.public) for k in keep.values()]
            return trimmed.with_account(fresh.slot).with_sealed(*sealed)

        keyfile.update(paths.keys, change)
        fresh.wipe()
        for compartment, (store, _keys) in opened.items():
            if compartment not in keep:
                continue
            with store.write() as conn:
                members.put(conn, name, secrets.box.public, secrets.sign.public, ACTOR, now)
                audit.append(
                    conn,
                    at=now,
                    actor=None,
                    action="member.keys_changed",
                    object_type="user",
                    object_id=name,
                    detail={"by": ACTOR},
                )
        with school.write() as conn:
            audit.append(
                conn,
                at=now,
                actor=None,
                action="password.reset_with_recovery_key",
                object_type="user",
                object_id=name,
            )
    finally:
        for store, _keys in opened.values():
            store.close()
        school.close()
    signin_backoff.succeeded(paths.signin_failures, key_file.slot_id(name))
    # Now as the account itself: new keys for everything it opens.
    session = signin.sign_in(paths, name, new_password, clock=clock)
    try:
        why = f"password of {name} reset with the recovery key"
        rotation.rotate(session, Compartment.SCHOOL, reason=why)
        for compartment in list(session.compartments):
            rotation.rotate(session, compartment, reason=why)
    finally:
        session.lock()
