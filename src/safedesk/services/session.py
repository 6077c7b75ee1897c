"""A signed-in user with the files they may open: the context every service call takes.

``store`` is the `school` file (every account). ``compartments`` holds only the reading
compartments whose keys were sealed to this account *and* that its granted roles need;
anything else is out of reach by key, not only by the permission checks here.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from safedesk.domain.clock import Clock
from safedesk.domain.compartments import RESTRICTED, Compartment, compartments_for
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.people import User
from safedesk.domain.roles import Permission
from safedesk.paths import DataPaths
from safedesk.store import audit
from safedesk.store.db import Connection, Gate, Store
from safedesk.store.evidence import SignedHead
from safedesk.store.key_material import CompartmentKeys, UnlockedAccount


@dataclass
class Session:
    paths: DataPaths
    store: Store  # the `school` file
    user: User
    clock: Clock
    account: UnlockedAccount | None = field(default=None, repr=False)
    keys: dict[Compartment, CompartmentKeys] = field(default_factory=dict, repr=False)
    compartments: dict[Compartment, Store] = field(default_factory=dict)
    gate: Gate = field(default_factory=Gate)
    # Set once at the headteacher's first sign-in: shown to them once, then forgotten.
    new_recovery_code: str | None = field(default=None, repr=False)
    # Something the person must read before going on (shown once, then cleared).
    warning: str | None = None
    # Compartments a member must rotate before writing to them (see services.rotation).
    rotation_due: set[Compartment] = field(default_factory=set)
    store_id: str = ""
    # The key slot's pins or sequence numbers changed: saved when the session ends.
    account_dirty: bool = False
    # Heads this account's key slot remembers signing that a file's chain no longer holds
    # (file -> [seq, hash, at]): the log was cut back or rewritten since (see upkeep).
    heads_broken: dict[str, list[Any]] = field(default_factory=dict)
    # An allegations file this person should hold that is missing (services.setup).
    restricted_notes: dict[Compartment, str] = field(default_factory=dict)
    _heads_checked: set[str] = field(default_factory=set)
    # The school file's evidence check at a given head (services.integrity.school_report).
    evidence_cache: tuple[str, Any] | None = field(default=None, repr=False)
    _maintenance: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._maintenance.set()

    def audit(
        self,
        conn: Connection,
        action: str,
        *,
        object_type: str | None = None,
        object_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> audit.AuditHead:
        """Add an event to the audit log of the file ``conn`` writes to."""
        return audit.append(
            conn,
            at=self.clock.now(),
            actor=self.user.username,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=detail,
        )

    def require(self, permission: Permission, doing: str) -> None:
        """Refuse (and audit the refusal) unless the user holds ``permission``."""
        if self.user.can(permission):
            return
        self.refuse(doing, permission=permission.value)

    def refuse(self, doing: str, **detail: str) -> None:
        with self.store.write() as conn:
            self.audit(conn, "permission.refused", detail=detail)
        raise PermissionDenied(
            f"Your account ({self.user.roles_label or 'no role'}) is not allowed to {doing}. "
            "Ask your Designated Safeguarding Lead or administrator if you need this."
        )

    @property
    def password_from_administrator(self) -> bool:
        """The password was set by an administrator (a new account, or a reset): its holder
        should choose their own, and no reading key goes to it until they do."""
        return self.account is not None and self.account.secrets.origin != "own"

    def member_of(self, compartment: Compartment) -> bool:
        return compartment in self.compartments

    def compartment(self, compartment: Compartment, doing: str = "read these records") -> Store:
        """The open file for ``compartment``, or PermissionDenied (audited) without its key."""
        store = self.compartments.get(compartment)
        if store is None:
            with self.store.write() as conn:
                self.audit(conn, "permission.refused", detail={"compartment": compartment.value})
            # A role that needs these records, on a password an administrator set: the keys
            # come once its holder chooses their own (say so, not who grants access).
            if compartment in self.restricted_notes:
                how = self.restricted_notes[compartment]
            elif self.password_from_administrator and compartment in compartments_for(
                self.user.roles
            ):
                how = "Choose your own password (Change my password, at the top) to get your keys."
            elif compartment in RESTRICTED:
                from safedesk.services.restricted_files import how_to_get

                how = how_to_get(compartment)
            else:
                how = (
                    "Access is granted in person by the Designated Safeguarding Lead or the "
                    "headteacher."
                )
            raise PermissionDenied(
                f"Your account cannot open the {compartment.label}, so it may not {doing}. {how}"
            )
        self._maintenance.wait()
        return store

    def all_stores(self) -> list[Store]:
        return [self.store, *self.compartments.values()]

    def hold_work(self) -> None:
        """Key rotation and taking in sealed records run first: other work waits for them."""
        self._maintenance.clear()

    def release_work(self) -> None:
        self._maintenance.set()

    @property
    def locked(self) -> bool:
        return self.store.closed

    def lock(self) -> None:
        """Close every connection and wipe every key (idle lock, sign out)."""
        if self.store.closed:
            return
        try:
            with self.store.write() as conn:
                self.audit(conn, "signout")
        finally:
            try:
                self.save_account()  # after signing out: the slot remembers that head too
            finally:
                self.close()

    def remember_head(self, head: SignedHead) -> None:
        """The newest head this account signed in a file, kept in its key slot at lock."""
        if self.account is None:
            return
        known = self.account.secrets.heads.get(head.file)
        if known is not None and head.file not in self._heads_checked:
            self._heads_checked.add(head.file)
            if not self._still_holds(head.file, known):
                self.heads_broken[head.file] = list(known)
        if head.file in self.heads_broken:
            return  # kept as it was: the evidence of the cut stays in the slot
        if known is not None and int(known[0]) >= head.seq:
            # The chain was cut back behind the one remembered (or a restore put an older
            # one in place): keep the newer, which `verify` checks, or which a restore excuses.
            return
        self.account.secrets.heads[head.file] = [head.seq, head.hash, head.at]
        self.account_dirty = True

    def _still_holds(self, file: str, known: list[Any]) -> bool:
        """Whether ``file``'s chain still holds a head this account signed, or a restore
        since then rolled it back knowingly."""
        store = self.store if file == Compartment.SCHOOL.value else None
        for compartment, opened in self.compartments.items():
            if compartment.value == file:
                store = opened
        if store is None:
            return True
        seq, digest = int(known[0]), str(known[1])
        signed_at = str(known[2]) if len(known) > 2 else ""
        with store.read() as conn:
            row = conn.execute("SELECT hash FROM main.audit_log WHERE seq = ?", (seq,)).fetchone()
        if row is not None and row[0] == digest:
            return True
        from safedesk.services.integrity import school_report

        with self.store.read() as conn:
            restores = audit.events_with_action(conn, "backup.restored")
        # Only a restore signed by an administrator of the time excuses it (a rare path: the
        # whole school file is checked).
        honoured = school_report(self).restores if restores else set()
        return any(
            event.seq in honoured
            and event.at > signed_at
            and seq > int(event.detail.get("backup_heads", {}).get(file, [0])[0])
            for event in restores
        )

    def save_account(self) -> None:
        """Keep the slot's pins and sequence numbers (best effort: a slot replaced meanwhile,
        by a reset or a disable, is not overwritten)."""
        if not self.account_dirty or self.account is None:
            return
        from safedesk.domain.errors import SafedeskError
        from safedesk.services.keys import save_account

        try:
            self.account = save_account(self.paths, self.account)
        except SafedeskError:
            return
        self.account_dirty = False

    def close(self) -> None:
        self.release_work()
        for store in self.compartments.values():
            store.close()
        self.store.close()
        if self.account is not None:
            self.account.wipe()
        self.keys.clear()
