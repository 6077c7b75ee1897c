"""Setting up a school: the key file, the `school` file and its first accounts; the reading
compartments and the recovery key are made with the headteacher's own password."""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass

from safedesk.domain.clock import Clock, SystemClock
from safedesk.domain.compartments import READING, RESTRICTED, Compartment
from safedesk.domain.errors import SafedeskError, ValidationError
from safedesk.domain.people import validate_password, validate_username
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import keys as key_ops
from safedesk.services.rotation import RECOVERY_MEMBER
from safedesk.services.session import Session
from safedesk.store import (
    access,
    audit,
    evidence,
    keyfile,
    ledger,
    members,
    migrate,
    school,
    users,
)
from safedesk.store.crypto import KdfParams
from safedesk.store.db import Gate, Store
from safedesk.store.identity import issue
from safedesk.store.key_material import (
    AccountSecrets,
    CompartmentKeys,
    RecoveryKeys,
    UnlockedAccount,
    make_recovery,
    make_slot,
    new_recovery_code,
    seal_keys,
)
from safedesk.store.keyfile import ACTIVE, Epochs, KeyFile

SET_UP = "set-up"  # who granted the roles an account was created with


@dataclass(frozen=True)
class NewSchool:
    recovery_key: str | None  # None when the headteacher will make it at first sign-in
    paths: DataPaths


@dataclass(frozen=True)
class Headteacher:
    """The headteacher's account when the person setting up is not the head."""

    username: str
    display_name: str
    one_time_password: str


def validate_new_user(username: str, display_name: str, password: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if reason := validate_username(username):
        problems["username"] = reason
    if not display_name.strip():
        problems["display name"] = "is required"
    elif len(display_name) > 120:
        problems["display name"] = "must be at most 120 characters"
    if reason := validate_password(password):
        problems["password"] = reason
    return problems


def refuse_existing(paths: DataPaths) -> None:
    found = [p.name for p in (paths.keys, paths.legacy_database) if p.exists()]
    found += [p.name for p in paths.root.glob("*.db")] if paths.root.is_dir() else []
    if found:
        raise SafedeskError(
            f"There is already a safedesk store in {paths.root} ({', '.join(sorted(set(found)))})."
            " Nothing has been changed."
        )


def create_school(
    paths: DataPaths,
    *,
    school_name: str,
    username: str,
    display_name: str,
    password: str,
    kdf: KdfParams | None = None,
    clock: Clock | None = None,
    headteacher: Headteacher | None = None,
) -> NewSchool:
    """A new school whose first user is the administrator.

    Without ``headteacher`` the first user is also the head: the reading compartments and
    the recovery key are made now, with their password, and the recovery key returned. With
    it, the head's account is made with a one-time password, and those are made at the
    head's first sign-in (the administrator never holds a reading key).
    """
    kdf = kdf or KdfParams()
    clock = clock or SystemClock()
    username = keyfile.normalise_username(username)
    problems = validate_new_user(username, display_name, password)
    if not school_name.strip():
        problems["school"] = "the school's name is required"
    if headteacher is not None:
        head_problems = validate_new_user(
            headteacher.username, headteacher.display_name, headteacher.one_time_password
        )
        problems.update({f"headteacher {k}": v for k, v in head_problems.items()})
        if keyfile.normalise_username(headteacher.username) == username:
            problems["headteacher username"] = "must differ from the administrator's"
    if problems:
        raise ValidationError(problems)
    refuse_existing(paths)
    paths.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    created: list[str] = []
    try:
        return _create(
            paths,
            school_name.strip(),
            username,
            display_name.strip(),
            password,
            kdf,
            clock,
            headteacher,
            created,
        )
    except BaseException:
        # Only what this call made: a half-made store must not stop a second attempt.
        for name in created:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    (paths.root / f"{name}{suffix}").unlink()
        raise


def _create(
    paths: DataPaths,
    school_name: str,
    username: str,
    display_name: str,
    password: str,
    kdf: KdfParams,
    clock: Clock,
    headteacher: Headteacher | None,
    created: list[str],
) -> NewSchool:
    now = clock.now()
    is_head = headteacher is None
    key_file = keyfile.new_key_file()
    school_keys = CompartmentKeys.generate(Compartment.SCHOOL.value, 1)
    first_secrets = AccountSecrets.new(username, "own")
    # The first administrator is the root every account's identity chain starts from.
    first_secrets.authority = True
    first_secrets.identity = [
        issue(
            key_file.store_id,
            "root",
            username,
            first_secrets.sign,
            username,
            first_secrets.sign.public,
        )
    ]
    first = make_slot(key_file, first_secrets, password, kdf)
    key_file = key_file.with_account(first.slot)
    publics = [first.secrets.box.public]
    head: UnlockedAccount | None = None
    if headteacher is not None:
        head = key_ops.new_pending_account(
            key_file,
            keyfile.normalise_username(headteacher.username),
            headteacher.one_time_password,
            kdf,
            origin="created",
            issuer=key_ops.Issuer.of(first),
        )
        key_file = key_file.with_account(head.slot)
        publics.append(head.secrets.box.public)
    key_file = key_file.with_sealed(*(seal_keys(key_file, school_keys, p) for p in publics))
    key_file = key_file.with_epochs(Compartment.SCHOOL.value, Epochs(1))
    created.append(paths.keys.name)
    keyfile.save(key_file, paths.keys)
    created.append(paths.database(Compartment.SCHOOL.value).name)
    gate = Gate()
    with Store(paths.database("school"), school_keys.file_key, gate=gate) as store:
        key_ops.migrate_file(store, paths, Compartment.SCHOOL)
        # The set-up is signed, like every later commit, by the first administrator.
        evidence.CommitHooks(
            key_file.store_id,
            Compartment.SCHOOL.value,
            lambda: (username, first.secrets.sign, first.secrets.identity),
            clock.now,
        ).attach(store)
        with store.write() as conn:
            school.insert(conn, school_name, key_file.store_id, now)
            # The lists and settings the schema starts with go into the ledger with the set-up.
            for table in ("setting", "list_item", "school_term", "closure_day"):
                columns = ", ".join(ledger.LEDGER[table])
                for row in conn.execute(f"SELECT {columns} FROM main.{table}").fetchall():
                    ledger.touched(conn, table, list(row))
            roles = {Role.ADMIN, Role.HEAD} if is_head else {Role.ADMIN}
            user_id = users.insert(
                conn, username=username, display_name=display_name, at=now, created_by=None
            )
            for role in roles:
                access.grant_role(conn, user_id, role, SET_UP, now)
            audit.append(conn, at=now, actor=username, action="store.created")
            # The structure the program made, so `verify` can tell a trigger dropped later.
            audit.append(
                conn,
                at=now,
                actor=username,
                action="schema.recorded",
                detail={
                    "hash": evidence.schema_hash(conn),
                    "version": migrate.current_version(conn),
                },
            )
            audit.append(
                conn,
                at=now,
                actor=username,
                action="user.added",
                object_type="user",
                object_id=username,
                detail={"roles": sorted(r.value for r in roles)},
            )
            if headteacher is not None:
                head_name = keyfile.normalise_username(headteacher.username)
                head_id = users.insert(
                    conn,
                    username=head_name,
                    display_name=headteacher.display_name.strip(),
                    at=now,
                    created_by=username,
                )
                access.grant_role(conn, head_id, Role.HEAD, SET_UP, now)
                audit.append(
                    conn,
                    at=now,
                    actor=username,
                    action="user.added",
                    object_type="user",
                    object_id=head_name,
                    detail={"roles": [Role.HEAD.value]},
                )
        store.schema_changed = False  # recorded above, signed with the rest of the set-up
        if not is_head:
            return NewSchool(None, paths)
        with store.read() as conn:
            user = users.by_username(conn, username)
        assert user is not None
        session = Session(
            paths, store, user, clock, account=first, gate=gate, store_id=key_file.store_id
        )
        session.keys[Compartment.SCHOOL] = school_keys
        key_ops.attach_evidence(session, Compartment.SCHOOL, store)
        key_ops.record_schema_if_changed(session, store)
        for compartment in (*READING, Compartment.ALLEGATIONS):
            created.append(paths.database(compartment.value).name)
        code = make_reading_compartments(session, kdf)
        for opened in session.compartments.values():
            opened.close()
    return NewSchool(code, paths)


def make_reading_compartments(session: Session, kdf: KdfParams) -> str:
    """At the headteacher's first sign-in: the recovery key and the reading compartments,
    sealed to the head and the recovery key. Returns the recovery key, to show once."""
    assert session.account is not None
    paths, now = session.paths, session.clock.now()
    code = new_recovery_code()
    holder: list[RecoveryKeys] = []

    def add_recovery(current: KeyFile) -> KeyFile:
        if current.recovery is not None:
            raise SafedeskError("This safedesk already has a recovery key.")
        slot, pair = make_recovery(current, code, kdf)
        holder.append(pair)
        school_keys = session.keys[Compartment.SCHOOL]
        with_recovery = KeyFile(
            current.store_id,
            current.lookup_salt,
            current.accounts,
            slot,
            current.epochs,
            current.sealed,
        )
        return with_recovery.with_sealed(seal_keys(current, school_keys, pair.box.public))

    keyfile.update(paths.keys, add_recovery)
    recovery = holder[0]
    session.account.secrets.pins["recovery"] = recovery.pin
    # The compartments trust the identity chains that start at the administrator who made
    # the head's account (the head, when they set the school up), and the recovery key.
    root = session.account.secrets.identity[0]
    for compartment in READING:
        store, keys = key_ops.create_compartment(
            paths,
            compartment,
            session.account,
            recovery.box.public,
            session.store,
            now,
            functools.partial(key_ops.attach_evidence, session, compartment),
        )
        with store.write() as conn:
            members.put(
                conn, RECOVERY_MEMBER, recovery.box.public, recovery.sign.public, SET_UP, now
            )
            members.add_authority(conn, root.issuer, root.issuer_key, SET_UP, now)
            members.add_authority(conn, RECOVERY_MEMBER, recovery.sign.public, SET_UP, now)
        session.compartments[compartment] = store
        session.keys[compartment] = keys
        key_ops.follow(session, compartment, store)
        key_ops.record_schema_if_changed(session, store)
    session.account = key_ops.save_account(paths, session.account)
    with session.store.write() as conn:
        audit.append(
            conn,
            at=now,
            actor=session.user.username,
            action="recovery_key.created",
        )
    session.new_recovery_code = code
    if Compartment.ALLEGATIONS.value not in keyfile.load(paths.keys).epochs:
        make_restricted_compartment(session, Compartment.ALLEGATIONS)
    return code


def make_restricted_compartment(session: Session, compartment: Compartment) -> None:
    """An allegations compartment, made in its founder's own session under their own password
    (the head's `allegations`; the chair of governors' `allegations_head`): sealed to them
    alone, never to the recovery key, so nobody else ever held its keys."""
    assert session.account is not None
    if compartment not in RESTRICTED:
        raise ValueError(f"{compartment.value} is not an allegations compartment")
    paths, now = session.paths, session.clock.now()
    root = session.account.secrets.identity[0]
    store, keys = key_ops.create_compartment(
        paths,
        compartment,
        session.account,
        None,
        session.store,
        now,
        functools.partial(key_ops.attach_evidence, session, compartment),
    )
    try:
        with store.write() as conn:
            # Writers' keys are vouched for by chains from the first administrator.
            members.add_authority(conn, root.issuer, root.issuer_key, SET_UP, now)
    except BaseException:
        store.close()
        raise
    session.compartments[compartment] = store
    session.keys[compartment] = keys
    key_ops.follow(session, compartment, store)
    key_ops.record_schema_if_changed(session, store)
    session.account = key_ops.save_account(paths, session.account)
    with session.store.write() as conn:
        session.audit(
            conn, "compartment.created", object_type="compartment", object_id=compartment.value
        )


def make_missing_restricted(session: Session) -> list[Compartment]:
    """Allegations compartments this person founds now. The head's, once the head holds the
    safeguarding file (their keys were made under their own password): a school set up
    before allegations existed gets it at the head's next sign-in. The chair's first file is
    made at their own password change (``users.change_own_password``).

    Whether a file was ever made is what the school file shows, never the key file. One the
    program recorded as held by nobody any more is kept aside and made anew; one that is
    missing otherwise is never made anew silently: the person is told to restore a backup."""
    from safedesk.services import restricted_files

    if session.account is None:
        return []
    made: list[Compartment] = []
    founders = {
        Compartment.ALLEGATIONS: Role.HEAD in session.user.roles
        and session.member_of(Compartment.SAFEGUARDING),
        Compartment.ALLEGATIONS_HEAD: Role.CHAIR_OF_GOVERNORS in session.user.roles
        and not session.password_from_administrator,
    }
    for compartment, founder in founders.items():
        if not founder or session.member_of(compartment):
            continue
        known = compartment.value in keyfile.load(session.paths.keys).epochs
        if not restricted_files.ever_made(session, compartment):
            if compartment is Compartment.ALLEGATIONS and not known:
                make_restricted_compartment(session, compartment)
                made.append(compartment)
        elif restricted_files.orphaned(session, compartment):
            restricted_files.set_aside(session, compartment)
            make_restricted_compartment(session, compartment)
            made.append(compartment)
        elif not known or not session.paths.database(compartment.value).exists():
            session.restricted_notes[compartment] = restricted_files.missing_message(compartment)
    return made


__all__ = [
    "ACTIVE",
    "Headteacher",
    "NewSchool",
    "create_school",
    "make_missing_restricted",
    "make_reading_compartments",
    "make_restricted_compartment",
    "validate_new_user",
]
