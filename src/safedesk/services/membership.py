"""Grants in person, and taking roles away.

A reading role is granted by a member of every compartment it needs, with the grantee
present: their own password opens their key slot, which proves the public key the
compartment's keys are sealed to is theirs. Nobody grants themselves anything.
"""

from __future__ import annotations

from safedesk.domain.compartments import (
    READING,
    RESTRICTED,
    ROLE_COMPARTMENTS,
    Compartment,
    compartments_for,
    is_reading_role,
)
from safedesk.domain.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    SafedeskError,
    ValidationError,
)
from safedesk.domain.people import RoleRequest, User, validate_password
from safedesk.domain.roles import Permission, Role
from safedesk.services import keys as key_ops
from safedesk.services.session import Session
from safedesk.services.users import _end_access, _name, _target, require_confirmed
from safedesk.store import access, crypto, keyfile, members
from safedesk.store import allegations as allegations_store
from safedesk.store.crypto import KdfParams
from safedesk.store.key_material import (
    UnlockedAccount,
    make_slot,
    open_slot,
    rewrap,
    seal_keys,
    with_new_keys,
)
from safedesk.store.keyfile import ACTIVE, PENDING, KeyFile


class OwnPasswordNeeded(PermissionDenied):
    """The grantee's password was chosen by an administrator: they choose their own first."""


def _existing(session: Session, role: Role) -> list[Compartment]:
    made = keyfile.load(session.paths.keys).epochs
    return sorted(c for c in ROLE_COMPARTMENTS[role] if c.value in made)


def _needed(session: Session, role: Role) -> list[Compartment]:
    """The compartments a grant of ``role`` seals to the grantee: those that exist and the
    granter holds. An allegations file goes only from its member (a head granting a head);
    a DSL granting the head's role gives safeguarding and behaviour, never allegations."""
    return [c for c in _existing(session, role) if session.member_of(c)]


def _may_grant(session: Session, role: Role) -> None:
    needed = ROLE_COMPARTMENTS[role]
    if not needed:
        session.require(Permission.USER_MANAGE, f"give the {role.label} role")
        return
    existing = _existing(session, role)
    if role is Role.CHAIR_OF_GOVERNORS and not existing:
        raise SafedeskError(
            "The chair of governors' file for allegations about the headteacher is made when "
            "the first chair chooses their own password. The administrator adds the chair's "
            "account with this role; nobody grants it until then."
        )
    # The pupils' files the role reads; for the chair, their allegations file (all it has).
    must_hold = [c for c in existing if c not in RESTRICTED] or existing
    missing = [c for c in must_hold if not session.member_of(c)]
    if missing:
        session.refuse(f"grant the {role.label} role", role=role.value)


def grant(
    session: Session,
    username: str,
    role: Role,
    grantee_password: str,
    *,
    new_password: str | None = None,
    kdf: KdfParams | None = None,
) -> User:
    """Give ``username`` the role ``role``; their password proves they are here in person.

    A reading role's keys go only to key pairs made under a password its holder chooses here
    and now, in person (``new_password``): nothing inside a key slot can prove its password
    was never an administrator's (whoever knows a slot's password can rewrite what it says
    about itself), so the grant makes new pairs nobody else has seen."""
    username = _name(username)
    if username == session.user.username:
        raise PermissionDenied(
            "Nobody grants themselves a role: another member does it, with you present."
        )
    _may_grant(session, role)
    target = _target(session, username)
    if not target.active:
        raise SafedeskError(f"{target.display_name}'s account is disabled; enable it again first.")
    # An allegations file never goes to someone an allegation in it is about.
    needed = _needed(session, role)
    withheld = [c for c in needed if c in RESTRICTED and _is_subject(session, c, target)]
    if withheld and all(c in RESTRICTED for c in needed):
        _audit_withheld(session, withheld, username, role)
        raise SafedeskError(
            f"{target.display_name} cannot be given the {role.label} role: an allegation about "
            "them is in the file that role opens. Nothing has been changed."
        )
    needed = [c for c in needed if c not in withheld]
    key_file = keyfile.load(session.paths.keys)
    slot = key_file.account(username)
    try:
        grantee = open_slot(key_file, slot, grantee_password)
    except AuthenticationError:
        raise AuthenticationError(
            f"That is not {target.display_name}'s password. They type it themselves, in person."
        ) from None
    reading = bool(ROLE_COMPARTMENTS[role])
    if reading and new_password is not None and new_password == grantee_password:
        grantee.wipe()
        raise ValidationError({"new password": "must differ from the password typed first"})
    if reading and (new_password is not None or not _member_already(session, grantee)):
        if new_password is None:
            grantee.wipe()
            raise OwnPasswordNeeded(
                f"{username} chooses a new password now, in person, as the role is granted "
                "(in the app, the grant asks for it; on the command line, "
                "SAFEDESK_GRANTEE_NEW_PASSWORD): only keys made under a password nobody else "
                "has seen may hold these records."
            )
        grantee = _own_password_now(session, grantee, new_password, kdf)
    elif grantee.slot.state == PENDING:
        grantee = key_ops.activate(session.paths, grantee)
    now = session.clock.now()
    for compartment in (*READING, *RESTRICTED):
        # The granter's own keys, for every file it holds: pins that came with the slot
        # (from whoever made it) are not trusted where the granter can say better.
        if session.member_of(compartment):
            grantee.secrets.pins[compartment.value] = session.keys[compartment].pin
    if "recovery" not in grantee.secrets.pins and session.account is not None:
        recovery = session.account.secrets.pins.get("recovery")
        if recovery is not None:
            grantee.secrets.pins["recovery"] = recovery
    held = [session.keys[c] for c in needed]

    def change(current: KeyFile) -> KeyFile:
        fresh = rewrap(current, grantee, state=ACTIVE)
        sealed = [seal_keys(current, keys, grantee.secrets.box.public) for keys in held]
        return current.with_account(fresh.slot).with_sealed(*sealed)

    try:
        keyfile.update(session.paths.keys, change)
    finally:
        grantee.wipe()
    for compartment in needed:
        with session.compartment(compartment).write() as conn:
            members.put(
                conn,
                username,
                grantee.secrets.box.public,
                grantee.secrets.sign.public,
                session.user.username,
                now,
            )
            session.audit(
                conn,
                "member.added",
                object_type="user",
                object_id=username,
                detail={"role": role.value},
            )
    with session.store.write() as conn:
        access.grant_role(conn, target.id, role, session.user.username, now)
        access.clear_request(conn, target.id, role)
        session.audit(
            conn,
            "role.granted",
            object_type="user",
            object_id=username,
            detail={"role": role.value},
        )
    if withheld:
        _audit_withheld(session, withheld, username, role)
        session.warning = (
            f"{target.display_name} has been given the {role.label} role and the pupils' "
            "files, but not the allegations file: an allegation about them is in that file, "
            "so they cannot hold it. You keep it, as does any other headteacher who holds it."
        )
    return _target(session, username)


def _is_subject(session: Session, compartment: Compartment, target: User) -> bool:
    """Whether an allegation or low-level concern in this allegations file is about
    ``target`` (the granter holds the file, so can look)."""
    with session.compartment(compartment).read() as conn:
        return allegations_store.is_subject(conn, target.username, target.display_name)


def _audit_withheld(
    session: Session, withheld: list[Compartment], username: str, role: Role
) -> None:
    """Audited inside the file itself: the school file must not show that an allegation
    about this person exists."""
    for compartment in withheld:
        with session.compartment(compartment).write() as conn:
            session.audit(
                conn,
                "member.withheld",
                object_type="user",
                object_id=username,
                detail={"role": role.value, "why": "subject"},
            )


def _member_already(session: Session, grantee: UnlockedAccount) -> bool:
    """Whether the grantee already holds another reading file with exactly these keys: they
    were made under a password chosen in person at an earlier grant (a compartment's member
    list is written only by its members)."""
    for compartment in READING:
        if not session.member_of(compartment):
            continue
        with session.compartment(compartment).read() as conn:
            found = members.find(conn, grantee.secrets.username)
        if (
            found is not None
            and found.box_public == grantee.secrets.box.public
            and found.sign_public == grantee.secrets.sign.public
        ):
            return True
    return False


def _own_password_now(
    session: Session, grantee: UnlockedAccount, new_password: str, kdf: KdfParams | None
) -> UnlockedAccount:
    """The grantee, present, sets a password of their own: new key pairs under it (their
    `school` keys resealed to them; the administrator, who knew the old password, holds
    `school` anyway, so there is nothing to rotate)."""
    if reason := validate_password(new_password):
        grantee.wipe()
        raise ValidationError({"new password": reason})
    key_file = keyfile.load(session.paths.keys)
    fresh = make_slot(
        key_file,
        with_new_keys(grantee.secrets, key_file.store_id, "own"),
        new_password,
        kdf or KdfParams(),
    )
    old_public = grantee.secrets.box.public
    school_keys = session.keys[Compartment.SCHOOL]

    def change(current: KeyFile) -> KeyFile:
        trimmed = current.without_sealed(to=crypto.fingerprint(old_public))
        sealed = seal_keys(trimmed, school_keys, fresh.secrets.box.public)
        return trimmed.with_account(fresh.slot).with_sealed(sealed)

    keyfile.update(session.paths.keys, change)
    grantee.wipe()
    with session.store.write() as conn:
        session.audit(
            conn, "password.set_in_person", object_type="user", object_id=grantee.secrets.username
        )
    return fresh


def revoke(session: Session, username: str, role: Role) -> list[Compartment]:
    """Take ``role`` away; compartments it no longer needs get new keys it never holds.
    Returns those whose new keys wait for a member (the one acting is not one)."""
    username = _name(username)
    target = _target(session, username)
    if role not in target.roles:
        raise NotFound(f"{username} does not hold the {role.label} role.")
    if not session.user.can(Permission.USER_MANAGE):
        _may_grant(session, role)
    else:
        require_confirmed(session)
    if username == session.user.username and role is Role.ADMIN:
        raise SafedeskError("You cannot remove your own administrator role while signed in.")
    remaining = target.roles - {role}
    losing = compartments_for(target.roles) - compartments_for(remaining)
    from safedesk.services import restricted_files

    last = [c for c in restricted_files.losing_last(session, username) if c in losing]
    restricted_files.record_orphaned(session, last, username)
    with session.store.write() as conn:
        access.remove_role(conn, target.id, role)
        session.audit(
            conn,
            "role.removed",
            object_type="user",
            object_id=username,
            detail={"role": role.value},
        )
    if losing:
        _drop_sealed(session, username, losing)
        _end_access(
            session,
            username,
            losing,
            f"{role.label} role removed from {username} by {session.user.username}",
            school=None,
        )
    return sorted(c for c in losing if not session.member_of(c))


def _drop_sealed(session: Session, username: str, losing: frozenset[Compartment]) -> None:
    def change(current: KeyFile) -> KeyFile:
        slot = current.account(username)
        if slot is None or not slot.box_public:
            return current
        to = crypto.fingerprint(slot.box_public)
        for compartment in losing:
            current = current.without_sealed(compartment=compartment.value, to=to)
        return current

    keyfile.update(session.paths.keys, change)


def requests(session: Session) -> list[RoleRequest]:
    """Roles waiting for a grant that this member could make (for the queue)."""
    with session.store.read() as conn:
        found = access.requests(conn)
    return [
        r
        for r in found
        if is_reading_role(r.role) and all(session.member_of(c) for c in ROLE_COMPARTMENTS[r.role])
    ]


def confirm(session: Session, username: str, password: str) -> None:
    """A member who holds every reading compartment tells an account, in person (its holder
    types their password), which public keys are genuine: its pins. Nothing secret is given;
    what it makes (accounts, records) then trusts these keys and no others."""
    username = _name(username)
    if username == session.user.username:
        raise PermissionDenied("Another member confirms your account, with you present.")
    # The head (or the chair of governors) also passes on the keys of the allegations file
    # they hold, so that anyone can raise a concern about an adult into it, sealed. The chair,
    # who holds no pupils' file, confirms only that.
    holds_reading = all(session.member_of(c) for c in READING)
    restricted = [c for c in RESTRICTED if session.member_of(c)]
    if (not holds_reading and not restricted) or session.account is None:
        session.refuse("confirm accounts", action="confirm")
    assert session.account is not None
    target = _target(session, username)
    if not target.active:
        raise SafedeskError(f"{target.display_name}'s account is disabled.")
    key_file = keyfile.load(session.paths.keys)
    try:
        account = open_slot(key_file, key_file.account(username), password)
    except AuthenticationError:
        raise AuthenticationError(
            f"That is not {target.display_name}'s password. They type it themselves, in person."
        ) from None
    for compartment in (*READING, *restricted) if holds_reading else restricted:
        account.secrets.pins[compartment.value] = session.keys[compartment].pin
    recovery = session.account.secrets.pins.get("recovery")
    if recovery is not None and holds_reading:
        account.secrets.pins["recovery"] = recovery
    # An administrator the chair confirms is an authority in the chair's file too: without
    # it, a concern about the head from an account that administrator made was kept unopened
    # there as "not vouched for", while its author was told it had been passed on.
    is_admin = Role.ADMIN in target.roles
    if is_admin:
        from safedesk.services.integrity import school_file_problems

        # The role is read from `school`, which every account can write to with a raw
        # connection: only a role the program granted, signed, may make someone an authority.
        if school_file_problems(session):
            account.wipe()
            raise SafedeskError(
                f"{username} is not confirmed: the school file has been changed outside "
                "safedesk, so their administrator role cannot be trusted. Nothing has been "
                "changed. Run 'safedesk-admin verify' and tell the headteacher."
            )
    # An administrator confirmed in person becomes an authority: the compartments take in
    # records from the accounts it vouches for.
    account.secrets.authority = account.secrets.authority or (is_admin and holds_reading)
    if is_admin:
        now = session.clock.now()
        for compartment in (*READING, *restricted) if holds_reading else restricted:
            with session.compartment(compartment).write() as conn:
                members.add_authority(
                    conn, username, account.secrets.sign.public, session.user.username, now
                )
                session.audit(conn, "authority.added", object_type="user", object_id=username)

    def change(current: KeyFile) -> KeyFile:
        slot = current.account(username)
        if (
            slot is None
            or slot.slot_id != account.slot.slot_id
            or slot.wrapped != account.slot.wrapped
        ):
            raise SafedeskError(f"{username}'s key slot changed meanwhile. Try again.")
        return current.with_account(rewrap(current, account).slot)

    try:
        keyfile.update(session.paths.keys, change)
    finally:
        account.wipe()
    with session.store.write() as conn:
        session.audit(conn, "account.confirmed", object_type="user", object_id=username)
