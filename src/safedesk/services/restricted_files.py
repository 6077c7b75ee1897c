"""Who holds the allegations files, whether they were ever made, and founding one anew.

Whether an allegations file was ever made is read from the school file (its published keys
and its audit log, both written and signed by the program), never from the key file, which
any user of the PC can edit. A file is founded anew only after the program recorded, in the
school file, that the last account holding it lost it (a password reset, a disabling, the
role taken away): the old file is kept aside, still encrypted, never overwritten.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from safedesk.domain.clock import from_stored
from safedesk.domain.compartments import RESTRICTED, Compartment
from safedesk.domain.formatting import date_text
from safedesk.domain.local_time import to_local
from safedesk.domain.roles import Permission, Role
from safedesk.services.session import Session
from safedesk.store import access, audit, crypto, key_chain, keyfile, users
from safedesk.store.keyfile import DISABLED, KeyFile

CREATED = "compartment.created"
ORPHANED = "compartment.orphaned"  # the last account holding it lost it
SET_ASIDE = "compartment.set_aside"  # the old file renamed, before a new one is made

HOLDER_ROLE = {
    Compartment.ALLEGATIONS: Role.HEAD,
    Compartment.ALLEGATIONS_HEAD: Role.CHAIR_OF_GOVERNORS,
}
WHO = {
    Compartment.ALLEGATIONS: "headteacher",
    Compartment.ALLEGATIONS_HEAD: "chair of governors",
}


def _events(session: Session, compartment: Compartment) -> list[str]:
    """The school file's record of this file's life, oldest first: only rows its signed
    chain vouches for (a row appended behind the program's back, by anyone holding the
    school file's key, neither orphans a file nor sets one aside)."""
    from safedesk.services.integrity import school_report

    with session.store.read() as conn:
        found = [
            e
            for action in (CREATED, ORPHANED, SET_ASIDE)
            for e in audit.events_with_action(conn, action)
            if e.object_id == compartment.value
        ]
    if not found:
        return []
    vouched = school_report(session).vouched
    return [e.action for e in sorted(found, key=lambda e: e.seq) if vouched(e.seq)]


def ever_made(session: Session, compartment: Compartment) -> bool:
    """Whether the school file shows this file was made (keys published, or its creation)."""
    with session.store.read() as conn:
        if key_chain.published(conn, compartment.value):
            return True
    return CREATED in _events(session, compartment)


def orphaned(session: Session, compartment: Compartment) -> bool:
    """Whether the program recorded that nobody holds this file any more (and it has not
    been made anew since)."""
    events = _events(session, compartment)
    return bool(events) and events[-1] == ORPHANED


def holders(session: Session, compartment: Compartment) -> set[str]:
    """Enabled accounts the key file gives this file's current keys to. From the key file
    (the administrator cannot open the file's member list): used to warn, never to found."""
    key_file = keyfile.load(session.paths.keys)
    epochs = key_file.epochs.get(compartment.value)
    if epochs is None:
        return set()
    to = {s.to for s in key_file.sealed if s.compartment == compartment.value}
    with session.store.read() as conn:
        active = [u for u in users.all_users(conn) if u.active]
    found = set()
    for user in active:
        slot = key_file.account(user.username)
        if slot is None or slot.state == DISABLED or not slot.box_public:
            continue
        if crypto.fingerprint(slot.box_public) in to and HOLDER_ROLE[compartment] in user.roles:
            found.add(user.username)
    return found


def losing_last(session: Session, username: str) -> list[Compartment]:
    """The allegations files ``username`` is the last enabled holder of."""
    return [c for c in sorted(RESTRICTED) if holders(session, c) == {username}]


def last_member_warning(session: Session, username: str) -> str | None:
    """Said to the administrator before a password reset, a disabling or a role removal
    that would leave an allegations file with nobody able to open it."""
    losing = losing_last(session, username)
    if not losing:
        return None
    said = []
    for compartment in losing:
        who = WHO[compartment]
        said.append(
            f"{username} is the only {who} who can open the file for {compartment.label}. "
            "If you go on, nobody can ever open the records in it again: safedesk keeps "
            f"the file aside, still locked, and starts a new, empty one at the next {who}'s "
            "sign-in. "
            f"If {username} can still sign in, ask them to give the file to a second {who} "
            "first (a grant in person)."
        )
    return "\n\n".join(said)


def record_orphaned(session: Session, compartments: list[Compartment], username: str) -> None:
    """Recorded in the school file, by the program: the last holder lost these files."""
    if not compartments:
        return
    with session.store.write() as conn:
        for compartment in compartments:
            session.audit(
                conn,
                ORPHANED,
                object_type="compartment",
                object_id=compartment.value,
                detail={"last_holder": username},
            )


def _aside_path(session: Session, compartment: Compartment) -> Path:
    day = to_local(session.clock.now()).date().isoformat()
    base = f"{compartment.value}-unopened-{day}"
    candidate = session.paths.root / f"{base}.db"
    number = 2
    while candidate.exists():
        candidate = session.paths.root / f"{base}-{number}.db"
        number += 1
    return candidate


def set_aside(session: Session, compartment: Compartment) -> Path | None:
    """The old, unopenable file renamed (never overwritten) and forgotten by the key file and
    the school file's published keys, so a new one can be made. Audited in the school file."""
    old = session.paths.database(compartment.value)
    aside: Path | None = None
    if old.exists():
        aside = _aside_path(session, compartment)
        old.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = old.with_name(old.name + suffix)
            if extra.exists():
                extra.rename(aside.with_name(aside.name + suffix))

    def change(current: KeyFile) -> KeyFile:
        epochs = {k: v for k, v in current.epochs.items() if k != compartment.value}
        trimmed = current.without_sealed(compartment=compartment.value)
        return dataclasses.replace(trimmed, epochs=epochs)

    keyfile.update(session.paths.keys, change)
    with session.store.write() as conn:
        conn.execute("DELETE FROM compartment_key WHERE compartment = ?", (compartment.value,))
        access.rotation_done(conn, compartment.value)
        session.audit(
            conn,
            SET_ASIDE,
            object_type="compartment",
            object_id=compartment.value,
            detail={"kept_as": aside.name if aside else None},
        )
    if session.account is not None:
        session.account.secrets.heads.pop(compartment.value, None)
    return aside


def set_aside_at(session: Session, vouched: Callable[[int], bool]) -> dict[str, str]:
    """When each allegations file was last set aside (stored time), for verify: heads seen
    of the file before then belong to the old file. Only rows ``vouched`` (signed by the
    program's commits) count: a row appended behind its back excuses nothing."""
    with session.store.read() as conn:
        found = audit.events_with_action(conn, SET_ASIDE)
    return {str(e.object_id): e.at for e in found if e.object_id and vouched(e.seq)}


def kept_aside(session: Session, compartment: Compartment) -> list[str]:
    """What the Allegations page and verify say about earlier files kept aside."""
    with session.store.read() as conn:
        found = [
            e
            for e in audit.events_with_action(conn, SET_ASIDE)
            if e.object_id == compartment.value and e.detail.get("kept_as")
        ]
    return [
        f"An earlier file for {compartment.label} is kept as {e.detail['kept_as']} (set aside "
        f"on {date_text(to_local(from_stored(e.at)).date())}): nobody could open it any more "
        f"after the last {WHO[compartment]} holding it lost access. It stays locked; keep it "
        "with the school's backups."
        for e in found
    ]


def missing_message(compartment: Compartment) -> str:
    return (
        f"The file for {compartment.label} ({compartment.value}.db) is missing or the key file no "
        "longer knows it, though the school file shows it was made. Nothing has been made in "
        "its place. Restore the safedesk folder from a backup (Admin → Backups), and tell the "
        "school's data protection lead."
    )


def how_to_get(compartment: Compartment) -> str:
    """The real way in, for a refusal."""
    who = WHO[compartment]
    return (
        f"Only a {who} who already holds this file can give it to you, in person (a grant "
        f"of the {who} role). If nobody holds it any more, safedesk keeps the old file aside "
        f"and starts a new one at a {who}'s next sign-in."
    )


def verify_findings(session: Session) -> tuple[list[str], list[str]]:
    """For verify: (problems, notes). A problem: an allegations file the school file shows
    was made is missing, or unknown to the key file, and nobody recorded losing it. A note:
    an earlier file kept aside, and why."""
    problems, notes = [], []
    known = keyfile.load(session.paths.keys).epochs
    for compartment in RESTRICTED:
        if not ever_made(session, compartment) or orphaned(session, compartment):
            continue
        path = session.paths.database(compartment.value)
        if compartment.value not in known or not path.exists():
            problems.append(f"{compartment.value}: {missing_message(compartment)}")
        if compartment in session.compartments or session.user.can(Permission.USER_MANAGE):
            notes += kept_aside(session, compartment)
    return problems, notes
